"""The tracking link (given to buyer apps, forwarded in mails) shows an order's progress, its
certificate and invoice, but never the homeowner's uploaded documents; nothing it shows is
cached; and it stops working a while after the order closes (issue 24)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from orders.models import Order, OrderEvent
from tests.web.homeowner.helpers import complete, homeowner_client, place_web_order, sunpower_item
from web.homeowner.documents import locality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def emily() -> Client:
    return homeowner_client()


@pytest.fixture
def completed(emily: Client) -> Order:
    return complete(place_web_order(emily, sunpower_item()))


def closed_days_ago(order: Order, days: int) -> None:
    OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.STATUS).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def track(order: Order) -> str:
    return reverse("orders:track", args=[order.tracking_token])


def test_the_tracking_page_offers_the_certificate_and_invoice_not_the_uploads(
    completed: Order,
) -> None:
    response = Client().get(track(completed))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "certificate.pdf" in page and "invoice.pdf" in page
    assert "ID proof" in page  # its review is shown ...
    for document in Document.objects.filter(order=completed):
        assert str(document.pk) not in page  # ... its file is not
    assert "/files/" not in page


def test_the_link_expires_a_while_after_the_order_closes(
    completed: Order, emily: Client, settings: object
) -> None:
    settings.TRACKING_LINK_DAYS_AFTER_CLOSE = 30
    certificate = f"/documents/orders/{completed.tracking_token}/certificate.pdf"
    closed_days_ago(completed, 29)
    assert Client().get(track(completed)).status_code == 200
    assert Client().get(certificate).status_code == 200

    closed_days_ago(completed, 31)

    for url in (track(completed), certificate):
        expired = Client().get(url)
        assert expired.status_code == 410
        page = expired.content.decode()
        assert "This tracking link has expired" in page and reverse("login") in page
    # Emily, signed in, still has her certificate.
    ir = completed.installation_request_id
    assert emily.get(reverse("orders:order-certificate", args=[ir])).status_code == 200


def test_an_open_order_keeps_its_link_however_old(emily: Client) -> None:
    order = place_web_order(emily, sunpower_item())
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=400))
    closed_days_ago(order, 400)

    assert Client().get(track(order)).status_code == 200


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("456 Glenview St, San Francisco, CA 94110", "San Francisco, CA"),
        ("1 Ocean Ave, SF", "SF"),
        ("Somewhere 12", ""),
    ],
)
def test_the_certificate_check_shows_the_town_not_the_street(address: str, shown: str) -> None:
    assert locality(address) == shown
