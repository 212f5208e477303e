"""Row locks of orders, in one place."""

from orders.models import Order


def order_lock(order: Order) -> Order:
    """The order re-read under a row lock (the caller is inside transaction.atomic)."""
    return Order.objects.select_for_update().get(pk=order.pk)
