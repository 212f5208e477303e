"""Row locks of the documents app, taken in the domain's lock order (written in
orders/lock_objects.py): an order's row comes before its submissions, a submission's before its
documents, and the order's before its invoice. Submissions and documents are locked alone
(`of=self`): their order, when they have one, is locked first through orders.lock_objects.

Each function must be called inside transaction.atomic: the locks last until it ends.
"""

from collections.abc import Iterable
from uuid import UUID

from catalog.lock_objects import rows_lock
from documents.models import Document, Invoice, Submission


def submission_lock(submission_id: UUID) -> Submission:
    """The submission re-read under its row lock, with its order and item."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("order", "item")
        .get(pk=submission_id)
    )


def submissions_lock(submission_ids: Iterable[UUID]) -> list[UUID]:
    """Lock the submissions' rows, by ascending id; their ids."""
    return rows_lock(Submission, submission_ids)


def document_lock(document_id: UUID) -> Document:
    """The document re-read under its row lock, with its type, submission, item and order."""
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("document_type", "submission__item", "order")
        .get(pk=document_id)
    )


def invoice_lock(order_id: int) -> Invoice | None:
    """The order's invoice under its row lock (None before it is issued)."""
    return Invoice.objects.select_for_update().filter(order_id=order_id).first()
