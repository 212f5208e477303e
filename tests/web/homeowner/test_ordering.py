"""Ordering on the web and the order page, over HTTP as a homeowner's browser does it: every
form's errors shown on the page, an order that behaves as one placed over Beckn, cancel and
reschedule within the terms, documents sent again, the live part, the rating."""

import json
import uuid
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beckn.answers.order import answer_confirm
from catalog.models import Item, Provider
from catalog.taxonomy import (
    DocumentationStatus,
    InstallationPhase,
    InstallationStatus,
    SchedulingStatus,
    VerificationStatus,
)
from documents import services as document_services
from documents.models import Document, Submission
from documents.tokens import FormScope
from documents.uploads import inspect_upload
from orders import policies, services
from orders.models import Order, OrderEvent, PaymentCollector, PaymentTerms
from ratings.models import Rating
from tests.conftest import DATA as BECKN_DATA
from tests.documents.factories import exe_bytes, pdf_bytes
from tests.orders.factories import appointments_passed, working_day
from tests.web.homeowner.helpers import (
    INSTALLER,
    complete,
    details,
    document_files,
    homeowner_client,
    place_web_order,
    step_url,
    sunpower_item,
    technician_for,
    verify_documents,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def emily() -> Client:
    return homeowner_client()


@pytest.fixture
def item() -> Item:
    return sunpower_item()


def page_of(order: Order) -> str:
    return reverse("orders:order", args=[order.installation_request_id])


def errors(response: Any, field: str = "__all__") -> str:
    return " ".join(response.context["form"].errors.get(field, []))


def no_traceback(response: Any) -> str:
    page = response.content.decode()
    assert "Traceback" not in page and "Exception" not in page
    return page


# --- Before signing in ---------------------------------------------------------------------------


def test_a_visitor_sees_the_offer_and_is_asked_to_sign_in_first(item: Item) -> None:
    visitor = Client()
    url = step_url("", item)

    page = visitor.get(url).content.decode()

    assert "Order the 2kW Rooftop Solar Setup" in page
    assert "SunPower Installers" in page and "$85,000.00" in page
    for document in ("ID proof", "Ownership certificate", "Wiring diagram"):
        assert document.lower() in page.lower()
    assert f"{reverse('orders:signup')}?next={url}" in page.replace("%2F", "/")
    assert visitor.post(url, details()).status_code == 200  # shown again, nothing kept
    for step in ("-documents", "-confirm"):
        response = visitor.get(step_url(step, item))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_item_not_on_offer_is_a_friendly_404(emily: Client, item: Item) -> None:
    for url in (reverse("orders:order-new", args=[987654]), step_url("-confirm", item)):
        if url.endswith("confirm/"):
            Item.objects.filter(pk=item.pk).update(is_active=False)
        response = emily.get(url)
        assert response.status_code == 404
        assert "Page not found" in no_traceback(response)


# --- Step 1: details ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"billing_name": ""}, "billing_name", "This field is required."),
        ({"billing_email": "emily"}, "billing_email", "Enter a valid email address."),
        ({"billing_phone": ""}, "billing_phone", "This field is required."),
        ({"billing_address": ""}, "billing_address", "This field is required."),
        ({"same_address": None}, "site_address", "Give the installation address"),
        ({"day": "not-a-day"}, "day", "Enter a valid date."),
        ({"window": "03:00"}, "window", "Choose one of the times offered"),
    ],
)
def test_each_error_of_the_details_is_shown_on_its_field(
    emily: Client, item: Item, changes: dict[str, Any], field: str, message: str
) -> None:
    response = emily.post(step_url("", item), details(**changes))

    assert response.status_code == 400
    assert message in errors(response, field)
    assert 'class="field-error"' in no_traceback(response)
    assert "orders.checkout" not in emily.session


def test_a_survey_slot_in_the_past_is_refused_with_the_rule(emily: Client, item: Item) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)

    response = emily.post(step_url("", item), details(day=yesterday.isoformat()))

    assert response.status_code == 400
    assert "must start at least" in errors(response, "day")


