"""The Stripe adapter against a local server answering recorded Stripe API JSON (never the
internet): Checkout Sessions, webhooks signed with Stripe's scheme, refunds."""

import hashlib
import hmac
import json
import socket
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from catalog.taxonomy import PaymentStatus
from orders.models import Order, OrderEvent
from payments import services
from payments.errors import GatewayError, GatewayUnavailable
from payments.models import Payment, PaymentEvent
from tests.orders.factories import OrderFactory
from tests.payments.conftest import CANCEL_URL, SUCCESS_URL, checkout_open
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db

RECORDED = Path(__file__).parent / "data" / "stripe"
SECRET_KEY = "sk_test_51SunbecknLocalOnly"
WEBHOOK_SECRET = "whsec_sunbeckn_local_only"
# The payment id in the recorded answers, replaced by the payment's own (Stripe echoes it).
RECORDED_PAYMENT_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def stripe_api(settings: Any, httpserver: HTTPServer) -> HTTPServer:
    settings.PAYMENTS_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = SECRET_KEY, WEBHOOK_SECRET
    settings.STRIPE_API_BASE = httpserver.url_for("/").rstrip("/")
    return httpserver


def recorded(name: str, payment: Payment | None = None) -> dict[str, Any]:
    text = (RECORDED / f"{name}.json").read_text()
    return json.loads(text.replace(RECORDED_PAYMENT_ID, str(payment.pk) if payment else ""))


def session_answer(request: Request) -> Response:
    """Stripe's answer to a Checkout Session creation: the recorded session, with what we asked
    for in it, as Stripe echoes it."""
    form = request.form
    session = recorded("checkout_session")
    session.update(
        client_reference_id=form["client_reference_id"],
        metadata={"order": form["metadata[order]"], "payment_id": form["metadata[payment_id]"]},
        currency=form["line_items[0][price_data][currency]"],
        amount_total=int(form["line_items[0][price_data][unit_amount]"]),
        amount_subtotal=int(form["line_items[0][price_data][unit_amount]"]),
        expires_at=int(form["expires_at"]),
        success_url=form["success_url"],
        cancel_url=form["cancel_url"],
    )
    return Response(json.dumps(session), content_type="application/json")


def stripe_signed(body: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> dict:
    """Stripe's Stripe-Signature header, computed as Stripe documents it."""
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={timestamp},v1={mac}"}


def stripe_post(client: Client, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        "/payments/webhooks/stripe/", data=body, content_type="application/json", headers=headers
    )


def opened(stripe_api: HTTPServer, order: Order) -> Payment:
    stripe_api.expect_oneshot_request("/v1/checkout/sessions", method="POST").respond_with_handler(
        session_answer
    )
    return checkout_open(order)


def test_a_checkout_session_for_the_orders_amount_opened_once(stripe_api: HTTPServer) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    payment = opened(stripe_api, order)
    assert checkout_open(order).checkout_reference == payment.checkout_reference  # no 2nd call

    [(request, response)] = stripe_api.log
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert request.headers["Idempotency-Key"] == f"sunbeckn-checkout-{payment.pk}-1"
    form = request.form.to_dict()
    assert form == {
        "mode": "payment",
        "payment_method_types[0]": "card",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "8500000",
        "line_items[0][price_data][product_data][name]": (
            f"Installation {order.installation_request_id} by {order.provider.name}"
        ),
        "client_reference_id": str(payment.pk),
        "metadata[payment_id]": str(payment.pk),
        "metadata[order]": order.installation_request_id,
        "payment_intent_data[metadata][payment_id]": str(payment.pk),
        "payment_intent_data[metadata][order]": order.installation_request_id,
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "customer_email": "emily.tran@example.com",
        "expires_at": str(int(payment.checkout_expires_at.timestamp())),
    }
    session = response.get_json()
    assert (payment.gateway, payment.status, payment.checkout_reference, payment.checkout_url) == (
        "stripe",
        Payment.Status.OPEN,
        session["id"],
        session["url"],
    )


def test_amounts_go_to_stripe_in_its_minor_units(stripe_api: HTTPServer) -> None:
    opened(stripe_api, OrderFactory(total=Decimal("12000"), currency="JPY"))
    [(request, _)] = stripe_api.log
    assert request.form["line_items[0][price_data][unit_amount]"] == "12000"
    assert request.form["line_items[0][price_data][currency]"] == "jpy"


def test_stripe_refusing_a_checkout_is_said_and_the_next_try_uses_a_new_key(
    stripe_api: HTTPServer,
) -> None:
    order = OrderFactory()
    stripe_api.expect_oneshot_request("/v1/checkout/sessions").respond_with_json(
        recorded("error_invalid_request"), status=400
    )
    with pytest.raises(GatewayError, match=r"Amount must be no more than \$999,999.99"):
        checkout_open(order)
    payment = opened(stripe_api, order)
    assert [r.headers["Idempotency-Key"] for r, _ in stripe_api.log] == [
        f"sunbeckn-checkout-{payment.pk}-1",
        f"sunbeckn-checkout-{payment.pk}-2",
    ]


def test_stripe_out_of_reach_is_a_gateway_unavailable(settings: Any) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.PAYMENTS_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = SECRET_KEY, WEBHOOK_SECRET
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    with pytest.raises(GatewayUnavailable):
        checkout_open(OrderFactory())


def test_a_completed_session_pays_the_order_once(stripe_api: HTTPServer, client: Client) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    payment = opened(stripe_api, order)
    body = json.dumps(recorded("event_checkout_session_completed", payment)).encode()

    assert stripe_post(client, body, {}).status_code == 400
    assert stripe_post(client, body, stripe_signed(body, secret="whsec_other")).status_code == 400
    stale = stripe_signed(body, at=int(time.time()) - 600)
    assert stripe_post(client, body, stale).status_code == 400
    payment.refresh_from_db()
    assert payment.status == Payment.Status.OPEN

    for _ in range(2):  # the second is a replay
        response = stripe_post(client, body, stripe_signed(body))
        assert response.json() == {"received": True, "acted_on": True}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.gateway_reference == "pi_3QxYz0LkdIwHu7ix1aBcDeFg"
    assert (payment.paid_amount, payment.paid_currency) == (Decimal("85000.00"), "USD")
    event = PaymentEvent.objects.get(kind=PaymentEvent.Kind.SUCCEEDED)
    assert (event.gateway, event.event_id) == ("stripe", "evt_1QxYz2LkdIwHu7ixAbCdEfGh")
    order.refresh_from_db()
    assert (order.payment_status, order.payment_reference) == (
        PaymentStatus.PAID,
        "pi_3QxYz0LkdIwHu7ix1aBcDeFg",
    )
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).count() == 1


