"""One homeowner cannot open another's order: its page, live part, documents, certificate and
invoice, nor act on it (cancel, reschedule, upload, rate). Every one answers 404, as for an
order that does not exist, and changes nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.taxonomy import InstallationStatus
from documents.models import Document
from orders.models import Order
from ratings.models import Rating
from tests.documents.factories import pdf_bytes
from tests.orders.factories import OrderFactory
from tests.web.homeowner.helpers import (
    complete,
    homeowner_client,
    place_web_order,
    sunpower_item,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def emily() -> Client:
    return homeowner_client()


@pytest.fixture
def mallory() -> Client:
    return homeowner_client("mallory@example.com", "Mallory Mole")


@pytest.fixture
def completed(emily: Client) -> Order:
    """Emily's order, installed: with documents, a certificate and an invoice."""
    return complete(place_web_order(emily, sunpower_item()))


def reads(order: Order) -> list[str]:
    ir = order.installation_request_id
    document = Document.objects.filter(order=order).first()
    assert document is not None
    return [
        reverse("orders:order", args=[ir]),
        reverse("orders:order-live", args=[ir]),
        reverse("orders:order-document", args=[ir, document.pk]),
        reverse("orders:order-certificate", args=[ir]),
        reverse("orders:order-invoice", args=[ir]),
    ]


def writes(order: Order) -> list[tuple[str, dict[str, Any]]]:
    ir = order.installation_request_id
    item = order.items.get().item
    day = (timezone.localdate() + timedelta(days=6)).isoformat()
    return [
        (reverse("orders:order-cancel", args=[ir]), {"reason": "1"}),
        (reverse("orders:order-reschedule", args=[ir]), {"day": day, "window": "10:00"}),
        (reverse("orders:order-rate", args=[ir]), {"value": "0", "comment": "bad"}),
        (
            reverse("orders:order-documents-upload", args=[ir, item.pk]),
            {
                "consent": "on",
                "document_id_proof": SimpleUploadedFile("id.pdf", pdf_bytes("Not mine")),
            },
        ),
    ]


def test_the_owner_opens_everything_of_her_order(emily: Client, completed: Order) -> None:
    for url in reads(completed):
        response = emily.get(url)
        assert response.status_code == 200, url
    for name in ("orders:order-certificate", "orders:order-invoice"):
        response = emily.get(reverse(name, args=[completed.installation_request_id]))
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_homeowner_gets_404_for_every_page_and_file(
    mallory: Client, completed: Order
) -> None:
    for url in reads(completed):
        response = mallory.get(url)
        assert response.status_code == 404, url
        if not url.endswith(".pdf") and "/files/" not in url:
            assert "Page not found" in response.content.decode()
    assert completed.installation_request_id not in (
        mallory.get(reverse("orders:my-orders")).content.decode()
    )


def test_another_homeowner_cannot_act_on_the_order(emily: Client, mallory: Client) -> None:
    order = place_web_order(emily, sunpower_item())
    documents = Document.objects.count()
    for url, data in writes(order):
        response = mallory.post(url, data)
        assert response.status_code == 404, url
    order.refresh_from_db()
    assert order.status == InstallationStatus.SCHEDULED
    assert order.events.count() == 3
    assert Document.objects.count() == documents
    assert not Rating.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(completed: Order) -> None:
    visitor = Client()
    for url in reads(completed)[:1] + reads(completed)[2:]:
        response = visitor.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for url, data in writes(completed):
        assert visitor.post(url, data).status_code == 302


def test_an_order_placed_over_beckn_is_not_a_homeowners_even_by_its_reference(
    emily: Client,
) -> None:
    """A network order whose buyer reference happens to read like a web user's is still not
    shown on the web: the channel is part of who owns it."""
    user_id = emily.session["_auth_user_id"]
    network = OrderFactory(channel=Order.Channel.NETWORK, buyer_reference=f"user:{user_id}")

    assert (
        emily.get(reverse("orders:order", args=[network.installation_request_id])).status_code
        == 404
    )
    assert network.installation_request_id not in (
        emily.get(reverse("orders:my-orders")).content.decode()
    )


def test_a_homeowner_lists_her_own_orders_only(emily: Client, mallory: Client) -> None:
    mine = place_web_order(emily, sunpower_item())
    theirs = place_web_order(mallory, sunpower_item())

    page = emily.get(reverse("orders:my-orders")).content.decode()

    assert mine.installation_request_id in page
    assert theirs.installation_request_id not in page
