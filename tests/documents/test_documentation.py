"""The order's documentation status has one owner, documents.services: it is derived from the
documents under the order's lock, in the lock order (the order, its submissions, its
documents), and written to the order with its timeline event."""

import pytest

from catalog.taxonomy import DocumentationStatus
from documents import services
from documents.models import Document, Submission
from documents.tokens import FormScope
from orders.models import Order, OrderEvent
from tests.documents.factories import item_requiring, order_of, submit_documents
from tests.orders.locks import locks_taken

pytestmark = pytest.mark.django_db
INSTALLER = "user:dispatcher@sunpower"


def test_a_form_of_an_order_locks_the_order_then_the_submission() -> None:
    item = item_requiring("id_proof", "electricity_bill")
    order = order_of(item)

    with locks_taken() as locks:
        submit_documents(FormScope(item_id=item.pk, order_id=order.pk), item)

    assert locks == [Order, Submission, Order]
    locks.assert_in_order()
    order.refresh_from_db()
    assert order.documentation_status == DocumentationStatus.COMPLETED


def test_a_verdict_locks_the_order_its_submission_then_the_document() -> None:
    item = item_requiring("id_proof")
    order = order_of(item)
    submit_documents(FormScope(item_id=item.pk, order_id=order.pk), item)
    document = Document.objects.get(order=order)

    with locks_taken() as locks:
        services.document_verify(document=document, status="VERIFIED", reviewer=INSTALLER)

    assert locks == [Order, Submission, Document, Order]
    locks.assert_in_order()


def test_a_form_filled_before_its_order_locks_only_its_submission() -> None:
    item = item_requiring("id_proof")
    scope = FormScope(item_id=item.pk, buyer_reference="bap.example.test", transaction_id="t-1")

    with locks_taken() as locks:
        submission = submit_documents(scope, item)

    assert locks == [Submission]
    assert submission.order is None and submission.complete


def test_the_status_is_written_once_per_change_with_its_event() -> None:
    item = item_requiring("id_proof", "electricity_bill")
    order = order_of(item)
    assert order.documentation_status == DocumentationStatus.PENDING

    refreshed = services.order_documentation_refresh(order=order, actor=INSTALLER)
    assert refreshed.documentation_status == DocumentationStatus.PENDING
    assert not order.events.filter(kind=OrderEvent.Kind.DOCUMENTS).exists()

    submit_documents(FormScope(item_id=item.pk, order_id=order.pk), item)
    services.order_documentation_refresh(order=order, actor=INSTALLER)

    events = order.events.filter(kind=OrderEvent.Kind.DOCUMENTS)
    assert [(e.from_value, e.to_value, e.actor) for e in events] == [
        ("PENDING", "COMPLETED", "homeowner")
    ]


def test_a_status_left_behind_is_caught_up_from_the_documents() -> None:
    """The status is derived under the order's lock from what the documents are now, whatever
    an earlier writer left on the order."""
    item = item_requiring("id_proof")
    order = order_of(item)
    submit_documents(FormScope(item_id=item.pk, order_id=order.pk), item)
    Document.objects.filter(order=order).update(verification_status="VERIFIED")
    Order.objects.filter(pk=order.pk).update(documentation_status=DocumentationStatus.COMPLETED)

    refreshed = services.order_documentation_refresh(order=order, actor=INSTALLER)

    assert refreshed.documentation_status == DocumentationStatus.VERIFIED
    order.refresh_from_db()
    assert order.documentation_status == DocumentationStatus.VERIFIED


def test_an_order_whose_items_need_no_documents_is_left_alone() -> None:
    order = order_of(item_requiring("id_proof"))
    order.items.all().delete()

    refreshed = services.order_documentation_refresh(order=order, actor=INSTALLER, reason="x")

    assert refreshed.documentation_status == DocumentationStatus.PENDING
    assert not order.events.exists()
