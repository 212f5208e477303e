"""documents.services.order_place_with_documents: the one service behind both front doors'
confirm. It checks the forms the buyer filled in its transaction, places the order and links
them, in one transaction; a missing document refuses the order with DocumentsMissing, before
anything is written."""

from decimal import Decimal

import pytest

from catalog.models import Item
from catalog.taxonomy import DocumentationStatus
from documents.errors import DocumentsError, DocumentsMissing
from documents.models import Document, Submission
from documents.services import order_documents_check, order_place_with_documents
from documents.tokens import FormScope
from orders.actors import actor_for_bap
from orders.errors import QuoteChanged
from orders.models import Order, OrderEvent
from orders.selectors import offer_quote
from orders.services import Billing, Customer
from tests.documents.factories import item_requiring, submit_documents

pytestmark = pytest.mark.django_db
BAP = "bap.example.test"
TRANSACTION = "t-confirm-1"


def place(*items: Item, **arguments: object) -> Order:
    quote = offer_quote(
        provider_external_id=items[0].provider.external_id,
        item_external_ids=[item.external_id for item in items],
    )
    fields = {
        "quote": quote,
        "billing": Billing(name="Emily Tran", address="456 Glenview St, San Francisco, CA"),
        "customer": Customer(name="Emily Tran"),
        "site_address": "456 Glenview St, San Francisco, CA",
        "channel": Order.Channel.NETWORK,
        "buyer_reference": BAP,
        "transaction_id": TRANSACTION,
        "actor": actor_for_bap(BAP),
        **arguments,
    }
    return order_place_with_documents(**fields)


def filled(item: Item, transaction_id: str = TRANSACTION) -> Submission:
    scope = FormScope(item_id=item.pk, buyer_reference=BAP, transaction_id=transaction_id)
    return submit_documents(scope, item)


def test_the_forms_filled_in_the_transaction_come_with_the_order() -> None:
    item = item_requiring("id_proof", "electricity_bill", before_confirm=True)
    submission = filled(item)

    order = place(item, submission_ids=[(item.external_id, str(submission.pk))])

    assert (order.channel, order.buyer_reference) == (Order.Channel.NETWORK, BAP)
    submission.refresh_from_db()
    assert submission.order == order
    assert Document.objects.filter(order=order).count() == 2
    order.refresh_from_db()
    assert order.documentation_status == DocumentationStatus.COMPLETED
    kinds = list(order.events.values_list("kind", "actor"))
    assert kinds[0] == (OrderEvent.Kind.CREATED, "bap:bap.example.test")
    assert (OrderEvent.Kind.DOCUMENTS, "bap:bap.example.test") in kinds


def test_missing_documents_refuse_the_order_before_anything_is_written() -> None:
    needs_first = item_requiring("id_proof", "electricity_bill", before_confirm=True)

    with pytest.raises(DocumentsMissing) as refused:
        place(needs_first)

    assert refused.value.missing == {needs_first: list(needs_first.required_documents.all())}
    assert refused.value.unknown == []
    assert str(refused.value) == (
        "Documents are required before the order: Rooftop Solar Setup needs ID proof, "
        "Electricity bill."
    )
    assert isinstance(refused.value, DocumentsError)
    assert not Order.objects.exists()


def test_a_form_of_another_transaction_counts_for_nothing() -> None:
    item = item_requiring("id_proof", before_confirm=True)
    elsewhere = filled(item, transaction_id="another-transaction")

    with pytest.raises(DocumentsMissing) as refused:
        place(item, submission_ids=[("", str(elsewhere.pk))])

    assert refused.value.unknown == [str(elsewhere.pk)]
    assert list(refused.value.missing) == [item]
    elsewhere.refresh_from_db()
    assert elsewhere.order is None and not Order.objects.exists()


def test_a_form_named_for_the_wrong_item_is_unknown() -> None:
    item = item_requiring("id_proof", before_confirm=True)
    submission = filled(item)

    with pytest.raises(DocumentsMissing) as refused:
        place(item, submission_ids=[("not-this-item", str(submission.pk)), ("", "not-a-uuid")])

    assert refused.value.unknown == [str(submission.pk), "not-a-uuid"]
    assert refused.value.missing == {}
    assert "no form" in str(refused.value)


def test_documents_that_may_come_later_leave_the_order_pending_with_its_form_open() -> None:
    item = item_requiring("id_proof", before_confirm=False)

    order = place(item, channel=Order.Channel.WEB, buyer_reference="user:7", actor="homeowner:7")

    assert order.channel == Order.Channel.WEB
    order.refresh_from_db()
    assert order.documentation_status == DocumentationStatus.PENDING
    (submission,) = Submission.objects.filter(order=order)
    assert (submission.buyer_reference, submission.transaction_id) == ("user:7", TRANSACTION)


def test_a_refused_placement_leaves_the_forms_as_they_were() -> None:
    item = item_requiring("id_proof", before_confirm=True)
    submission = filled(item)

    with pytest.raises(QuoteChanged):
        place(item, expected_total=Decimal("1"))

    submission.refresh_from_db()
    assert submission.order is None
    assert not Order.objects.exists() and not Document.objects.filter(order__isnull=False)


def test_the_check_alone_answers_the_forms_to_link() -> None:
    item = item_requiring("id_proof", before_confirm=True)
    other = item_requiring("electricity_bill", provider=item.provider)
    submission = filled(item)

    found = order_documents_check(buyer_reference=BAP, transaction_id=TRANSACTION, items=[item])
    assert found == [submission]
    with pytest.raises(DocumentsMissing):
        order_documents_check(
            buyer_reference=BAP, transaction_id="nothing-filled", items=[item, other]
        )