def next_saturday() -> date:
    day = timezone.localdate() + timedelta(days=2)
    while day.isoweekday() != 6:
        day += timedelta(days=1)
    return day


def test_a_survey_on_a_day_the_installer_does_not_work_is_refused_in_words(
    emily: Client, item: Item
) -> None:
    response = emily.post(step_url("", item), details(day=next_saturday().isoformat()))

    assert response.status_code == 400
    error = errors(response, "day")
    assert "SunPower Installers works Monday\u2013Friday, 08:00\u201317:00" in error
    assert "(America/Los_Angeles)" in error and "is outside those hours" in error
    assert 'class="field-error"' in no_traceback(response)
    assert "orders.checkout" not in emily.session


def test_only_the_windows_inside_the_installers_hours_are_offered(
    emily: Client, item: Item
) -> None:
    def offered() -> list[str]:
        form = emily.get(step_url("", item)).context["form"]
        return [value for value, _ in form.fields["window"].choices]

    assert offered() == ["08:00", "10:00", "13:00", "15:00"]
    Provider.objects.filter(pk=item.provider_id).update(work_start=time(9), work_end=time(15))
    assert offered() == ["10:00", "13:00"]

    response = emily.post(
        step_url("", item), details(day=working_day(3).isoformat(), window="15:00")
    )

    assert response.status_code == 400
    assert (
        "Choose one of the times offered: SunPower Installers works Monday\u2013Friday, "
        "09:00\u201315:00" in errors(response, "window")
    )

    # Working from New York (08:00 to 17:00 there), the site's 13:00 would end at 18:00 there.
    Provider.objects.filter(pk=item.provider_id).update(
        work_start=time(8), work_end=time(17), time_zone="America/New_York"
    )
    assert offered() == ["08:00", "10:00"]


def test_the_first_survey_offered_is_on_a_day_the_installer_works(
    emily: Client, item: Item
) -> None:
    Provider.objects.filter(pk=item.provider_id).update(work_days="3")  # Wednesdays only

    form = emily.get(step_url("", item)).context["form"]

    assert form.initial["day"].isoweekday() == 3 and form.initial["window"] == "10:00"


def test_an_installation_address_other_than_the_billing_one(emily: Client, item: Item) -> None:
    emily.post(step_url("", item), details(same_address=None, site_address="1 Ocean Ave, SF"))
    emily.post(step_url("-documents", item), {"consent": "on", **document_files(item)})
    page = emily.get(step_url("-confirm", item)).content.decode()

    assert "1 Ocean Ave, SF" in page
    assert "456 Glenview St" in page


# --- Step 2: documents --------------------------------------------------------------------------


def broken_pdf() -> bytes:
    whole = pdf_bytes("ID")
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"document_id_proof": None}, "document_id_proof", "Choose a file for ID proof."),
        (
            {"document_id_proof": SimpleUploadedFile("id.pdf", exe_bytes())},
            "document_id_proof",
            "is not a PDF, JPEG or PNG file",
        ),
        (
            {"document_electricity_bill": SimpleUploadedFile("bill.pdf", broken_pdf())},
            "document_electricity_bill",
            "The PDF is damaged",
        ),
        (
            {"document_wiring_diagram": SimpleUploadedFile("w.png", b"\x89PNG\r\n\x1a\nrubbish")},
            "document_wiring_diagram",
            "The image is damaged",
        ),
        (
            {"document_net_metering_form": SimpleUploadedFile("form.pdf", b"")},
            "document_net_metering_form",
            "is empty",
        ),
        ({"consent": None}, "consent", "This field is required."),
    ],
)
def test_each_document_error_is_shown_beside_its_file_and_nothing_is_kept(
    emily: Client, item: Item, changes: dict[str, Any], field: str, message: str
) -> None:
    emily.post(step_url("", item), details())
    data = {"consent": "on", **document_files(item)}
    data.update(changes)

    response = emily.post(step_url("-documents", item), {k: v for k, v in data.items() if v})

    assert response.status_code == 400
    assert message in errors(response, field)
    others = [name for name in response.context["form"].errors if name != field]
    assert others == []  # the other files were fine
    page = no_traceback(response)
    assert f'data-errors-for="{field}"><p class="field-error"' in page
    assert not Document.objects.exists()


