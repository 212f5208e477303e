"""The card payment in an order's Beckn payments: the page to pay on, a receipt only for money
kept or given back (not for a payment under review), and the refund under way."""

from decimal import Decimal

import pytest

from beckn.mapping.order import order_json
from catalog.taxonomy import InstallationStatus, PaymentStatus
from orders.models import PaymentCollector
from orders.selectors import order_detail
from payments.models import Payment
from payments.selectors import payment_page_url
from tests.orders.factories import OrderFactory
from tests.payments.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def payment_of(order_id: int) -> dict:
    return order_json(order_detail(order_id))["payments"][0]


def test_a_payment_under_review_is_not_told_as_paid() -> None:
    order = OrderFactory(total=Decimal("85000"))
    PaymentFactory(
        order=order, paid=True, status=Payment.Status.REVIEW, paid_amount=Decimal("1.00")
    )
    told = payment_of(order.pk)
    assert told == {
        "type": "ON-FULFILLMENT",
        "collected_by": "BPP",
        "status": "NOT-PAID",
        "params": {"amount": "85000", "currency": "USD"},
        "url": payment_page_url(order=order),
    }


def test_a_paid_order_cancelled_has_its_refund_pending() -> None:
    order = OrderFactory(status=InstallationStatus.CANCELLED, payment_status=PaymentStatus.PAID)
    payment = PaymentFactory(order=order, paid=True)
    told = payment_of(order.pk)
    assert told["status"] == "PAID"
    assert told["params"]["transaction_id"] == payment.gateway_reference
    assert told["tags"][0]["descriptor"]["code"] == "refund"
    assert told["tags"][0]["list"] == [
        {"descriptor": {"code": "refund-status"}, "value": "PENDING"}
    ]


def test_a_payment_the_buyer_app_collects_has_an_empty_url_and_no_receipt() -> None:
    order = OrderFactory(payment_collector=PaymentCollector.BUYER_APP)
    PaymentFactory(order=order, paid=True)  # not ours to tell, whatever the table says
    told = payment_of(order.pk)
    assert told["url"] == "" and "time" not in told and "tags" not in told
