"""Staff review documents in the admin; every verdict goes through the service."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from documents.models import Document
from orders.models import Order
from tests.documents.factories import form_data, item_requiring, multipart, order_of, order_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploaded(client: Client) -> Order:
    item = item_requiring("id_proof", "electricity_bill")
    order = order_of(item)
    body, content_type = multipart({"token": order_token(order, item), **form_data(item)})
    path = f"/documents/forms/{item.provider.external_id}/{item.external_id}"
    assert client.post(path, data=body, content_type=content_type).status_code == 200
    return order


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("operator", "op@example.com", "x"))
    return client


def test_a_revision_asked_in_the_admin_is_recorded_with_its_reason(
    uploaded: Order, admin_client: Client
) -> None:
    bill = Document.objects.get(order=uploaded, document_type__code="electricity_bill")
    url = reverse("admin:documents_document_change", args=[bill.pk])
    assert admin_client.get(url).status_code == 200

    refused = admin_client.post(url, {"verification_status": "NEEDS_REVISION", "reason": ""})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()

    done = admin_client.post(url, {"verification_status": "NEEDS_REVISION", "reason": "Blurry"})
    assert done.status_code == 302
    bill.refresh_from_db()
    assert (bill.verification_status, bill.reason, bill.reviewed_by) == (
        "NEEDS_REVISION",
        "Blurry",
        "user:operator",
    )
    assert uploaded.events.last().reason == "Electricity bill: needs revision - Blurry"


def test_documents_are_verified_in_bulk(uploaded: Order, admin_client: Client) -> None:
    ids = [str(pk) for pk in Document.objects.values_list("pk", flat=True)]
    admin_client.post(
        reverse("admin:documents_document_changelist"),
        {"action": "mark_verified", "_selected_action": ids},
    )
    uploaded.refresh_from_db()
    assert uploaded.documentation_status == "VERIFIED"
    page = admin_client.get(reverse("admin:documents_document_changelist")).content.decode()
    assert reverse("documents:installer_document", args=[ids[0]]) in page
