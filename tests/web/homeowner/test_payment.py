"""Paying an order by card from the homeowner's pages, over HTTP: the Pay button on the order
page and the tracking page while payment is due under the order's terms, one checkout however
often it is clicked, a declined card's reason on the order page, the receipt (amount localised,
time in the site's zone), the invoice re-issued as paid, and webhooks that must change nothing
(bad signature, replay) or only put the payment to review (another amount)."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from catalog.taxonomy import PaymentStatus
from documents.models import Invoice
from orders.models import Order, OrderEvent, PaymentCollector
from payments.models import Payment, PaymentEvent, TestGatewayCheckout, TestGatewayEvent
from payments.test_gateway import services as gateway
from tests.documents.after_commit import run_after_commit
from tests.payments.conftest import (
    body_of,
    card_tried,
    checkout_open,
    embedded_gateway,
    signed,
    webhook_post,
)
from tests.web.homeowner.helpers import complete, homeowner_client, place_web_order, sunpower_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

__all__ = ["embedded_gateway"]  # autouse here too: the test gateway takes the payments


@pytest.fixture
def emily() -> Client:
    return homeowner_client()


@pytest.fixture
def order(emily: Client) -> Order:
    """Emily's order, paid by card on installation: payable now, ahead of the day."""
    return place_web_order(emily, sunpower_item())


def page(client: Client, order: Order) -> str:
    response = client.get(f"/my/orders/{order.installation_request_id}/")
    assert response.status_code == 200
    return response.content.decode()


def tracking(order: Order) -> str:
    response = Client().get(f"/track/{order.tracking_token}")
    assert response.status_code == 200
    return response.content.decode()


def pay_path(order: Order) -> str:
    return f"/payments/orders/{order.tracking_token}/pay"


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pay_button(html: str) -> bool:
    return 'data-field="pay"' in html


def test_the_pay_button_shows_while_due_and_two_clicks_open_one_checkout(
    emily: Client, order: Order
) -> None:
    html = page(emily, order)
    assert pay_button(html) and f'action="{pay_path(order)}"' in html
    assert "Pay 85,000.00 USD by card" in words(html)
    assert pay_button(tracking(order))

    first = emily.post(pay_path(order))
    second = emily.post(pay_path(order))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert "/payments/test-gateway/checkouts/tcs_" in first["Location"]
    assert Payment.objects.count() == 1
    assert PaymentEvent.objects.filter(kind=PaymentEvent.Kind.CHECKOUT_OPENED).count() == 1


def test_pay_is_refused_with_the_reason_when_the_terms_say_after_the_installation(
    emily: Client,
) -> None:
    order = place_web_order(emily, sunpower_item(), payment="pay-on-site")
    html = page(emily, order)
    assert not pay_button(html)
    assert "You pay after the installation, once it is completed." in words(html)
    refused = emily.post(pay_path(order))
    assert refused.status_code == 409
    assert "You pay after the installation, once it is completed." in words(
        refused.content.decode()
    )
    assert not Payment.objects.exists()


def test_no_pay_button_when_the_buyer_app_collects(emily: Client, order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(payment_collector=PaymentCollector.BUYER_APP)
    assert 'id="payment"' not in page(emily, order)
    assert emily.post(pay_path(order)).status_code == 409


def test_a_declined_card_shows_its_reason_and_leaves_the_order_payable(
    client: Client, emily: Client, order: Order
) -> None:
    card_tried(client, order, number="4000 0000 0000 9995")
    html = page(emily, order)
    assert "Your card has insufficient funds." in words(html)
    assert pay_button(html)
    assert "Your card has insufficient funds." in words(tracking(order))
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PENDING


def test_a_paid_order_has_its_receipt_in_the_sites_time_zone(
    client: Client, emily: Client, order: Order, settings: Any
) -> None:
    settings.TIME_ZONE = "America/Los_Angeles"
    payment = card_tried(client, order)
    paid_at = timezone.localtime(payment.paid_at, timezone.get_current_timezone())
    when = f"{paid_at:%-d %b %Y, %H:%M %Z}"  # PST or PDT

    html = words(page(emily, order))
    assert f"Paid 85,000.00 USD on {when}" in html
    assert not pay_button(html)
    receipt = words(emily.get(pay_path(order)).content.decode())
    assert f"Paid 85,000.00 USD on {when}" in receipt
    assert payment.gateway_reference in receipt and "Test gateway" in receipt
    assert "by card" not in receipt  # no Pay button any more
    assert emily.post(pay_path(order)).status_code == 409


def test_the_invoice_is_reissued_as_paid(client: Client, emily: Client) -> None:
    order = complete(place_web_order(emily, sunpower_item(), payment="pay-on-site"))
    assert Invoice.objects.get(order=order).payment_status == PaymentStatus.PENDING
    assert pay_button(page(emily, order))  # due now that the installation is completed
    with run_after_commit():
        card_tried(client, order)
    assert Invoice.objects.get(order=order).payment_status == PaymentStatus.PAID


def test_a_webhook_without_a_good_signature_or_replayed_changes_nothing(
    client: Client, emily: Client, order: Order
) -> None:
    payment = checkout_open(order)
    checkout = TestGatewayCheckout.objects.get(pk=payment.checkout_reference)
    gateway.checkout_card_submit(checkout=checkout, card_number="4242424242424242")
    body = body_of(TestGatewayEvent.objects.get(checkout=checkout))

    assert webhook_post(client, body).status_code == 400
    assert webhook_post(client, body, signed(body, secret="not-ours")).status_code == 400
    assert pay_button(page(emily, order))

    assert webhook_post(client, body, signed(body)).status_code == 200
    assert webhook_post(client, body, signed(body)).status_code == 200  # the replay
    assert "Paid 85,000.00 USD" in words(page(emily, order))
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).count() == 1


def test_another_amount_puts_the_payment_to_review_not_paid(
    client: Client, emily: Client, order: Order
) -> None:
    payment = checkout_open(order)
    checkout = TestGatewayCheckout.objects.get(pk=payment.checkout_reference)
    gateway.checkout_card_submit(checkout=checkout, card_number="4242424242424242")
    event = TestGatewayEvent.objects.get(checkout=checkout)
    event.body["data"]["object"]["amount"] = 100
    assert webhook_post(client, body_of(event), signed(body_of(event))).status_code == 200

    html = words(page(emily, order))
    assert "A payment was received for this order and is being checked." in html
    assert not pay_button(html)
    receipt = words(emily.get(pay_path(order)).content.decode())
    assert "Paid 1.00 USD" in receipt and "is checking this payment" in receipt
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PENDING
