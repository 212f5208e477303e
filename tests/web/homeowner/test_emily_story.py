"""Emily's whole story in the browser, on the live server: she finds SunPower from "San Francisco"
and solar, compares two offers, orders the 2kW Rooftop Solar Setup (signing up on the way,
uploading her five documents, accepting the terms, choosing card payment) and gets her
Installation Request ID. The installer then works through the domain services, here in the
test; Emily's order page shows each change by itself (htmx polling), and at the end she
downloads her certificate and invoice and rates the installation 5.

A screenshot of each step is saved under artifacts/browser/<test>/.
"""

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from PIL import Image
from reportlab.pdfgen import canvas

from catalog.taxonomy import InstallationStatus, SafetyStatus, VerificationStatus
from documents import services as document_services
from documents.models import Document
from orders import services
from orders.models import Order, PaymentTerms
from ratings.models import Rating
from tests.orders.factories import TechnicianFactory, appointments_passed
from tests.web.homeowner.helpers import INSTALLER

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The worker issues the certificate and invoice after the completion.
    pytest.mark.usefixtures("demo_catalog", "celery_worker"),
]

LIVE = 15_000  # ms: a few polls of the order page


def pdf_file(folder: Path, name: str, text: str) -> Path:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def image_file(folder: Path, name: str, image_format: str) -> Path:
    path = folder / name
    Image.new("RGB", (64, 48), "#336699").save(path, format=image_format)
    return path


