"""Celery tasks of card payments: thin, by id, safe to run twice."""

import logging

from celery import shared_task
from django.db import DatabaseError

from payments import services
from payments.errors import GatewayUnavailable, PaymentError
from payments.models import Payment

# The test gateway's own task, registered with the worker through this module.
from payments.test_gateway.tasks import event_deliver  # noqa: F401

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(GatewayUnavailable, DatabaseError),
    retry_backoff=2,
    retry_backoff_max=600,
    max_retries=12,
)
def payment_refund_after_cancellation(payment_id: str) -> None:
    """Refund the card payment of a cancelled order (a refunded one stays as it is)."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    try:
        services.payment_refund(
            payment=payment,
            actor="payments",
            reason=f"Order cancelled: {payment.order.cancellation_reason}",
        )
    except GatewayUnavailable:
        raise
    except PaymentError as exc:
        logger.error("Refund of the cancelled order %s failed: %s", payment.order, exc)
