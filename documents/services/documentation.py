"""The order's documentation status, as its documents make it."""

from documents import selectors
from orders.models import Order
from orders.services import order_documentation_update


def order_documentation_refresh(*, order: Order, actor: str, reason: str = "") -> None:
    status = selectors.documentation_status(order)
    if status is not None:
        order_documentation_update(order=order, status=status, actor=actor, reason=reason)
