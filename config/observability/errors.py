"""Errors to Sentry when SENTRY_DSN is set: no personal data by default, and every event
masked as the logs are (masking.py) before it leaves. Unset, the SDK is not initialised."""

from typing import Any

import sentry_sdk
from django.conf import settings
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from config.observability.masking import mask_data


def event_mask(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's before_send (and before_send_transaction): the event, masked."""
    return mask_data(event)


def errors_start() -> bool:
    """Report errors to Sentry, if configured. Returns whether it is."""
    if not settings.SENTRY_DSN:
        return False
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        # send_default_pii=False in this SDK's terms (it deprecates that option): no user, no
        # request bodies, no SQL parameters, no local variables of the frames.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=event_mask,
        before_send_transaction=event_mask,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