def test_an_upload_far_over_the_size_limit_is_refused_at_once(
    emily: Client, item: Item, settings: Any
) -> None:
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    emily.post(step_url("", item), details())
    big = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n" + b"0" * 2_000_000)

    response = emily.post(
        step_url("-documents", item),
        {"consent": "on", **document_files(item, document_id_proof=big)},
    )

    assert response.status_code == 413
    assert "The upload is too large" in response.context["upload_error"]
    assert "The upload is too large" in no_traceback(response)
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused_on_its_field(
    emily: Client, item: Item, settings: Any
) -> None:
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 5000
    emily.post(step_url("", item), details())
    big = SimpleUploadedFile("id.pdf", pdf_bytes("x" * 100) + b" " * 6000)

    response = emily.post(
        step_url("-documents", item),
        {"consent": "on", **document_files(item, document_id_proof=big)},
    )

    assert response.status_code == 400
    assert "files may be at most" in errors(response, "document_id_proof")


def test_documents_are_uploaded_for_the_draft_then_replaceable(emily: Client, item: Item) -> None:
    emily.post(step_url("", item), details())

    response = emily.post(
        step_url("-documents", item), {"consent": "on", "roof_type": "Tile", **document_files(item)}
    )

    assert response.status_code == 302 and response["Location"] == step_url("-confirm", item)
    submission = Submission.objects.get()
    assert submission.order is None and submission.complete
    assert submission.buyer_reference == f"user:{emily.session['_auth_user_id']}"
    assert submission.roof_type == "Tile" and submission.customer_name == "Emily Tran"
    assert Document.objects.filter(is_current=True).count() == 5
    # Back on the step, the files await review and may be replaced, one at a time.
    again = emily.get(step_url("-documents", item))
    assert all(not field.field.required for field in again.context["form"].document_fields())
    assert "Continue to payment and confirmation" in again.content.decode()


def test_an_htmx_upload_is_told_where_to_go(emily: Client, item: Item) -> None:
    emily.post(step_url("", item), details())

    response = emily.post(
        step_url("-documents", item),
        {"consent": "on", **document_files(item)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == step_url("-confirm", item)


# --- Step 3: terms, payment, confirmation -------------------------------------------------------


def confirm(client: Client, item: Item, **changes: Any) -> Any:
    data = {"payment": "card-on-installation", "accept_terms": "on", "expected_total": "85000"}
    data.update(changes)
    return client.post(step_url("-confirm", item), {k: v for k, v in data.items() if v})


def test_the_confirmation_page_shows_terms_cancellation_policy_and_payments(
    emily: Client, item: Item
) -> None:
    emily.post(step_url("", item), details())

    page = emily.get(step_url("-confirm", item)).content.decode()

    assert "Terms and cancellation policy" in page
    assert "free of charge until the installation itself begins" in page
    assert "Card on installation" in page and "Pay the installer on site" in page
    assert "Still to upload: ID proof" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"accept_terms": None}, "accept_terms", "Accept the terms and the cancellation policy"),
        ({"payment": None}, "payment", "Choose how you will pay."),
        ({"payment": "bitcoin"}, "payment", "Select a valid choice."),
    ],
)
def test_each_confirmation_error_is_shown_and_no_order_placed(
    emily: Client, item: Item, changes: dict[str, Any], field: str, message: str
) -> None:
    emily.post(step_url("", item), details())

    response = confirm(emily, item, **changes)

    assert response.status_code == 400
    assert message in errors(response, field)
    no_traceback(response)
    assert not Order.objects.exists()


def test_a_changed_price_is_shown_and_confirmed_again(emily: Client, item: Item) -> None:
    emily.post(step_url("", item), details())
    Item.objects.filter(pk=item.pk).update(price_estimated_value=Decimal("86000"))

    response = confirm(emily, item, expected_total="85000")

    assert response.status_code == 400
    assert "The price is now 86000.00 USD" in errors(response)
    assert 'name="expected_total" value="86000.00"' in response.content.decode()
    assert not Order.objects.exists()
    assert confirm(emily, item, expected_total="86000.00").status_code == 302
    assert Order.objects.get().total == Decimal("86000.00")


