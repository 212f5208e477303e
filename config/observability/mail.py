"""An e-mail backend that counts what it sends: it hands each batch to the backend EMAIL_URL
chose (settings.OBSERVED_EMAIL_BACKEND) and counts the e-mails sent and failed."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from config.observability import metrics


class ObservedEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.OBSERVED_EMAIL_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self) -> bool | None:
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        messages = list(email_messages)
        try:
            sent = self.inner.send_messages(messages) or 0
        except Exception:
            metrics.EMAILS_FAILED.inc(len(messages))
            raise
        metrics.EMAILS_SENT.inc(sent)
        if len(messages) > sent:
            metrics.EMAILS_FAILED.inc(len(messages) - sent)
        return sent
