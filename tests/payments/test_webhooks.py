"""POST /payments/webhooks/<gateway>/ with the test gateway's events: signature, replay,
amounts that are not the order's, declines, unknown gateways."""

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from catalog.taxonomy import InstallationStatus, PaymentStatus
from orders.models import Order, OrderEvent
from payments.errors import WebhookRefused
from payments.gateways.embedded import event_body_parse
from payments.models import Payment, PaymentEvent, TestGatewayCheckout, TestGatewayEvent
from payments.signals import payment_changed
from payments.test_gateway import services as gateway
from tests.orders.factories import OrderFactory
from tests.payments.conftest import (
    WEBHOOK,
    body_of,
    card_tried,
    checkout_open,
    signed,
    webhook_post,
)

pytestmark = pytest.mark.django_db


def paid_event(order: Order) -> tuple[Payment, TestGatewayEvent]:
    """A checkout paid with a good card at the gateway, whose event was not posted yet."""
    payment = checkout_open(order)
    checkout = TestGatewayCheckout.objects.get(pk=payment.checkout_reference)
    gateway.checkout_card_submit(checkout=checkout, card_number="4242424242424242")
    return payment, TestGatewayEvent.objects.get(checkout=checkout)


def changes(order: Order) -> tuple[str, int, int]:
    order.refresh_from_db()
    return (
        order.payment_status,
        OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).count(),
        PaymentEvent.objects.exclude(kind=PaymentEvent.Kind.CHECKOUT_OPENED).count(),
    )


def test_a_signed_success_pays_the_order_once(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    payment, event = paid_event(order)
    heard: list[Payment] = []

    def receiver(sender: Any, payment: Payment, event: PaymentEvent, **kwargs: Any) -> None:
        heard.append(payment)

    payment_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks() as after_commit:
            first = webhook_post(client, body_of(event), signed(body_of(event)))
        assert heard == []  # not before the change commits
        for callback in after_commit:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            replay = webhook_post(client, body_of(event), signed(body_of(event)))
    finally:
        payment_changed.disconnect(receiver)

    assert first.status_code == replay.status_code == 200
    payment.refresh_from_db()
    checkout = TestGatewayCheckout.objects.get(pk=payment.checkout_reference)
    assert payment.status == Payment.Status.PAID
    assert (payment.paid_amount, payment.paid_currency) == (Decimal("85000.00"), "USD")
    assert payment.gateway_reference == checkout.charge_id
    assert changes(order) == (PaymentStatus.PAID, 1, 1)
    assert order.payment_reference == checkout.charge_id
    assert OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.PAYMENT).actor == "gateway:test"
    assert [(p.status, p.order.payment_status) for p in heard] == [
        (Payment.Status.PAID, PaymentStatus.PAID)
    ]  # once, as committed


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Test-Gateway-Signature": "t=1,v1=00"},
        {"Test-Gateway-Signature": "v1=abc"},
        {"Test-Gateway-Signature": "garbage"},
    ],
)
def test_a_missing_or_bad_signature_gets_400_and_changes_nothing(
    client: Client, headers: dict[str, str]
) -> None:
    order = OrderFactory()
    _, event = paid_event(order)
    response = webhook_post(client, body_of(event), headers)
    assert response.status_code == 400
    assert response.json()["received"] is False
    assert changes(order) == (PaymentStatus.PENDING, 0, 0)


def test_a_body_changed_after_signing_a_stale_signature_or_another_key_get_400(
    client: Client,
) -> None:
    order = OrderFactory()
    _, event = paid_event(order)
    body = body_of(event)
    tampered = body.replace(b'"amount": 8500000', b'"amount": 100')
    assert tampered != body
    for sent, headers in [
        (tampered, signed(body)),
        (body, signed(body, timestamp=int(time.time()) - 301)),
        (body, signed(body, secret="another-secret")),
    ]:
        assert webhook_post(client, sent, headers).status_code == 400
    assert changes(order) == (PaymentStatus.PENDING, 0, 0)


@pytest.mark.parametrize(
    "field, value, paid",
    [("amount", 8400000, "84,000.00 USD"), ("currency", "eur", "85,000.00 EUR")],
)
def test_an_amount_or_currency_other_than_the_orders_is_to_review(
    client: Client, field: str, value: object, paid: str
) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    payment, event = paid_event(order)
    event.body["data"]["object"][field] = value
    response = webhook_post(client, body_of(event), signed(body_of(event)))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVIEW
    assert payment.problem.startswith(f"{paid} was paid, but the order's total is 85,000.00 USD")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PENDING  # not paid


def test_a_payment_of_a_cancelled_order_is_to_review_not_paid(client: Client) -> None:
    order = OrderFactory()
    payment, event = paid_event(order)
    Order.objects.filter(pk=order.pk).update(status=InstallationStatus.CANCELLED)
    assert webhook_post(client, body_of(event), signed(body_of(event))).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVIEW
    assert payment.problem == (
        "A cancelled order takes no payment. The card was charged all the same: refund it."
    )
    assert changes(order)[:2] == (PaymentStatus.PENDING, 0)


def test_a_declined_card_keeps_the_reason_and_the_order_payable(client: Client) -> None:
    order = OrderFactory()
    payment = card_tried(client, order, number="4000 0000 0000 0002")
    assert payment.status == Payment.Status.DECLINED
    assert payment.problem == "Your card was declined."
    assert payment.checkout_is_open
    assert changes(order)[:2] == (PaymentStatus.PENDING, 0)
    # Pay again: the same checkout takes another card.
    assert checkout_open(order).checkout_reference == payment.checkout_reference
    assert card_tried(client, order).status == Payment.Status.PAID


def test_events_about_nothing_of_ours_are_taken_and_ignored(client: Client) -> None:
    order = OrderFactory()
    _, event = paid_event(order)
    event.body["data"]["object"]["client_reference_id"] = "5f1c8a52-0000-4000-8000-000000000000"
    event.body["data"]["object"]["charge"] = "tch_unknown"
    response = webhook_post(client, body_of(event), signed(body_of(event)))
    assert response.json() == {"received": True, "acted_on": False}
    event.body["type"] = "payment.disputed"
    response = webhook_post(client, body_of(event), signed(body_of(event)))
    assert response.json() == {"received": True, "acted_on": False}
    assert changes(order) == (PaymentStatus.PENDING, 0, 0)


def test_unknown_gateways_and_other_methods(client: Client, settings: Any) -> None:
    assert (
        client.post(
            "/payments/webhooks/paypal/", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(WEBHOOK).status_code == 405
    # Stripe's endpoint is off without its keys; the test gateway's once Stripe is current.
    assert (
        client.post(
            "/payments/webhooks/stripe/", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.PAYMENTS_GATEWAY = "stripe"
    assert webhook_post(client, b"{}", signed(b"{}")).status_code == 404


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
event_like = st.fixed_dictionaries(
    {"id": json_values, "type": json_values, "created": json_values},
    optional={
        "data": st.fixed_dictionaries(
            {},
            optional={
                "object": st.fixed_dictionaries(
                    {},
                    optional={
                        k: json_values
                        for k in (
                            "id",
                            "client_reference_id",
                            "amount",
                            "currency",
                            "charge",
                            "failure_message",
                        )
                    },
                )
            },
        )
    },
)


@given(st.one_of(st.binary(max_size=64), event_like.map(lambda e: json.dumps(e).encode())))
@hypothesis_settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_the_body_parser_takes_an_event_or_refuses_it(body: bytes) -> None:
    try:
        event = event_body_parse(body)
    except WebhookRefused:
        return
    assert event.event_id and event.currency and event.amount is not None and event.amount >= 0