def test_documents_the_installer_needs_first_are_asked_for_before_ordering(
    emily: Client, item: Item
) -> None:
    Item.objects.filter(pk=item.pk).update(documents_required_before_confirm=True)
    emily.post(step_url("", item), details())
    assert "Skip for now" not in emily.get(step_url("-documents", item)).content.decode()

    response = confirm(emily, item)

    assert response.status_code == 400
    assert "The installer needs your documents before the order" in errors(response)
    assert "ID proof" in errors(response)
    assert not Order.objects.exists()


def test_a_survey_slot_that_passed_meanwhile_is_refused(emily: Client, item: Item) -> None:
    emily.post(step_url("", item), details())
    session = emily.session
    draft = session["orders.checkout"][str(item.pk)]
    past = timezone.now() - timedelta(hours=1)
    draft["survey_start"], draft["survey_end"] = past.isoformat(), timezone.now().isoformat()
    session.save()

    response = confirm(emily, item)

    assert response.status_code == 400
    assert "must start at least" in errors(response)
    assert not Order.objects.exists()


def test_confirming_without_details_starts_again(emily: Client, item: Item) -> None:
    response = confirm(emily, item)

    assert response.status_code == 302 and response["Location"] == step_url("", item)
    assert not Order.objects.exists()


def test_a_web_order_is_placed_with_the_documents_and_the_choices(
    emily: Client, item: Item
) -> None:
    order = place_web_order(emily, item, payment="pay-on-site")

    assert order.channel == Order.Channel.WEB
    assert order.buyer_reference == f"user:{emily.session['_auth_user_id']}"
    assert (order.status, order.scheduling_status) == (
        InstallationStatus.SCHEDULED,
        SchedulingStatus.CONFIRMED,
    )
    assert order.payment_terms == PaymentTerms.POST_FULFILLMENT
    assert order.payment_collector == PaymentCollector.INSTALLER
    assert order.total == Decimal("85000") and order.site_address == order.billing_address
    assert order.documentation_status == DocumentationStatus.COMPLETED
    assert Document.objects.filter(order=order, is_current=True).count() == 5
    page = emily.get(page_of(order)).content.decode()
    assert f"Your Installation Request ID is {order.installation_request_id}" in page
    assert "Order placed: " + order.installation_request_id in page
    assert "orders.checkout" not in emily.session or not emily.session["orders.checkout"]
    # The draft is gone: confirming again places nothing more.
    assert confirm(emily, item).status_code == 302
    assert Order.objects.count() == 1


def test_an_order_placed_on_the_web_behaves_as_one_placed_over_beckn(
    emily: Client, item: Item
) -> None:
    web = place_web_order(emily, item)

    request = json.loads((BECKN_DATA / "seed_confirm.json").read_text())
    request["context"]["transaction_id"] = transaction = str(uuid.uuid4())
    bap = request["context"]["bap_id"]
    document_services.submission_submit(
        scope=FormScope(item_id=item.pk, buyer_reference=bap, transaction_id=transaction),
        item=item,
        details={"customer_name": "Emily Tran", "site_address": "456 Glenview St"},
        uploads=[
            document_services.Upload(
                document_type, file, inspect_upload(file, max_bytes=10_000_000)
            )
            for name, file in document_files(item).items()
            for document_type in item.required_documents.filter(code=name[len("document_") :])
        ],
        uploaded_by="homeowner via bap",
    )
    answer_confirm(request)
    network = Order.objects.get(channel=Order.Channel.NETWORK)

    fields = (
        "status",
        "phase",
        "scheduling_status",
        "documentation_status",
        "payment_terms",
        "payment_collector",
        "payment_status",
        "total",
        "currency",
        "provider_id",
        "fulfillment_id",
        "survey_start",
        "survey_end",
        "location_type",
    )
    assert {f: getattr(web, f) for f in fields} == {f: getattr(network, f) for f in fields}

    def story(order: Order) -> list[tuple[str, str, str]]:
        return [
            (
                e.kind,
                e.from_value,
                # The certificate's and the invoice's numbers are the order's own.
                "numbers"
                if e.kind == OrderEvent.Kind.ISSUED
                else e.to_value.replace(order.installation_request_id, "IR"),
            )
            for e in order.events.all()
        ]

    assert story(web) == story(network)
    assert [k for k, _, _ in story(web)] == ["CREATED", "SCHEDULE", "DOCUMENTS"]
    # ... and the installer's work goes the same way for both.
    for order in (web, network):
        complete(order)
    web.refresh_from_db()
    network.refresh_from_db()
    assert story(web) == story(network)
    assert web.status == network.status == InstallationStatus.COMPLETED
    assert web.installation_certificate and network.installation_certificate


