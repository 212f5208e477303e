"""The payments app hears of every order change (orders.signals.order_changed)."""

from typing import Any

from django.db import transaction

from catalog.taxonomy import InstallationStatus
from orders.models import Order, OrderEvent
from payments import tasks
from payments.models import Payment


def order_changed(sender: Any, order: Order, events: list[OrderEvent], **kwargs: Any) -> None:
    """A cancelled order's card payment is given back (cancelling is free until the
    installation begins: orders.policies), by a task once the cancellation commits."""
    if not any(
        e.kind == OrderEvent.Kind.STATUS and e.to_value == InstallationStatus.CANCELLED
        for e in events
    ):
        return
    payment_id = (
        Payment.objects.filter(order=order, status__in=(Payment.Status.PAID, Payment.Status.REVIEW))
        .values_list("pk", flat=True)
        .first()
    )
    if payment_id is not None:
        transaction.on_commit(
            lambda: tasks.payment_refund_after_cancellation.delay(str(payment_id))
        )
