"""Celery tasks of the Beckn adapter: thin, idempotent, and driven by the outbox rows."""

import logging
from datetime import datetime

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=10,
)
def deliver_callback(outbound_id: int, lease: str | None = None) -> None:
    """A delivery attempt of an outbox row (in the delivery slot handed to it until `lease`,
    an ISO 8601 time, if given); the service schedules the next one when it must retry."""
    from beckn import services

    services.callback_deliver(
        outbound_id=outbound_id, lease=datetime.fromisoformat(lease) if lease else None
    )


@shared_task(acks_late=True)
def outbox_sweep(overdue_seconds: float | None = None) -> int:
    """Enqueue again the callbacks whose message was lost (a crash, a broker outage, a restart).

    The periodic sweep leaves alone those due for less than a sweep period (their message is
    most likely on its way); the sweep at worker start takes every due callback."""
    from beckn import services

    if overdue_seconds is None:
        overdue_seconds = settings.BECKN_OUTBOX_SWEEP_SECONDS
    return services.outbox_sweep(overdue_seconds=overdue_seconds)


@shared_task(acks_late=True)
def subscribe_key(role: str) -> None:
    """Subscribe our `role` key pair (current or next) for the operator's admin action: the
    registry challenges our web server while we wait, so no web worker is held. The outcome is
    kept on the subscription's row."""
    from beckn import subscription

    try:
        subscription.subscription_request(role=role)
    except (subscription.SubscriptionError, ImproperlyConfigured) as exc:
        logger.error("Subscription of the %s key failed: %s", role, exc)


@worker_ready.connect
def sweep_on_start(**kwargs: object) -> None:
    outbox_sweep.delay(0)