# --- The order page: cancel, reschedule ---------------------------------------------------------


@pytest.fixture
def order(emily: Client, item: Item) -> Order:
    return place_web_order(emily, item)


def test_cancelling_within_the_terms(emily: Client, order: Order) -> None:
    url = reverse("orders:order-cancel", args=[order.installation_request_id])

    response = emily.post(url, {"reason": "2", "note": "found one closer"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == InstallationStatus.CANCELLED
    assert order.cancellation_reason == "Found a better offer: found one closer"
    assert order.cancelled_by == "homeowner:emily.tran@example.com"
    page = emily.get(page_of(order)).content.decode()
    assert "is cancelled" in page and "Cancelled: Found a better offer" in page
    assert "Cancel the order" not in page and "Move the site survey" not in page


def test_a_cancellation_without_a_reason_shows_the_error(emily: Client, order: Order) -> None:
    url = reverse("orders:order-cancel", args=[order.installation_request_id])

    response = emily.post(url, {"reason": ""})

    assert response.status_code == 400
    assert response.context["cancel_form"].errors["reason"] == ["Choose a reason."]
    assert '<details open id="cancel">' in no_traceback(response)
    order.refresh_from_db()
    assert order.status == InstallationStatus.SCHEDULED


def in_installation(order: Order) -> Order:
    verify_documents(order)
    order = appointments_passed(order)
    services.order_phase_advance(order=order, actor=INSTALLER)
    services.order_phase_advance(order=order, actor=INSTALLER)
    services.order_phase_advance(order=order, actor=INSTALLER)
    order.refresh_from_db()
    assert order.phase == InstallationPhase.INSTALLATION
    return order


def test_once_the_installation_has_begun_it_cannot_be_cancelled_nor_moved(
    emily: Client, order: Order
) -> None:
    in_installation(order)
    page = emily.get(page_of(order)).content.decode()
    assert "Cancel the order" not in page and "Move the" not in page
    assert "can no longer be cancelled or moved" in page

    cancelled = emily.post(
        reverse("orders:order-cancel", args=[order.installation_request_id]), {"reason": "1"}
    )
    moved = emily.post(
        reverse("orders:order-reschedule", args=[order.installation_request_id]),
        {"day": working_day(5).isoformat(), "window": "10:00"},
    )

    assert cancelled.status_code == moved.status_code == 400
    assert "can no longer be cancelled (installation)" in " ".join(
        cancelled.context["cancel_form"].non_field_errors()
    )
    assert "Nothing is left to schedule" in " ".join(
        moved.context["reschedule_form"].non_field_errors()
    )
    order.refresh_from_db()
    assert order.status == InstallationStatus.IN_PROGRESS


def test_rescheduling_the_survey_then_the_installation(emily: Client, order: Order) -> None:
    url = reverse("orders:order-reschedule", args=[order.installation_request_id])
    day = working_day(6)  # Sunpower works Monday to Friday
    assert "Move the site survey" in emily.get(page_of(order)).content.decode()

    response = emily.post(url, {"day": day.isoformat(), "window": "13:00"})

    assert response.status_code == 302
    order.refresh_from_db()
    # The windows are the site's (San Francisco's) local time, whatever the server's zone.
    assert order.survey_start.astimezone(order.zone).date() == day
    assert f"{order.survey_start.astimezone(order.zone):%H:%M}" == "13:00"
    assert order.scheduling_status == SchedulingStatus.RESCHEDULED
    assert order.events.filter(kind=OrderEvent.Kind.SCHEDULE).count() == 2

    services.order_phase_advance(order=order, actor=INSTALLER)  # the survey starts
    assert "Move the installation" in emily.get(page_of(order)).content.decode()
    after_survey = working_day(1, after=day)  # the installation starts after the survey ends
    assert emily.post(url, {"day": after_survey.isoformat(), "window": "08:00"}).status_code == 302
    order.refresh_from_db()
    assert order.installation_start.astimezone(order.zone).date() == after_survey
    assert f"{order.installation_start.astimezone(order.zone):%H:%M}" == "08:00"


def test_the_survey_cannot_be_moved_after_the_booked_installation(
    emily: Client, order: Order
) -> None:
    day = working_day(6)
    installation = policies.day_slots(day, zone=order.zone)[0]  # from 08:00, by the installer
    services.order_schedule(
        order=order, appointment="INSTALLATION", slot=installation, actor=INSTALLER
    )
    order.refresh_from_db()
    survey_start, schedules = order.survey_start, order.events.filter(kind=OrderEvent.Kind.SCHEDULE)
    booked = schedules.count()
    url = reverse("orders:order-reschedule", args=[order.installation_request_id])

    response = emily.post(url, {"day": day.isoformat(), "window": "13:00"})

    assert response.status_code == 400
    assert "The site survey must end before the installation starts" in " ".join(
        response.context["reschedule_form"].non_field_errors()
    )
    assert '<details open id="reschedule">' in no_traceback(response)
    order.refresh_from_db()
    assert order.survey_start == survey_start
    assert schedules.count() == booked


def test_a_reschedule_to_a_day_off_shows_the_installers_hours(emily: Client, order: Order) -> None:
    url = reverse("orders:order-reschedule", args=[order.installation_request_id])
    survey_start = order.survey_start

    response = emily.post(url, {"day": next_saturday().isoformat(), "window": "10:00"})

    assert response.status_code == 400
    error = " ".join(response.context["reschedule_form"].errors["day"])
    assert "SunPower Installers works Monday\u2013Friday, 08:00\u201317:00" in error
    assert '<details open id="reschedule">' in no_traceback(response)
    order.refresh_from_db()
    assert order.survey_start == survey_start


def test_a_reschedule_into_the_past_shows_the_rule(emily: Client, order: Order) -> None:
    url = reverse("orders:order-reschedule", args=[order.installation_request_id])
    yesterday = timezone.localdate() - timedelta(days=1)

    response = emily.post(url, {"day": yesterday.isoformat(), "window": "10:00"})

    assert response.status_code == 400
    assert "must start at least" in " ".join(response.context["reschedule_form"].errors["day"])
    assert '<details open id="reschedule">' in no_traceback(response)


# --- The order page: documents ------------------------------------------------------------------


def test_a_document_to_revise_is_sent_again_from_the_order_page(
    emily: Client, order: Order
) -> None:
    bill = Document.objects.get(order=order, document_type__code="electricity_bill")
    document_services.document_verify(
        document=bill,
        status=VerificationStatus.NEEDS_REVISION,
        reviewer=INSTALLER,
        reason="The bill is older than three months",
    )
    page = emily.get(page_of(order))
    text = page.content.decode()
    assert "Needs revision" in text and "The bill is older than three months" in text
    assert "Send Electricity bill" in text
    upload = page.context["upload_forms"][0]
    url = upload.action

    refused = emily.post(url, {"consent": "on"})
    assert refused.status_code == 400
    assert refused.context["upload_forms"][0].form.errors["document_electricity_bill"] == [
        "Choose a file for Electricity bill."
    ]
    wrong = emily.post(
        url,
        {"consent": "on", "document_electricity_bill": SimpleUploadedFile("b.pdf", exe_bytes())},
    )
    assert wrong.status_code == 400
    assert "is not a PDF" in " ".join(
        wrong.context["upload_forms"][0].form.errors["document_electricity_bill"]
    )

    sent = emily.post(
        url,
        {
            "consent": "on",
            "document_electricity_bill": SimpleUploadedFile("bill-may.pdf", pdf_bytes("May")),
        },
    )

    assert sent.status_code == 302
    current = Document.objects.get(
        order=order, document_type__code="electricity_bill", is_current=True
    )
    assert current.pk != bill.pk and current.original_name == "bill-may.pdf"
    assert current.verification_status == VerificationStatus.PENDING
    order.refresh_from_db()
    assert order.documentation_status == DocumentationStatus.COMPLETED


def test_documents_can_be_uploaded_after_ordering(emily: Client, item: Item) -> None:
    order = place_web_order(emily, item, with_documents=False)
    assert order.documentation_status == DocumentationStatus.PENDING
    page = emily.get(page_of(order))
    upload = page.context["upload_forms"][0]
    assert len(upload.needed) == 5

    response = emily.post(upload.action, {"consent": "on", **document_files(item)})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.documentation_status == DocumentationStatus.COMPLETED
    assert Document.objects.filter(order=order).count() == 5


def test_the_owner_downloads_her_documents(emily: Client, order: Order) -> None:
    document = Document.objects.get(order=order, document_type__code="wiring_diagram")
    url = reverse("orders:order-document", args=[order.installation_request_id, document.pk])
    assert url in emily.get(page_of(order)).content.decode()

    response = emily.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --- The live part --------------------------------------------------------------------------------


def test_the_live_part_answers_204_until_something_changes(emily: Client, order: Order) -> None:
    live = reverse("orders:order-live", args=[order.installation_request_id])
    fingerprint = emily.get(page_of(order)).context["fingerprint"]
    assert emily.get(live, {"v": fingerprint}).status_code == 204

    services.order_technician_assign(order=order, technician=technician_for(order), actor=INSTALLER)

    changed = emily.get(live, {"v": fingerprint})
    assert changed.status_code == 200
    assert "Marcus Lee" in changed.content.decode()
    assert changed.context["fingerprint"] != fingerprint
    assert emily.get(live, {"v": changed.context["fingerprint"]}).status_code == 204

    verify_documents(order)  # documents change without the order's status changing
    assert emily.get(live, {"v": changed.context["fingerprint"]}).status_code == 200


def test_a_signed_out_poll_sends_the_browser_to_sign_in(order: Order) -> None:
    live = reverse("orders:order-live", args=[order.installation_request_id])

    response = Client().get(live)

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


# --- Rating -------------------------------------------------------------------------------------


def test_rating_is_offered_after_completion_only(emily: Client, order: Order) -> None:
    url = reverse("orders:order-rate", args=[order.installation_request_id])
    assert "You can rate the installation once it is completed" in (
        emily.get(page_of(order)).content.decode()
    )

    early = emily.post(url, {"value": "5", "comment": "Great"})
    assert early.status_code == 400
    assert "can be rated once its installation is completed" in " ".join(
        early.context["rating_form"].non_field_errors()
    )
    assert not Rating.objects.exists()

    complete(order)
    wrong = emily.post(url, {"value": "6", "comment": "Too good"})
    assert wrong.status_code == 400
    assert "outside the 0 to 5 scale" in " ".join(wrong.context["rating_form"].errors["value"])

    rated = emily.post(url, {"value": "5", "comment": "Professional installation"})
    assert rated.status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.buyer_reference) == (order.channel, order.buyer_reference)
    assert rating.value == Decimal("5.00") and rating.comment == "Professional installation"
    page = emily.get(page_of(order)).content.decode()
    assert "Your rating: <strong>5/5</strong>" in page and "Update my rating" in page


def test_an_upload_far_over_the_limit_on_the_order_page_is_refused(
    emily: Client, item: Item, settings: Any
) -> None:
    order = place_web_order(emily, item, with_documents=False)
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    action = emily.get(page_of(order)).context["upload_forms"][0].action
    big = SimpleUploadedFile("id.pdf", b"%PDF-1.4\n" + b"0" * 6_000_000)

    response = emily.post(action, {"consent": "on", **document_files(item, document_id_proof=big)})

    assert response.status_code == 413
    assert "The upload is too large" in no_traceback(response)
    assert not Document.objects.exists()
