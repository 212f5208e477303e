"""The documents app hears of every order change (orders.signals.order_changed)."""

from typing import Any

from catalog.taxonomy import InstallationStatus
from documents import services
from orders.models import Order, OrderEvent


def order_changed(sender: Any, order: Order, events: list[OrderEvent], **kwargs: Any) -> None:
    """A completed installation gets its certificate and invoice; a payment recorded after
    that shows on the invoice. Runs inside the changing transaction."""
    if any(
        e.kind == OrderEvent.Kind.STATUS and e.to_value == InstallationStatus.COMPLETED
        for e in events
    ):
        services.order_documents_issue(order=order)
    elif any(e.kind == OrderEvent.Kind.PAYMENT for e in events):
        services.invoice_refresh(order=order)