def test_emily_orders_follows_and_rates_her_installation(
    page: Any, screenshot: Callable[[str], Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    files = tmp_path / "emily"
    files.mkdir()
    documents = {
        "ID proof": pdf_file(files, "passport.pdf", "Emily Tran - passport"),
        "Ownership certificate": image_file(files, "deed.jpg", "JPEG"),
        "Electricity bill": pdf_file(files, "pge-bill.pdf", "PG&E bill, March"),
        "Net metering form": pdf_file(files, "net-metering.pdf", "Net metering application"),
        "Wiring diagram": image_file(files, "wiring.png", "PNG"),
    }
    not_a_document = files / "id.pdf"
    not_a_document.write_bytes(b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00")

    # 1. Discovery: installers in San Francisco for solar.
    page.goto("/")
    page.get_by_label("Where").fill("San Francisco")
    page.get_by_label("Installation type").select_option(label="Solar panel")
    page.get_by_role("button", name="Search").click()
    sunpower = page.locator("article.offer-card").filter(
        has=page.get_by_role("heading", name="SunPower Installers")
    )
    expect(sunpower).to_contain_text("2kW Rooftop Solar Setup")
    expect(sunpower).to_contain_text("$85,000")
    screenshot("01-discover")

    # 2. She compares SunPower with another solar offer.
    other = page.locator("article.offer-card").filter(
        has_not=page.get_by_role("heading", name="SunPower Installers")
    )
    sunpower.get_by_label("Compare").check()
    other.first.get_by_label("Compare").check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.get_by_role("heading", name="Compare offers")).to_be_visible()
    expect(page.locator("table.compare")).to_contain_text("SunPower Installers")
    screenshot("02-compare")

    # 3. She orders the 2kW Rooftop Solar Setup and is asked to sign in first: she signs up.
    page.get_by_role(
        "link", name=re.compile(r"Order this installation\W+2kW Rooftop Solar Setup by SunPower")
    ).click()
    expect(page.get_by_role("heading", name="Order the 2kW Rooftop Solar Setup")).to_be_visible()
    expect(page.locator("[data-field=price]")).to_contain_text("$85,000.00")
    screenshot("03-offer")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Emily Tran")
    page.get_by_label("Email").fill("emily.tran@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill("sunny-rooftop-2kW")
    page.get_by_label("Password again").fill("sunny-rooftop-2kW")
    screenshot("04-sign-up")
    page.get_by_role("button", name="Create my account").click()
    # The account is made when she follows the link mailed to her (issue 24).
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"https?://\S+(/accounts/email-link/\S+/)", mail.outbox[-1].body)
    page.goto(link.group(1))
    page.get_by_role("button", name="Sign in").click()

    # 4. Her details and the site survey she prefers.
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Emily Tran")
    page.get_by_label("Phone").fill("+14155556666")
    page.get_by_role("textbox", name="Billing address").fill("456 Glenview St, San Francisco, CA")
    page.get_by_label("Preferred site-survey time").select_option("13:00")
    screenshot("05-details")
    page.get_by_role("button", name="Continue").click()

    # 5. Her five documents: a file that is no document is refused beside its field, with the
    #    other files kept; she picks the right one and the upload goes through.
    expect(page.get_by_role("heading", name="Your documents")).to_be_visible()
    for label, path in documents.items():
        page.get_by_label(label).set_input_files(path)
    page.get_by_label("ID proof").set_input_files(not_a_document)
    page.get_by_label("Roof type").fill("Composition shingle")
    page.get_by_label("I confirm these documents are mine").check()
    page.get_by_role("button", name="Upload documents").click()
    expect(page.locator("[data-errors-for=document_id_proof]")).to_contain_text(
        "is not a PDF, JPEG or PNG file"
    )
    expect(page.locator("[data-errors-for=document_wiring_diagram]")).to_be_empty()
    expect(page.get_by_label("Wiring diagram")).to_have_js_property("files.length", 1)
    screenshot("06-documents-refused")
    page.get_by_label("ID proof").set_input_files(documents["ID proof"])
    page.get_by_role("button", name="Upload documents").click()

    # 6. Terms, payment, confirmation: her Installation Request ID.
    expect(page.get_by_role("heading", name="Terms and cancellation policy")).to_be_visible()
    expect(page.locator("[data-field=documents]")).to_contain_text("All 5 uploaded")
    page.get_by_label("Card on installation").check()
    page.get_by_label("I accept the terms").check()
    screenshot("07-confirm")
    page.get_by_role("button", name=re.compile("^Confirm order")).click()
    expect(page.locator(".messages")).to_contain_text("Your Installation Request ID is IR-")
    ir = page.locator("[data-field=installation-request-id]").inner_text()
    order = Order.objects.get(installation_request_id=ir)
    assert order.channel == Order.Channel.WEB
    assert order.payment_terms == PaymentTerms.ON_FULFILLMENT
    # 13:00 in San Francisco, where the site is (not the server's UTC), shown with its zone.
    assert order.site_time_zone == "America/Los_Angeles"
    assert f"{order.survey_start.astimezone(order.zone):%H:%M}" == "13:00"
    zone = f"{order.survey_start.astimezone(order.zone):%Z}"  # PST, or PDT in summer
    expect(page.locator("[data-field=survey]")).to_contain_text(f"13:00\u201315:00 {zone}")
    expect(page.locator("[data-field=tracking-link]")).to_contain_text(
        f"/track/{order.tracking_token}"
    )
    status = page.locator("[data-field=status]")
    expect(status).to_have_text("Scheduled")
    expect(page.locator("[data-field=documentation]")).to_have_text("Submitted, awaiting review")
    screenshot("08-order-placed")

    # 7. The installer verifies her documents; the page follows by itself.
    for document in Document.objects.filter(order=order, is_current=True):
        document_services.document_verify(
            document=document, status=VerificationStatus.VERIFIED, reviewer=INSTALLER
        )
    expect(page.locator("[data-field=documentation]")).to_have_text("Verified", timeout=LIVE)
    expect(page.locator(".required-documents .verification-verified")).to_have_count(5)
    screenshot("09-documents-verified")

    # 8. A technician is assigned.
    technician = TechnicianFactory(provider=order.provider, name="Marcus Lee", phone="+14155550123")
    services.order_technician_assign(order=order, technician=technician, actor=INSTALLER)
    expect(page.locator("[data-field=technician]")).to_contain_text("Marcus Lee", timeout=LIVE)
    screenshot("10-technician")

    # 9. Every phase, one after the other, once the appointments have come.
    order = appointments_passed(order)
    phase = page.locator("[data-field=phase]")
    for number, label in enumerate(
        ["Site survey", "Preparation", "Installation", "Testing", "Commissioning"], start=11
    ):
        services.order_phase_advance(order=order, actor=INSTALLER)
        expect(phase).to_have_text(label, timeout=LIVE)
        expect(status).to_have_text("In progress")
        expect(page.locator(".phase-current")).to_contain_text(label)
        screenshot(f"{number}-{label.lower().replace(' ', '-')}")

    # 10. Safety checked, installation completed: certificate and invoice.
    services.order_safety_record(order=order, safety_status=SafetyStatus.VERIFIED, actor=INSTALLER)
    expect(page.locator("[data-field=safety]")).to_have_text("Verified", timeout=LIVE)
    services.order_complete(order=order, actor=INSTALLER)
    expect(status).to_have_text("Completed", timeout=LIVE)
    expect(page.locator(".phase-done")).to_have_count(5)
    certificate_link = page.locator("[data-field=certificate]")
    expect(certificate_link).to_contain_text("installation certificate IC-", timeout=LIVE)
    screenshot("16-completed")

    for link, name in (
        (certificate_link, "certificate"),
        (page.locator("[data-field=invoice]"), "invoice"),
    ):
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / f"{name}.pdf"
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF"), name
        assert info.value.suggested_filename.endswith(".pdf")

    # 11. She rates the installation 5, with a comment.
    page.get_by_role("group", name="Your rating").get_by_role("radio", name="5 stars").check()
    page.get_by_label("Comment (optional)").fill("Professional installation, great system.")
    screenshot("17-rating")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.locator("[data-field=review]")).to_contain_text("Your rating: 5/5")
    expect(page.locator("[data-field=review]")).to_contain_text("Professional installation")
    screenshot("18-rated")
    rating = Rating.objects.get(order=order)
    assert rating.value == 5 and rating.channel == Order.Channel.WEB
    order.refresh_from_db()
    assert order.status == InstallationStatus.COMPLETED
