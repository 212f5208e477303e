"""Fixtures of the payments tests: the test gateway as the current one, signed webhook posts."""

import json
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from orders.models import Order
from payments import services
from payments.models import Payment, TestGatewayCheckout, TestGatewayEvent
from payments.test_gateway import services as gateway
from payments.test_gateway.signing import SIGNATURE_HEADER, signature_header

SUCCESS_URL = "http://127.0.0.1:8000/payments/orders/token/pay?checkout=done"
CANCEL_URL = "http://127.0.0.1:8000/payments/orders/token/pay?checkout=cancelled"
WEBHOOK = "/payments/webhooks/test/"


@pytest.fixture(autouse=True)
def embedded_gateway(settings: Any) -> None:
    """Whatever the environment says, the test gateway takes payments (Stripe tests switch)."""
    settings.PAYMENTS_GATEWAY = "test"
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.PAYMENTS_TEST_GATEWAY_SECRET = "test-gateway-secret"


def signed(body: bytes, *, timestamp: int | None = None, secret: str = "") -> dict[str, str]:
    """The test gateway's signature header of `body` (now, under the configured secret)."""
    header = signature_header(
        body,
        secret=secret or settings.PAYMENTS_TEST_GATEWAY_SECRET,
        timestamp=int(time.time()) if timestamp is None else timestamp,
    )
    return {SIGNATURE_HEADER: header}


def body_of(event: TestGatewayEvent) -> bytes:
    return json.dumps(event.body).encode()


def webhook_post(client: Client, body: bytes, headers: dict[str, str] | None = None) -> Any:
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=headers or {})


def checkout_open(order: Order) -> Payment:
    return services.checkout_open(
        order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL, actor="homeowner"
    )


def card_tried(client: Client, order: Order, number: str = "4242 4242 4242 4242") -> Payment:
    """The order's checkout opened, a card typed on it, and the gateway's event taken by our
    webhook (as the gateway posts it after commit)."""
    payment = checkout_open(order)
    checkout = TestGatewayCheckout.objects.get(pk=payment.checkout_reference)
    gateway.checkout_card_submit(checkout=checkout, card_number=number)
    event = TestGatewayEvent.objects.filter(checkout=checkout).latest("created_at")
    response = webhook_post(client, body_of(event), signed(body_of(event)))
    assert response.status_code == 200, response.content
    payment.refresh_from_db()
    return payment
