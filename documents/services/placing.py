"""Placing an order with its documents: the one use case behind both front doors' confirm (a
buyer app's /confirm, the web checkout's last step). The forms the buyer filled in its
transaction are checked, the order is placed (orders.services.order_place) and the forms are
linked to it, all in one transaction; a missing document refuses the order with one error,
DocumentsMissing, before anything is written."""

from collections.abc import Sequence
from typing import Unpack

from django.db import transaction

from catalog.models import Item
from documents import selectors
from documents.errors import DocumentsMissing
from documents.lock_objects import submissions_lock
from documents.models import Document, Submission
from documents.services.documentation import order_documentation_refresh
from orders.models import Order
from orders.selectors import Quote
from orders.services import Billing, Customer, PlacementTerms, order_place


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


def order_documents_check(
    *,
    buyer_reference: str,
    transaction_id: str,
    items: list[Item],
    submission_ids: Sequence[tuple[str, str]] = (),
) -> list[Submission]:
    """The forms the buyer filled in this transaction for these items, to link to the order
    about to be placed. `submission_ids`: the forms the buyer names, as (item external id, or ""
    for any of the items, submission id).

    Raises DocumentsMissing when an item that needs its documents before the order
    (Item.documents_required_before_confirm) lacks some, or a named form is not one of them.
    """
    checked = selectors.confirm_check(
        buyer_reference=buyer_reference,
        transaction_id=transaction_id,
        items=items,
        submission_ids=list(submission_ids),
    )
    if checked.missing or checked.unknown:
        raise DocumentsMissing(missing=checked.missing, unknown=checked.unknown)
    return checked.submissions


@transaction.atomic
def order_place_with_documents(
    *,
    quote: Quote,
    billing: Billing,
    customer: Customer,
    site_address: str,
    channel: str,
    buyer_reference: str,
    transaction_id: str,
    actor: str,
    submission_ids: Sequence[tuple[str, str]] = (),
    **terms: Unpack[PlacementTerms],
) -> Order:
    """Place (and so confirm) an order for `quote` with the documents the buyer filled in its
    transaction (`transaction_id`: a buyer app's, or the web checkout's draft id): the forms are
    checked (order_documents_check), the order placed (order_place, with the same arguments and
    `terms`) and the forms linked to it, its documentation status set from them
    (order_documents_attach).

    Raises DocumentsMissing before anything is written, or one of order_place's OrderErrors
    (QuoteChanged, PaymentNotSupported, UpdateNotPossible); then nothing is written.
    """
    submissions = order_documents_check(
        buyer_reference=buyer_reference,
        transaction_id=transaction_id,
        items=quote.items,
        submission_ids=submission_ids,
    )
    order = order_place(
        quote=quote,
        billing=billing,
        customer=customer,
        site_address=site_address,
        channel=channel,
        buyer_reference=buyer_reference,
        actor=actor,
        **terms,
    )
    order_documents_attach(
        order=order,
        submissions=submissions,
        actor=actor,
        buyer_reference=buyer_reference,
        transaction_id=transaction_id,
    )
    return order
