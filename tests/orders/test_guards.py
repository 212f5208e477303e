"""Guards of the order services that no other test held (issue 24: each survived a one-line
mutation with the whole suite green)."""

import pytest

from catalog.taxonomy import InstallationStatus
from orders.errors import UpdateNotPossible
from orders.models import Order, PaymentStatus
from orders.services import order_payment_record
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_cancelled_order_takes_no_payment() -> None:
    order = OrderFactory(status=InstallationStatus.CANCELLED)
    before = order.payment_status

    with pytest.raises(UpdateNotPossible, match="cancelled order takes no payment"):
        order_payment_record(order=order, status=PaymentStatus.PAID, actor="bap:x", reference="r")

    order = Order.objects.get(pk=order.pk)
    assert (order.payment_status, order.payment_reference) == (before, "")


def test_an_order_not_cancelled_records_its_payment() -> None:
    order = OrderFactory()
    order = order_payment_record(
        order=order, status=PaymentStatus.PAID, actor="bap:x", reference="r"
    )
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.PAID
