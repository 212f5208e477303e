"""An order's documents when it is placed: the forms filled before it, linked to it."""

from django.db import transaction

from documents import selectors
from documents.lock_objects import submissions_lock
from documents.models import Document, Submission
from documents.services.documentation import order_documentation_refresh
from orders.models import Order


@transaction.atomic
def order_documents_attach(
    *,
    order: Order,
    submissions: list[Submission],
    actor: str,
    buyer_reference: str = "",
    transaction_id: str = "",
) -> None:
    """Link the forms filled before the order to it, open one for each other item that needs
    documents, and set the order's documentation status from them.

    The caller holds the order's lock (or has just placed it); the submissions are locked next
    (the lock order)."""
    submissions_lock(s.pk for s in submissions)
    given = {s.item_id: s for s in submissions}
    for line in order.items.select_related("item"):
        if not selectors.required_types(line.item):
            continue
        submission = given.get(line.item_id)
        if submission is None:
            submission, _ = Submission.objects.get_or_create(
                order=order,
                item=line.item,
                defaults={"buyer_reference": buyer_reference, "transaction_id": transaction_id},
            )
        Submission.objects.filter(pk=submission.pk).update(order=order)
        Document.objects.filter(submission=submission).update(order=order)
    order_documentation_refresh(order=order, actor=actor)
