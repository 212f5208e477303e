"""A guard of the orders' services that no other test held (issue 24: the suite stayed green
when it was removed): a cancelled order takes no payment, whether recorded in the workspace or
by the service itself."""

import pytest
from django.test import Client

from catalog.taxonomy import InstallationStatus, PaymentStatus
from orders import services
from orders.errors import UpdateNotPossible
from orders.models import Order, OrderEvent
from tests.web.workspace.helpers import Role, htmx, installer, member, order_for

pytestmark = pytest.mark.django_db

DISPATCHER = "installer:dispatcher@test"


@pytest.fixture
def cancelled() -> Order:
    order = order_for(installer())
    return services.order_cancel(order=order, reason_id="1", actor=DISPATCHER)


def test_the_service_refuses_to_record_a_payment_on_a_cancelled_order(cancelled: Order) -> None:
    assert cancelled.status == InstallationStatus.CANCELLED

    with pytest.raises(UpdateNotPossible, match="cancelled order takes no payment"):
        services.order_payment_record(
            order=cancelled, status=PaymentStatus.PAID, actor=DISPATCHER, reference="r-1"
        )

    cancelled.refresh_from_db()
    assert cancelled.payment_status != PaymentStatus.PAID
    assert not OrderEvent.objects.filter(order=cancelled, kind=OrderEvent.Kind.PAYMENT).exists()


def test_the_workspace_shows_why_a_cancelled_order_takes_no_payment(cancelled: Order) -> None:
    client = Client()
    client.force_login(member(cancelled.provider, Role.DISPATCHER))

    answer = client.post(
        f"/installer/orders/{cancelled.pk}/payment", {"reference": "r-1"}, headers=htmx()
    )

    assert answer.status_code in (200, 409)
    assert "A cancelled order takes no payment." in answer.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.payment_status != PaymentStatus.PAID
