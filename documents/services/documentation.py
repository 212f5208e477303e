"""The order's documentation status: derived from its documents here, and written to the order
here only. Orders keeps the field (Order.documentation_status) and reads it (an installation
waits for verified documents after the site survey); it never sets it."""

from django.db import transaction

from documents import selectors
from orders.lock_objects import order_lock
from orders.models import Order, OrderEvent
from orders.services.changes import OrderChanges


@transaction.atomic
def order_documentation_refresh(*, order: Order, actor: str, reason: str = "") -> Order:
    """Derive the order's documentation status from its documents and keep it on the order.

    A change, or a `reason` (a document to revise, one rejected), is kept on the timeline and
    announced (order_changed); an order whose items require no documents is left as it is.
    Locks the order, then reads its documents: call it after the documents' writes, in their
    transaction, whose caller locked the order first (the lock order).
    """
    order = order_lock(order.pk)
    status = selectors.documentation_status(order)
    if status is None or (status == order.documentation_status and not reason):
        return order
    changes = OrderChanges(order, actor, reason)
    changes.add(OrderEvent.Kind.DOCUMENTS, order.documentation_status, status)
    order.documentation_status = status
    order.save(update_fields=["documentation_status", "updated_at"])
    return changes.announce()
