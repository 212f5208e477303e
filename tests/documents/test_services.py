"""The installer's verdicts and what follows from them: the order's documentation status, the
timeline, the form re-opened, and the gate after the site survey."""

from typing import Any

import pytest
from django.test import Client

from catalog.models import Item
from catalog.taxonomy import InstallationPhase, VerificationStatus
from documents import selectors, services
from documents.errors import IllegalReview
from documents.models import Document
from orders import errors
from orders import services as order_services
from orders.models import Order
from orders.signals import order_changed
from tests.documents.factories import (
    form_data,
    item_requiring,
    multipart,
    order_of,
    order_token,
)
from tests.orders.factories import OrderFactory, appointments_passed

pytestmark = pytest.mark.django_db
INSTALLER = "user:dispatcher@sunpower"


def submit(client: Client, order: Order, item: Item, **overrides: Any) -> None:
    body, content_type = multipart(
        {"token": order_token(order, item), **form_data(item, **overrides)}
    )
    path = selectors.form_url(item).removeprefix("http://127.0.0.1:8000")
    answer = client.post(
        path, data=body, content_type=content_type, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.content


def documents_of(order: Order) -> dict[str, Document]:
    return {d.document_type.code: d for d in Document.objects.filter(order=order, is_current=True)}


def verify_all(order: Order) -> None:
    for document in documents_of(order).values():
        services.document_verify(document=document, status="VERIFIED", reviewer=INSTALLER)


@pytest.fixture
def submitted(client: Client) -> tuple[Order, Item]:
    item = item_requiring("id_proof", "electricity_bill")
    order = order_of(item)
    submit(client, order, item)
    order.refresh_from_db()
    return order, item


def test_the_documentation_status_follows_the_documents(submitted: tuple[Order, Item]) -> None:
    order, _ = submitted
    assert order.documentation_status == "COMPLETED"
    bill = documents_of(order)["electricity_bill"]

    services.document_verify(
        document=documents_of(order)["id_proof"], status="VERIFIED", reviewer=INSTALLER
    )
    order.refresh_from_db()
    assert order.documentation_status == "COMPLETED"

    services.document_verify(document=bill, status="VERIFIED", reviewer=INSTALLER)
    order.refresh_from_db()
    assert order.documentation_status == "VERIFIED"
    bill.refresh_from_db()
    assert (bill.reviewed_by, bill.reviewed_at is not None) == (INSTALLER, True)

    services.document_verify(document=bill, status="REJECTED", reviewer=INSTALLER, reason="Forged")
    order.refresh_from_db()
    assert order.documentation_status == "REJECTED"
    kinds = [(e.kind, e.to_value, e.reason) for e in order.events.filter(kind="DOCUMENTS")]
    assert kinds == [
        ("DOCUMENTS", "COMPLETED", ""),
        ("DOCUMENTS", "VERIFIED", ""),
        ("DOCUMENTS", "REJECTED", "Electricity bill: rejected - Forged"),
    ]


def test_a_revision_reopens_the_form_and_is_announced_with_its_reason(
    client: Client, submitted: tuple[Order, Item]
) -> None:
    order, item = submitted
    heard = []

    def listener(sender: Any, order: Order, events: list, **kwargs: Any) -> None:
        heard.extend((e.kind, e.reason) for e in events)

    order_changed.connect(listener)
    try:
        services.document_verify(
            document=documents_of(order)["electricity_bill"],
            status="NEEDS_REVISION",
            reviewer=INSTALLER,
            reason="The scan is cut off at the bottom",
        )
    finally:
        order_changed.disconnect(listener)

    assert heard == [
        ("DOCUMENTS", "Electricity bill: needs revision - The scan is cut off at the bottom")
    ]
    order.refresh_from_db()
    assert order.documentation_status == "PENDING"
    [form] = selectors.order_documents(order).forms
    assert form.resubmit is True
    state = selectors.form_state(
        item, selectors.current_documents(documents_of(order)["id_proof"].submission)
    )
    assert [t.code for t in state.needed] == ["electricity_bill"]

    # Only the document to revise is asked for again.
    data = form_data(item)
    del data["document_id_proof"]
    body, content_type = multipart({"token": order_token(order, item), **data})
    path = selectors.form_url(item).removeprefix("http://127.0.0.1:8000")
    assert (
        client.post(
            path, data=body, content_type=content_type, headers={"Accept": "application/json"}
        ).status_code
        == 200
    )
    order.refresh_from_db()
    assert order.documentation_status == "COMPLETED"
    assert documents_of(order)["electricity_bill"].verification_status == "PENDING"


@pytest.mark.parametrize(
    "before, verdict, reason, problem",
    [
        ("PENDING", "NEEDS_REVISION", "", "Say why"),
        ("PENDING", "REJECTED", " ", "Say why"),
        ("NEEDS_REVISION", "VERIFIED", "", "cannot be marked verified"),
        ("REJECTED", "VERIFIED", "", "cannot be marked verified"),
        ("VERIFIED", "VERIFIED", "", "cannot be marked verified"),
    ],
)
def test_verdicts_that_cannot_be_given(
    submitted: tuple[Order, Item], before: str, verdict: str, reason: str, problem: str
) -> None:
    order, _ = submitted
    document = documents_of(order)["id_proof"]
    Document.objects.filter(pk=document.pk).update(verification_status=before)
    with pytest.raises(IllegalReview, match=problem):
        services.document_verify(
            document=document, status=verdict, reviewer=INSTALLER, reason=reason
        )
    document.refresh_from_db()
    assert document.verification_status == before


def test_the_installation_waits_for_verified_documents_after_the_site_survey(
    submitted: tuple[Order, Item],
) -> None:
    order, _ = submitted
    order = appointments_passed(order)
    order = order_services.order_phase_advance(order=order, actor=INSTALLER)
    assert order.phase == InstallationPhase.SITE_SURVEY
    with pytest.raises(errors.IllegalTransition, match="every required document is verified"):
        order_services.order_phase_advance(order=order, actor=INSTALLER)

    verify_all(order)
    order = order_services.order_phase_advance(order=order, actor=INSTALLER)
    assert order.phase == InstallationPhase.PREPARATION


def test_orders_of_items_without_documents_are_not_held() -> None:
    order = appointments_passed(OrderFactory())
    for _ in range(3):
        order = order_services.order_phase_advance(order=order, actor=INSTALLER)
    assert order.phase == InstallationPhase.INSTALLATION


def test_an_order_with_nothing_submitted_is_pending() -> None:
    item = item_requiring("id_proof")
    order = order_of(item)
    assert selectors.documentation_status(order) == "PENDING"
    assert [r.status for r in selectors.order_requirements(order)] == [""]
    assert VerificationStatus.PENDING not in selectors.order_requirements(order)[0].status
