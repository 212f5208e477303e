"""Unsolicited callbacks: a buyer app hears of every change to its orders that it did not make."""

import uuid
from typing import Any

from django.db import transaction

from beckn.delivery import engine
from beckn.keys import our_identity
from beckn.mapping.context import callback_context, callback_url
from beckn.mapping.order import order_message
from beckn.models import OrderLink, OutboundMessage
from beckn.selectors import order_link
from orders.actors import is_bap
from orders.models import Order, OrderEvent
from orders.selectors import order_detail

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
    foreign = [event for event in events if not is_bap(event.actor, link.bap_id)]
    if not foreign:
        return
    action = "on_status" if any(e.kind in STATE_KINDS for e in foreign) else "on_update"
    order_push(link=link, action=action)


def order_push(*, link: OrderLink, action: str) -> OutboundMessage:
    """Tell the buyer app that placed an order about a change it did not ask for (an
    unsolicited on_status or on_update), through the outbox. Call inside the changing
    transaction: the callback shows the order as that transaction leaves it."""
    message_id = str(uuid.uuid4())
    request_context = {
        **link.context,
        "action": action.removeprefix("on_"),
        "bap_id": link.bap_id,
        "bap_uri": link.bap_uri,
        "transaction_id": link.transaction_id,
    }
    payload = {
        "context": callback_context(
            request_context, identity=our_identity(), message_id=message_id
        ),
        "message": order_message(order_detail(link.order_id)),
    }
    outbound = OutboundMessage.objects.create(
        action=action,
        bap_id=link.bap_id,
        target_url=callback_url(link.bap_uri, request_context["action"]),
        transaction_id=link.transaction_id,
        message_id=message_id,
        payload=payload,
    )
    transaction.on_commit(lambda: engine.callback_enqueue(outbound_id=outbound.pk))
    return outbound
