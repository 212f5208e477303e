"""Celery tasks of the Beckn adapter: thin, idempotent, and driven by the outbox rows.

The callback delivery task, `beckn.tasks.deliver_callback`, is defined beside the engine that
publishes it (beckn/delivery/engine.py), under the name it has always had; importing the engine
here registers it wherever these tasks are.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from beckn import retention, subscription
from beckn.delivery import engine

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def outbox_sweep(overdue_seconds: float | None = None) -> int:
    """Enqueue again the callbacks whose message was lost (a crash, a broker outage, a restart).

    The periodic sweep leaves alone those due for less than a sweep period (their message is
    most likely on its way); the sweep at worker start takes every due callback."""
    if overdue_seconds is None:
        overdue_seconds = settings.BECKN_OUTBOX_SWEEP_SECONDS
    return engine.outbox_sweep(overdue_seconds=overdue_seconds)


@shared_task(acks_late=True)
def prune_message_log() -> dict[str, int]:
    """Delete the message log, delivered callbacks and search listings past their retention
    (beckn/retention.py); what is still owed stays."""
    pruned = retention.message_log_prune()
    logger.info("Pruned the Beckn message log: %s", pruned)
    return {
        "callbacks": pruned.callbacks,
        "requests": pruned.requests,
        "search_listings": pruned.search_listings,
    }


@shared_task(acks_late=True)
def subscribe_key(role: str) -> None:
    """Subscribe our `role` key pair (current or next) for the operator's admin action: the
    registry challenges our web server while we wait, so no web worker is held. The outcome is
    kept on the subscription's row."""
    try:
        subscription.subscription_request(role=role)
    except (subscription.SubscriptionError, ImproperlyConfigured) as exc:
        logger.error("Subscription of the %s key failed: %s", role, exc)


@worker_ready.connect
def sweep_on_start(**kwargs: object) -> None:
    outbox_sweep.delay(0)
