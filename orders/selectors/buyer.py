"""Orders as their buyer sees them: a buyer app (by its bap_id) or a homeowner (by their account),
and an order read afresh as a write left it."""

from datetime import datetime

from django.db.models import QuerySet

from orders.errors import OrderNotFound
from orders.models import CLOSED_STATUSES, Order, OrderEvent


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("provider", "fulfillment", "technician").prefetch_related(
        "items__item__category",
        "items__item__required_documents",
        "items__item__locations",
        "items__item__fulfillments",
        "provider__images",
        "events",
    )


def order_for_buyer(*, installation_request_id: str, channel: str, buyer_reference: str) -> Order:
    """An order as its buyer sees it; anyone else gets OrderNotFound."""
    order = (
        _orders()
        .filter(
            installation_request_id=installation_request_id,
            channel=channel,
            buyer_reference=buyer_reference,
        )
        .first()
    )
    if order is None:
        raise OrderNotFound(f"No order {installation_request_id!r} for this buyer.")
    return order


def order_by_tracking_token(token: str) -> Order | None:
    return _orders().filter(tracking_token=token).first()


def order_closed_at(order: Order) -> datetime | None:
    """When the order was completed, cancelled or failed (its last change of status to one of
    those); None while it is open."""
    if order.status not in CLOSED_STATUSES:
        return None
    closing = (
        OrderEvent.objects.filter(
            order=order, kind=OrderEvent.Kind.STATUS, to_value__in=CLOSED_STATUSES
        )
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return closing or order.updated_at


def order_detail(order_id: int) -> Order:
    return _orders().get(pk=order_id)


def public_events(order: Order) -> list[OrderEvent]:
    """The order's timeline as the homeowner and the buyer app may see it: without the
    installer's own site notes (uses the prefetched events, if any)."""
    return [event for event in order.events.all() if event.kind != OrderEvent.Kind.NOTE]


# --- Homeowners (the web front door) -------------------------------------------------------------


def homeowner_reference(user_id: int) -> str:
    """The buyer reference of a homeowner's web orders: stable for the account."""
    return f"user:{user_id}"


def homeowner_orders(user_id: int) -> QuerySet[Order]:
    """A homeowner's orders, newest first."""
    return (
        Order.objects.filter(
            channel=Order.Channel.WEB, buyer_reference=homeowner_reference(user_id)
        )
        .select_related("provider", "technician")
        .prefetch_related("items__item")
        .order_by("-created_at", "-id")
    )


def order_for_homeowner(*, user_id: int, installation_request_id: str) -> Order:
    """One of a homeowner's orders; another's (or none) raises OrderNotFound."""
    return order_for_buyer(
        installation_request_id=installation_request_id,
        channel=Order.Channel.WEB,
        buyer_reference=homeowner_reference(user_id),
    )
