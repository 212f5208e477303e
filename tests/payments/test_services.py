"""Opening a checkout (idempotent), refunds (for an installer or a cancellation), selectors."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from catalog.taxonomy import InstallationStatus, PaymentStatus
from orders.models import OrderEvent, PaymentCollector, PaymentTerms
from orders.services import order_cancel
from payments import selectors, services, tasks
from payments.errors import PaymentNotPossible, RefundNotPossible
from payments.models import Payment, PaymentEvent, TestGatewayCheckout, TestGatewayEvent
from tests.orders.factories import OrderFactory
from tests.payments.conftest import body_of, card_tried, checkout_open, signed, webhook_post
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_two_clicks_on_pay_open_one_checkout() -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    first = checkout_open(order)
    second = checkout_open(order)
    assert first.pk == second.pk and first.checkout_reference == second.checkout_reference
    assert first.checkout_url == (
        f"http://127.0.0.1:8000/payments/test-gateway/checkouts/{first.checkout_reference}/"
    )
    assert TestGatewayCheckout.objects.count() == 1
    checkout = TestGatewayCheckout.objects.get()
    assert (checkout.amount, checkout.currency) == (Decimal("85000.00"), "USD")
    assert checkout.client_reference_id == str(first.pk)
    assert (
        checkout.description
        == f"Installation {order.installation_request_id} by {order.provider.name}"
    )
    opened = PaymentEvent.objects.get()
    assert (opened.kind, opened.event_id, opened.actor) == (
        PaymentEvent.Kind.CHECKOUT_OPENED,
        f"checkout:{first.checkout_reference}",
        "homeowner",
    )


def test_a_checkout_being_opened_elsewhere_keeps_its_key() -> None:
    """Two requests at once: the second finds the payment claimed, with no checkout yet, and
    asks the gateway under the same idempotency key, hence for the same checkout."""
    order = OrderFactory()
    payment, attempt = services._checkout_claim(order=order, gateway="test")
    again, same = services._checkout_claim(order=order, gateway="test")
    assert (again.pk, same) == (payment.pk, attempt)
    assert checkout_open(order).checkout_attempt == attempt


def test_an_expired_checkout_is_replaced() -> None:
    order = OrderFactory()
    first = checkout_open(order)
    Payment.objects.filter(pk=first.pk).update(
        checkout_expires_at=timezone.now() + timedelta(minutes=2)
    )
    second = checkout_open(order)
    assert second.pk == first.pk
    assert second.checkout_reference != first.checkout_reference
    assert second.checkout_attempt == first.checkout_attempt + 1
    assert TestGatewayCheckout.objects.count() == 2


@pytest.mark.parametrize(
    "fields, reason",
    [
        (
            {"payment_collector": PaymentCollector.BUYER_APP},
            "The buyer's app collects the payment of this order.",
        ),
        ({"payment_status": PaymentStatus.PAID}, "This order is paid."),
        ({"status": InstallationStatus.CANCELLED}, "The order is cancelled: nothing is due."),
        ({"total": Decimal(0)}, "Nothing is due for this order."),
        (
            {"payment_terms": PaymentTerms.POST_FULFILLMENT},
            "You pay after the installation, once it is completed.",
        ),
    ],
)
def test_orders_that_cannot_be_paid_now(fields: dict[str, Any], reason: str) -> None:
    order = OrderFactory(**fields)
    window = selectors.payment_window(order=order)
    assert (window.payable_now, window.reason) == (False, reason)
    with pytest.raises(PaymentNotPossible, match=reason):
        checkout_open(order)
    assert not Payment.objects.exists()


def test_payment_terms_say_when() -> None:
    on_installation = selectors.payment_window(order=OrderFactory())
    assert (on_installation.payable_now, on_installation.due) == (True, "on installation")
    after = OrderFactory(
        payment_terms=PaymentTerms.POST_FULFILLMENT, status=InstallationStatus.COMPLETED
    )
    window = selectors.payment_window(order=after)
    assert (window.payable_now, window.due) == (True, "after the installation")
    yen = OrderFactory(currency="JPY", total=Decimal("12000.50"))
    with pytest.raises(PaymentNotPossible, match="more decimals than JPY allows"):
        checkout_open(yen)


def test_pages_and_receipt(client: Client) -> None:
    order = OrderFactory(total=Decimal("85000.00"))
    assert selectors.payment_page_url(order=order) == (
        f"http://127.0.0.1:8000/payments/orders/{order.tracking_token}/pay"
    )
    assert selectors.order_payment(order=order) is None
    payment = card_tried(client, order)
    assert selectors.order_payment(order=order) == payment
    receipt = selectors.payment_receipt(payment=payment)
    assert receipt is not None
    assert (receipt.installation_request_id, receipt.amount_in_words, receipt.status) == (
        order.installation_request_id,
        "85,000.00 USD",
        Payment.Status.PAID,
    )
    assert (
        receipt.transaction_id.startswith("tch_")
        and receipt.gateway == "Test gateway (no real money)"
    )
    assert selectors.payment_receipt(payment=PaymentFactory()) is None
    window = selectors.payment_window(order=order)
    assert (window.payable_now, window.reason) == (False, "This order is paid.")


def test_a_refund_gives_back_what_was_paid_once(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    order = OrderFactory(total=Decimal("85000.00"))
    payment = card_tried(client, order)
    with django_capture_on_commit_callbacks(execute=True):
        refunded = services.payment_refund(
            payment=payment, actor="owner@example.com", reason="Goodwill"
        )
    assert refunded.status == Payment.Status.REFUNDED and refunded.refunded_at is not None
    checkout = TestGatewayCheckout.objects.get(pk=payment.checkout_reference)
    assert checkout.status == TestGatewayCheckout.Status.REFUNDED
    assert refunded.refund_reference == checkout.refund_id
    event = PaymentEvent.objects.get(kind=PaymentEvent.Kind.REFUNDED)
    assert (event.event_id, event.amount, event.reason, event.actor, event.status_after) == (
        f"refund:{checkout.refund_id}",
        Decimal("85000.00"),
        "Goodwill",
        "owner@example.com",
        Payment.Status.REFUNDED,
    )
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    assert list(
        OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).values_list(
            "to_value", flat=True
        )
    ) == ["PAID", "REFUNDED"]
    # Again: nothing more is refunded; the gateway's own refund event changes nothing either.
    assert (
        services.payment_refund(payment=payment, actor="owner", reason="again").status
        == Payment.Status.REFUNDED
    )
    gateway_event = TestGatewayEvent.objects.get(type="payment.refunded")
    assert (
        webhook_post(client, body_of(gateway_event), signed(body_of(gateway_event))).status_code
        == 200
    )
    assert PaymentEvent.objects.filter(kind=PaymentEvent.Kind.REFUNDED).count() == 2
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).count() == 2


def test_nothing_to_refund() -> None:
    with pytest.raises(RefundNotPossible, match="Nothing was paid by card"):
        services.payment_refund(payment=PaymentFactory(), actor="owner", reason="")


def test_a_cancelled_order_is_refunded_after_the_cancellation_commits(
    client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = OrderFactory()
    payment = card_tried(client, order)
    queued: list[str] = []
    monkeypatch.setattr(tasks.payment_refund_after_cancellation, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, reason_id="1", actor="homeowner")
    assert queued == [str(payment.pk)]
    tasks.payment_refund_after_cancellation(queued[0])
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert (
        PaymentEvent.objects.get(kind=PaymentEvent.Kind.REFUNDED).reason
        == "Order cancelled: Changed my mind"
    )
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (
        InstallationStatus.CANCELLED,
        PaymentStatus.REFUNDED,
    )


def test_cancelling_an_unpaid_order_refunds_nothing(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = OrderFactory()
    checkout_open(order)
    queued: list[str] = []
    monkeypatch.setattr(tasks.payment_refund_after_cancellation, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, reason_id="1", actor="homeowner")
    assert queued == []
