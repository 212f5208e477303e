"""Helpers of the homeowner page tests: accounts, the guide's item, a web order placed through
the pages, and the installer's side of an installation through the domain services."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.models import Item
from catalog.taxonomy import SafetyStatus, VerificationStatus
from documents import services as document_services
from documents.models import Document
from orders import services
from orders.models import Order, Technician
from orders.policies import default_survey_slot
from orders.services import homeowner_create
from tests.documents.after_commit import run_after_commit
from tests.documents.factories import image_bytes, pdf_bytes
from tests.orders.factories import INSTALLER_ZONE, TechnicianFactory, appointments_passed
from web.homeowner.order_forms import SlotForm

INSTALLER = "installer:dispatcher@sunpower"


def homeowner_client(email: str = "emily.tran@example.com", name: str = "Emily Tran") -> Client:
    client = Client()
    client.force_login(homeowner_create(email=email, name=name, password="sunny-rooftop-2kW"))
    return client


def sunpower_item() -> Item:
    return Item.objects.get(external_id="sp-resi-001", provider__external_id="sunpower_sf")


def details(**changes: Any) -> dict[str, Any]:
    """Step 1 of the order: Emily's details and the first offered survey slot (the day of the
    site, in San Francisco, whatever the server's)."""
    slot = SlotForm.initial_for(default_survey_slot(zone=INSTALLER_ZONE), INSTALLER_ZONE.key)
    data = {
        "billing_name": "Emily Tran",
        "billing_email": "emily.tran@example.com",
        "billing_phone": "+14155556666",
        "billing_address": "456 Glenview St, San Francisco, CA",
        "same_address": "on",
        "site_address": "",
        "day": slot["day"].isoformat(),
        "window": slot["window"],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def document_files(item: Item, **changes: Any) -> dict[str, Any]:
    """Step 2: one file per required document (PDFs, and a PNG for the wiring diagram)."""
    files: dict[str, Any] = {}
    for document_type in item.required_documents.all():
        if document_type.code == "wiring_diagram":
            upload = SimpleUploadedFile("wiring.png", image_bytes("PNG"), "image/png")
        else:
            upload = SimpleUploadedFile(
                f"{document_type.code}.pdf", pdf_bytes(document_type.name), "application/pdf"
            )
        files[f"document_{document_type.code}"] = upload
    files.update(changes)
    return {k: v for k, v in files.items() if v is not None}


def step_url(name: str, item: Item) -> str:
    return reverse(f"orders:order-new{name}", args=[item.pk])


def place_web_order(
    client: Client, item: Item, *, with_documents: bool = True, payment: str = ""
) -> Order:
    """Emily's order through the three steps of the pages; the order placed."""
    response = client.post(step_url("", item), details())
    assert response.status_code == 302, response.content.decode()
    if with_documents:
        response = client.post(
            step_url("-documents", item),
            {"consent": "on", "roof_type": "Composition shingle", **document_files(item)},
        )
        assert response.status_code == 302, response.content.decode()
    page = client.get(step_url("-confirm", item))
    assert page.status_code == 200
    response = client.post(
        step_url("-confirm", item),
        {
            "payment": payment or "card-on-installation",
            "accept_terms": "on",
            "expected_total": str(page.context["quote"].total),
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Order.objects.get(
        installation_request_id=response["Location"].rstrip("/").rsplit("/", 1)[-1]
    )


def verify_documents(order: Order) -> None:
    for document in Document.objects.filter(order=order, is_current=True):
        document_services.document_verify(
            document=document, status=VerificationStatus.VERIFIED, reviewer=INSTALLER
        )


def technician_for(order: Order) -> Technician:
    return TechnicianFactory(provider=order.provider, name="Marcus Lee", phone="+14155550123")


def complete(order: Order) -> Order:
    """The installer's side of a whole installation, through the domain services, down to the
    certificate and invoice its completion has a task issue after the commit."""
    verify_documents(order)
    services.order_technician_assign(order=order, technician=technician_for(order), actor=INSTALLER)
    order = appointments_passed(order)
    services.order_phase_advance(order=order, actor=INSTALLER)
    for _ in range(4):
        services.order_phase_advance(order=order, actor=INSTALLER)
    services.order_safety_record(order=order, safety_status=SafetyStatus.VERIFIED, actor=INSTALLER)
    with run_after_commit():
        services.order_complete(order=order, actor=INSTALLER)
    order.refresh_from_db()
    return order
