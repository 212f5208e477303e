"""The card payment on an order's page in the installer workspace, over HTTP: its status and the
gateway's reference for every member who sees the order, and a refund for owners only (a POST
with the CSRF token, confirmed by a ticked box), whose failures are told in words."""

import re

import pytest
from django.test import Client

from catalog.models import Provider
from catalog.taxonomy import PaymentStatus
from orders.models import Order
from payments.models import Payment
from tests.payments.conftest import card_tried, embedded_gateway
from tests.payments.factories import PaymentFactory
from tests.web.workspace.helpers import Role, htmx, installer, member, order_for
from tests.web.workspace.test_orders_order import alert, field, notice, page_of

pytestmark = pytest.mark.django_db

__all__ = ["embedded_gateway"]  # autouse here too: the test gateway takes the payments

REFUND = {"reason": "The homeowner changed her mind", "confirm": "on"}


@pytest.fixture
def provider() -> Provider:
    return installer("SunPower Installers")


@pytest.fixture
def paid(provider: Provider) -> tuple[Order, Payment]:
    """An order paid by card through the test gateway (its webhook taken)."""
    order = order_for(provider)
    return order, card_tried(Client(), order)


def signed_in(provider: Provider, role: str) -> Client:
    client = Client()
    client.force_login(member(provider, role))
    return client


def refund(client: Client, order: Order, **data: str) -> str:
    answer = client.post(page_of(order) + "refund", data, headers=htmx())
    assert answer.status_code == 200, answer.content
    return answer.content.decode()


def test_the_owner_sees_the_card_payment_and_refunds_it(
    provider: Provider, paid: tuple[Order, Payment]
) -> None:
    order, payment = paid
    owner = signed_in(provider, Role.OWNER)
    html = owner.get(page_of(order)).content.decode()
    assert field(html, "card-status") == "Paid"
    assert field(html, "gateway-reference") == payment.gateway_reference
    assert "Refund the card payment" in html and "Refund 85,000.00 USD" in html

    unconfirmed = refund(owner, order, reason="Changed her mind")
    assert (
        alert(unconfirmed)
        == "Yes, give the whole payment back to the card: Tick the box to confirm the refund."
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID

    done = refund(owner, order, **REFUND)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refund_reference
    assert notice(done) == f"The payment is refunded ({payment.refund_reference})."
    assert field(done, "card-status") == "Refunded"
    assert "Refund the card payment" not in done
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED
    # Asked again (a second tab): nothing more happens, and the page says why.
    again = refund(owner, order, **REFUND)
    assert notice(again) == f"The payment is refunded ({payment.refund_reference})."


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
def test_only_owners_may_refund(provider: Provider, paid: tuple[Order, Payment], role: str) -> None:
    order, payment = paid
    if role == Role.TECHNICIAN:
        Order.objects.filter(pk=order.pk).update(technician=None)
    client = signed_in(provider, role)
    if role == Role.DISPATCHER:
        html = client.get(page_of(order)).content.decode()
        assert field(html, "gateway-reference") == payment.gateway_reference
        assert "Refund the card payment" not in html
    assert client.post(page_of(order) + "refund", REFUND).status_code in (403, 404)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_a_refund_needs_the_csrf_token(provider: Provider, paid: tuple[Order, Payment]) -> None:
    order, payment = paid
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(member(provider, Role.OWNER))
    assert owner.post(page_of(order) + "refund", REFUND).status_code == 403
    html = owner.get(page_of(order)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    answer = owner.post(page_of(order) + "refund", {**REFUND, "csrfmiddlewaretoken": token[1]})
    assert answer.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED


def test_a_refund_the_gateway_refuses_is_told_and_changes_nothing(provider: Provider) -> None:
    order = order_for(provider, payment_status=PaymentStatus.PAID)
    payment = PaymentFactory(order=order, paid=True)  # a charge the gateway never made
    owner = signed_in(provider, Role.OWNER)
    html = refund(owner, order, **REFUND)
    assert alert(html) == f"No such charge: &#x27;{payment.gateway_reference}&#x27;."
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_nothing_paid_by_card_means_nothing_to_refund(provider: Provider) -> None:
    order = order_for(provider)
    owner = signed_in(provider, Role.OWNER)
    assert alert(refund(owner, order, **REFUND)) == "Nothing was paid by card for this order."
    declined = card_tried(Client(), order, number="4000 0000 0000 0002")
    html = refund(owner, order, **REFUND)
    assert alert(html) == "Nothing was paid by card for this order."
    assert field(html, "card-status").endswith(" — Your card was declined.")
    assert declined.status == Payment.Status.DECLINED
    # Redirected without htmx, the message is on the page.
    page = owner.post(page_of(order) + "refund", REFUND, follow=True).content.decode()
    assert "Nothing was paid by card for this order." in page
