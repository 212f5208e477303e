"""Celery tasks of notices: each e-mail is sent after its order's change commits, retried with
backoff while the mail server fails, then marked FAILED (shown on the installer's order page);
the reminders of tomorrow's appointments are queued by the beat schedule (each once)."""

import logging
import smtplib

from celery import shared_task
from django.db import DatabaseError

from notices import services

logger = logging.getLogger(__name__)
MAX_RETRIES = 8


@shared_task(
    bind=True,
    acks_late=True,
    name="notices.tasks.order_email_send",
    max_retries=MAX_RETRIES,
)
def order_email_send(task, email_id: int) -> None:
    try:
        services.order_email_send(email_id=email_id)
    except (smtplib.SMTPException, OSError, DatabaseError) as exc:
        if task.request.retries >= MAX_RETRIES:
            services.order_email_failed(email_id=email_id, failure=f"{type(exc).__name__}: {exc}")
            logger.warning("E-mail %s failed for good: %s", email_id, exc)
            return
        raise task.retry(exc=exc, countdown=min(300, 2 ** (task.request.retries + 1))) from exc


@shared_task(acks_late=True, name="notices.tasks.appointment_reminders_queue")
def appointment_reminders_queue() -> int:
    """Record and send the reminders of the appointments of the coming day; how many."""
    emails = services.appointment_reminders_record()
    for email in emails:
        order_email_send.delay(email.pk)
    return len(emails)
