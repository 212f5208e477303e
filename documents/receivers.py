"""The documents app hears of every order change (orders.signals.order_changed)."""

from typing import Any

from django.db import transaction

from catalog.taxonomy import InstallationStatus
from documents import tasks
from orders.models import Order, OrderEvent


def order_changed(sender: Any, order: Order, events: list[OrderEvent], **kwargs: Any) -> None:
    """A completed installation gets its certificate and invoice; a payment recorded after that
    shows on the invoice. Both are rendered by a Celery task once the change commits (a broker
    that is down is logged, and the sweep of documents.tasks catches up): nothing is written in
    the changing transaction, so no other receiver depends on this one having run."""
    order_id = order.pk
    if any(
        e.kind == OrderEvent.Kind.STATUS and e.to_value == InstallationStatus.COMPLETED
        for e in events
    ):
        transaction.on_commit(lambda: tasks.order_documents_issue.delay(order_id), robust=True)
    elif any(e.kind == OrderEvent.Kind.PAYMENT for e in events):
        transaction.on_commit(lambda: tasks.invoice_refresh.delay(order_id), robust=True)