def test_a_signed_body_that_is_no_event_is_refused(stripe_api: HTTPServer, client: Client) -> None:
    for body in (b"not json", b"[1, 2]", json.dumps({"id": "evt_1", "object": "event"}).encode()):
        assert stripe_post(client, body, stripe_signed(body)).status_code == 400


def test_a_declined_card_and_an_expired_session(stripe_api: HTTPServer, client: Client) -> None:
    order = OrderFactory()
    payment = opened(stripe_api, order)
    failed = json.dumps(recorded("event_payment_intent_payment_failed", payment)).encode()
    assert stripe_post(client, failed, stripe_signed(failed)).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.problem) == (Payment.Status.DECLINED, "Your card was declined.")

    session = recorded("event_checkout_session_expired", payment)
    session["data"]["object"]["id"] = payment.checkout_reference
    expired = json.dumps(session).encode()
    assert stripe_post(client, expired, stripe_signed(expired)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    # Pay again: a new session, under a new key.
    again = opened(stripe_api, order)
    assert (again.pk, again.status, again.checkout_attempt) == (payment.pk, "OPEN", 2)


def test_a_refund_through_stripe(stripe_api: HTTPServer, client: Client) -> None:
    order = OrderFactory(payment_status=PaymentStatus.PAID)
    payment = PaymentFactory(
        order=order, gateway="stripe", paid=True, gateway_reference="pi_3QxYz0LkdIwHu7ix1aBcDeFg"
    )
    stripe_api.expect_oneshot_request("/v1/refunds", method="POST").respond_with_json(
        recorded("refund", payment)
    )
    refunded = services.payment_refund(
        payment=payment, actor="owner@example.com", reason="Goodwill"
    )
    [(request, _)] = stripe_api.log
    assert request.headers["Idempotency-Key"] == f"sunbeckn-refund-{payment.pk}"
    assert request.form.to_dict() == {
        "payment_intent": "pi_3QxYz0LkdIwHu7ix1aBcDeFg",
        "metadata[payment_id]": str(payment.pk),
        "metadata[order]": order.installation_request_id,
    }
    assert (refunded.status, refunded.refund_reference) == (
        Payment.Status.REFUNDED,
        "re_3QxYz0LkdIwHu7ix1kLmNoPq",
    )
    event = PaymentEvent.objects.get()
    assert (event.event_id, event.amount, event.currency) == (
        "refund:re_3QxYz0LkdIwHu7ix1kLmNoPq",
        Decimal("85000.00"),
        "USD",
    )
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    # Stripe's own charge.refunded event then changes nothing.
    body = json.dumps(recorded("event_charge_refunded", payment)).encode()
    assert stripe_post(client, body, stripe_signed(body)).status_code == 200
    assert PaymentEvent.objects.filter(kind=PaymentEvent.Kind.REFUNDED).count() == 2
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).count() == 1


def test_a_refund_made_in_stripes_dashboard_arrives_by_webhook(
    stripe_api: HTTPServer, client: Client
) -> None:
    order = OrderFactory(payment_status=PaymentStatus.PAID)
    payment = PaymentFactory(
        order=order, gateway="stripe", paid=True, gateway_reference="pi_3QxYz0LkdIwHu7ix1aBcDeFg"
    )
    body = json.dumps(recorded("event_charge_refunded", payment)).encode()
    assert stripe_post(client, body, stripe_signed(body)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
