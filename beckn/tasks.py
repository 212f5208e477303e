"""Celery tasks of the Beckn adapter: thin, idempotent, and driven by the outbox rows."""

import logging

from celery import shared_task
from celery.signals import worker_ready
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
def deliver_callback(outbound_id: int) -> None:
    """One delivery attempt of an outbox row; schedules the next one when it must retry."""
    from beckn import services

    retry_in = services.callback_deliver(outbound_id=outbound_id)
    if retry_in is not None:
        services.callback_enqueue(outbound_id=outbound_id, countdown=retry_in)


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    """Enqueue every callback that is due: after a crash, a lost broker message, or a restart."""
    from beckn import services

    due = services.outbox_due()
    for outbound_id in due:
        services.callback_enqueue(outbound_id=outbound_id)
    return len(due)


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
    outbox_sweep.delay()
