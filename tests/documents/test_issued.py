"""The installation certificate and the invoice: issued when the order completes, with the right
text, checkable by number, and downloadable only by those who may."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from pypdf import PdfReader

from catalog.taxonomy import SafetyStatus, TechnicianType
from documents import services
from documents.models import Certificate, Document, Invoice
from orders import services as order_services
from orders.models import Order
from tests.documents.after_commit import run_after_commit
from tests.documents.factories import form_data, item_requiring, multipart, order_of, order_token
from tests.orders.factories import TechnicianFactory, appointments_passed

pytestmark = pytest.mark.django_db
INSTALLER = "user:dispatcher@sunpower"
SITE = "http://127.0.0.1:8000"


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def upload_documents(client: Client, order: Order) -> None:
    item = order.items.get().item
    body, content_type = multipart({"token": order_token(order, item), **form_data(item)})
    path = f"/documents/forms/{item.provider.external_id}/{item.external_id}"
    answer = client.post(
        path, data=body, content_type=content_type, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200, answer.content


def complete(client: Client, **order_fields: Any) -> Order:
    """Emily's order, documents uploaded and verified, worked through every phase, completed
    (and its certificate and invoice issued, by the task its completion queues)."""
    item = item_requiring(
        "id_proof",
        "electricity_bill",
        name="2kW Rooftop Solar Setup",
        system_capacity="2KW",
        equipment_type="SOLAR_PANEL",
        price_estimated_value=Decimal("85000"),
    )
    item.provider.name, item.provider.contact_phone = "SunPower Installers", "+18005559999"
    item.provider.save()
    order = order_of(item, customer_name="Emily Tran", **order_fields)
    upload_documents(client, order)
    for document in Document.objects.filter(order=order):
        services.document_verify(document=document, status="VERIFIED", reviewer=INSTALLER)
    technician = TechnicianFactory(
        provider=order.provider, name="David C", technician_type=TechnicianType.SOLAR_TECHNICIAN
    )
    order_services.order_technician_assign(order=order, technician=technician, actor=INSTALLER)
    order = appointments_passed(order)
    for _ in range(5):
        order_services.order_phase_advance(order=order, actor=INSTALLER)
    order_services.order_safety_record(
        order=order, safety_status=SafetyStatus.VERIFIED, actor=INSTALLER
    )
    with run_after_commit():
        return order_services.order_complete(order=order, actor=INSTALLER)


def test_completion_issues_a_certificate_that_says_what_was_done(client: Client) -> None:
    order = complete(client)
    certificate = Certificate.objects.get(order=order)

    page = client.get(f"/documents/orders/{order.tracking_token}/certificate.pdf")

    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(page.streaming_content))
    for fact in (
        "Certificate of Installation",
        certificate.number,
        "Emily Tran",
        "456 Glenview St, San Francisco, CA",
        "SunPower Installers",
        "David C (Solar technician)",
        "2kW Rooftop Solar Setup",
        "capacity 2KW",
        "equipment solar panel",
        order.installation_request_id,
        "Site survey",
        "Commissioning",
        f"{SITE}/documents/certificates/{certificate.number}",
    ):
        assert fact in text, fact
    assert certificate.number.startswith("IC-")


def test_the_verification_page_confirms_a_genuine_number_only(client: Client) -> None:
    certificate = Certificate.objects.get(order=complete(client))

    genuine = client.get(f"/documents/certificates/{certificate.number}")
    typed = client.get("/documents/certificates/", {"number": f" {certificate.number} "})
    made_up = client.get("/documents/certificates/IC-2501-AAAAA-BBBBB")

    assert genuine.status_code == 200 and typed.status_code == 200
    html = genuine.content.decode()
    assert "Genuine" in html and certificate.sha256 in html
    assert certificate.installer_name in html and certificate.system in html
    # What verifies the certificate, not who lives where (issue 24).
    street = certificate.site_address.split(",")[0]
    assert certificate.homeowner_name not in html and street not in html
    assert made_up.status_code == 404
    assert "Not found" in made_up.content.decode() and "Emily" not in made_up.content.decode()


def test_completion_issues_an_invoice_from_the_quote(client: Client, settings: Any) -> None:
    settings.DOCUMENTS_TAX_RATE_PERCENT = Decimal("8.5")
    order = complete(client, payment_reference="")
    invoice = Invoice.objects.get(order=order)

    assert (invoice.number, invoice.total, invoice.tax_amount) == (
        f"INV-{invoice.issued_at.year}-00001",
        Decimal("85000.00"),
        Decimal("6658.99"),
    )
    text = pdf_text(
        b"".join(
            client.get(f"/documents/orders/{order.tracking_token}/invoice.pdf").streaming_content
        )
    )
    for fact in (
        f"Invoice {invoice.number}",
        "2kW Rooftop Solar Setup",
        "85,000.00 USD",
        "Tax included (8.5 %) 6,658.99 USD",
        "Net amount 78,341.01 USD",
        "Payment status Pending",
        "Emily Tran",
    ):
        assert fact in text, fact

    with run_after_commit():
        order_services.order_payment_record(
            order=order, status="PAID", actor=INSTALLER, reference="R-1"
        )
    invoice.refresh_from_db()
    assert invoice.payment_status == "PAID"
    text = pdf_text(
        b"".join(
            client.get(f"/documents/orders/{order.tracking_token}/invoice.pdf").streaming_content
        )
    )
    assert "Payment status Paid" in text and "R-1" in text and invoice.number in text


def test_invoices_are_numbered_in_sequence_per_installer(client: Client) -> None:
    first = complete(client)
    item = first.items.get().item
    second = order_of(item)
    Order.objects.filter(pk=second.pk).update(status="COMPLETED")
    second.refresh_from_db()
    services.order_documents_issue(order=second)

    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == [1, 2]
    assert services.invoice_issue(order=second).sequence == 2  # issued once


@pytest.fixture
def order_with_document(client: Client) -> tuple[Order, Document]:
    item = item_requiring("id_proof")
    order = order_of(item)
    upload_documents(client, order)
    return order, Document.objects.get(order=order)


def staff(permission: str | None) -> User:
    user = User.objects.create_user("installer-" + str(permission), password="x", is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename=permission))
    return user


def test_the_installer_downloads_a_document_the_tracking_link_does_not(
    client: Client, order_with_document: tuple[Order, Document]
) -> None:
    order, document = order_with_document
    # The tracking link (given to buyer apps) never serves the homeowner's ID proof.
    by_link = client.get(f"/documents/orders/{order.tracking_token}/files/{document.pk}")
    assert by_link.status_code == 404
    assert "/files/" not in client.get(f"/track/{order.tracking_token}").content.decode()

    client.force_login(staff("view_document"))
    theirs = client.get(f"/documents/installer/files/{document.pk}")
    assert theirs.status_code == 200
    assert theirs["Content-Disposition"] == 'attachment; filename="id_proof.pdf"'
    assert theirs["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert theirs["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in theirs["Cache-Control"]
    # The preview of a PDF is a download too: no PDF is opened in the site's origin.
    preview = client.get(f"/documents/installer/files/{document.pk}?inline=1")
    assert preview["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "who",
    ["another homeowner", "anonymous", "a signed-in non-staff user", "staff without permission"],
)
def test_anyone_else_gets_not_found(
    client: Client, order_with_document: tuple[Order, Document], who: str
) -> None:
    _, document = order_with_document
    other = order_of(item_requiring("id_proof"))
    if who == "another homeowner":
        url = f"/documents/orders/{other.tracking_token}/files/{document.pk}"
    else:
        url = f"/documents/installer/files/{document.pk}"
        if who == "a signed-in non-staff user":
            client.force_login(User.objects.create_user("homeowner", password="x"))
        elif who == "staff without permission":
            client.force_login(staff(None))
    assert client.get(url).status_code == 404


def test_the_certificate_and_invoice_of_another_order_are_not_found(client: Client) -> None:
    order = complete(client)
    other = order_of(order.items.get().item)
    for name in ("certificate.pdf", "invoice.pdf"):
        assert client.get(f"/documents/orders/{other.tracking_token}/{name}").status_code == 404
        assert client.get(f"/documents/orders/{order.tracking_token}/{name}").status_code == 200
    certificate = Certificate.objects.get(order=order)
    assert client.get(f"/documents/installer/certificates/{certificate.pk}.pdf").status_code == 404
    client.force_login(staff("view_certificate"))
    assert client.get(f"/documents/installer/certificates/{certificate.pk}.pdf").status_code == 200


def test_the_tracking_page_shows_the_documents(client: Client) -> None:
    item = item_requiring("id_proof", "electricity_bill")
    order = order_of(item)
    page = client.get(f"/track/{order.tracking_token}").content.decode()
    assert "Electricity bill:" in page and "not submitted yet" in page
    assert f"/documents/forms/{item.provider.external_id}/{item.external_id}?token=" in page

    order = complete(client)
    page = client.get(f"/track/{order.tracking_token}").content.decode()
    certificate = Certificate.objects.get(order=order)
    assert f"Installation certificate {certificate.number}" in page
    assert f"/documents/orders/{order.tracking_token}/invoice.pdf" in page
    assert "Upload documents" not in page
