"""The certificate and the invoice are rendered after the completion commits, by idempotent
Celery tasks (documents.tasks): queued once by the change, run any number of times with one
effect, retried when the storage fails, and swept up when their message was lost."""

import time
from typing import Any
from unittest import mock

import pytest

from catalog.taxonomy import InstallationPhase, InstallationStatus, SafetyStatus
from documents import selectors, tasks
from documents.models import Certificate, Invoice
from documents.services import issued
from orders import services as order_services
from orders.actors import SYSTEM
from orders.models import Order, OrderEvent
from orders.signals import order_changed
from tests.documents.after_commit import queued_after_commit, run_after_commit
from tests.orders.factories import OrderFactory, appointments_passed

INSTALLER = "user:dispatcher@sunpower"
ISSUE = "documents.tasks.order_documents_issue"
REFRESH = "documents.tasks.invoice_refresh"


def commissioned() -> Order:
    """An order whose installation is commissioned and safe: it can be completed."""
    return appointments_passed(
        OrderFactory(
            status=InstallationStatus.IN_PROGRESS,
            phase=InstallationPhase.COMMISSIONING,
            safety_status=SafetyStatus.VERIFIED,
        )
    )


def completed() -> Order:
    return OrderFactory(
        status=InstallationStatus.COMPLETED,
        phase=InstallationPhase.COMMISSIONING,
        safety_status=SafetyStatus.VERIFIED,
    )


@pytest.mark.django_db
def test_completion_queues_the_issue_for_after_its_commit() -> None:
    order = commissioned()

    with queued_after_commit() as queued:
        order_services.order_complete(order=order, actor=INSTALLER)
        assert not queued  # nothing before the commit...
        assert selectors.issued_documents(order) == (None, None)  # ...nor in the transaction

    assert queued.names() == [(ISSUE, (order.pk,))]


@pytest.mark.django_db
def test_a_payment_queues_the_invoice_refresh_and_other_changes_queue_nothing() -> None:
    order = commissioned()

    with queued_after_commit() as queued:
        order_services.order_payment_record(order=order, status="PAID", actor=INSTALLER)
        order_services.order_note_add(order=order, text="Meter sealed", actor=INSTALLER)
        order_services.order_safety_record(order=order, safety_status="VERIFIED", actor=INSTALLER)

    assert queued.names() == [(REFRESH, (order.pk,))]


@pytest.mark.django_db
def test_the_issue_task_issues_once_and_announces_it_once() -> None:
    order = completed()
    heard: list[tuple[str, str]] = []

    def listener(sender: Any, order: Order, events: list[OrderEvent], **kwargs: Any) -> None:
        heard.extend((e.kind, e.actor) for e in events)

    order_changed.connect(listener)
    try:
        with queued_after_commit() as queued:
            tasks.order_documents_issue(order.pk)
            tasks.order_documents_issue(order.pk)
    finally:
        order_changed.disconnect(listener)

    certificate, invoice = Certificate.objects.get(order=order), Invoice.objects.get(order=order)
    assert heard == [(OrderEvent.Kind.ISSUED, SYSTEM)]
    (event,) = order.events.filter(kind=OrderEvent.Kind.ISSUED)
    assert event.to_value == f"{certificate.number}, {invoice.number}"
    assert event.get_kind_display() == "Certificate and invoice"
    assert not queued  # the ISSUED event asks for nothing more
    updated = Order.objects.get(pk=order.pk).updated_at
    assert updated > order.updated_at  # the order's pages see the change


@pytest.mark.django_db
def test_the_issue_task_leaves_alone_what_it_cannot_issue() -> None:
    open_order = commissioned()

    tasks.order_documents_issue(open_order.pk)
    tasks.order_documents_issue(10**9)

    assert not Certificate.objects.exists() and not Invoice.objects.exists()
    assert not OrderEvent.objects.filter(kind=OrderEvent.Kind.ISSUED).exists()


@pytest.mark.django_db
def test_the_refresh_task_reissues_the_invoice_once_per_payment_change() -> None:
    order = completed()
    tasks.order_documents_issue(order.pk)
    issued_pdf = Invoice.objects.get(order=order).sha256

    with run_after_commit():
        order_services.order_payment_record(order=order, status="PAID", actor=INSTALLER)
    paid = Invoice.objects.get(order=order)
    tasks.invoice_refresh(order.pk)

    assert paid.payment_status == "PAID" and paid.sha256 != issued_pdf
    assert Invoice.objects.get(order=order).sha256 == paid.sha256  # the second run: no change
    assert Invoice.objects.count() == 1


@pytest.mark.django_db
def test_a_storage_failure_is_retried_and_leaves_nothing_half_issued() -> None:
    order = completed()
    store = issued._store_pdf
    failures = iter([OSError("the storage did not answer")])

    def flaky(*args: Any) -> tuple[str, str]:
        if failure := next(failures, None):
            raise failure
        return store(*args)

    with mock.patch.object(issued, "_store_pdf", flaky):
        result = tasks.order_documents_issue.apply(args=(order.pk,))

    assert result.successful(), result.traceback
    assert Certificate.objects.filter(order=order).count() == 1
    assert Invoice.objects.filter(order=order).count() == 1


@pytest.mark.django_db
def test_the_sweep_finds_what_a_lost_message_left_undone() -> None:
    unissued = completed()
    done = completed()
    tasks.order_documents_issue(done.pk)
    behind = completed()
    tasks.order_documents_issue(behind.pk)
    Order.objects.filter(pk=behind.pk).update(payment_status="PAID")
    OrderFactory()  # not completed: nothing to issue

    assert sorted(selectors.orders_awaiting_issue(limit=10)) == sorted([unissued.pk, behind.pk])
    with (
        mock.patch.object(tasks.order_documents_issue, "delay") as issue,
        mock.patch.object(tasks.invoice_refresh, "delay") as refresh,
    ):
        assert tasks.issued_documents_sweep() == 2
    assert sorted(c.args[0] for c in issue.call_args_list) == sorted([unissued.pk, behind.pk])
    assert refresh.call_count == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_real_worker_issues_them_after_the_commit() -> None:
    order = commissioned()

    order_services.order_complete(order=order, actor=INSTALLER)

    deadline = time.monotonic() + 20
    while not Invoice.objects.filter(order=order).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    certificate, invoice = selectors.issued_documents(order)
    assert certificate is not None and invoice is not None, "the worker issued nothing"
    assert certificate.pdf.name and invoice.pdf.name
    assert order.events.filter(kind=OrderEvent.Kind.ISSUED, actor=SYSTEM).count() == 1
