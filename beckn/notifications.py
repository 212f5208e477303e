"""Unsolicited callbacks: a buyer app hears of every change to its orders that it did not make."""

from typing import Any

from beckn import mapping
from beckn.selectors import order_link
from beckn.services import order_push
from orders.models import Order, OrderEvent

# Changes of the installation's state are told with on_status; the rest with on_update.
STATE_KINDS = {
    OrderEvent.Kind.STATUS,
    OrderEvent.Kind.PHASE,
    OrderEvent.Kind.TECHNICIAN,
    OrderEvent.Kind.SAFETY,
}


def order_changed(sender: Any, order: Order, events: list[OrderEvent], **kwargs: Any) -> None:
    link = order_link(order)
    if link is None:
        return
    # The buyer app's own requests (confirm, cancel, update) are answered by their callbacks.
    foreign = [event for event in events if event.actor != mapping.actor(link.bap_id)]
    if not foreign:
        return
    action = "on_status" if any(e.kind in STATE_KINDS for e in foreign) else "on_update"
    order_push(link=link, action=action)
