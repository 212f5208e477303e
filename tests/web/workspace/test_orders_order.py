"""An order's page in the installer workspace, driven over HTTP as a dispatcher does: verify the
homeowner's documents, schedule, assign a technician, move the installation through its phases,
take the payment and complete it. The buyer app that placed the order hears of each change
(its fake server receives the unsolicited callbacks). Also: nobody is booked twice, errors show
on the page, the callback log and its retry, and the same few queries however many orders."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beckn.models import OutboundMessage
from catalog.models import Provider
from catalog.taxonomy import InstallationPhase, InstallationStatus, TechnicianType
from documents.models import Certificate, Document, Invoice
from orders import services
from orders.actors import SYSTEM
from orders.errors import UpdateNotPossible
from orders.models import Order, OrderEvent
from orders.policies import Slot
from tests.conftest import Bap
from tests.documents.after_commit import run_after_commit
from tests.orders.factories import INSTALLER_ZONE, TechnicianFactory, appointments_passed
from tests.web.workspace.helpers import (
    Role,
    htmx,
    installer,
    link_to_bap,
    member,
    next_weekday,
    order_for,
    order_with_documents,
)


def page_of(order: Order) -> str:
    return f"/installer/orders/{order.pk}/"


def act(client: Client, order: Order, action: str, **data: Any) -> str:
    """POST an action as htmx does; returns the order's panels it answers."""
    answer = client.post(page_of(order) + action, data, headers=htmx())
    assert answer.status_code == 200, answer.content
    return answer.content.decode()


def field(html: str, name: str) -> str:
    found = re.search(rf'data-field="{name}"[^>]*>(.*?)<', html, re.S)
    assert found, f"no {name} on the page"
    return found.group(1).strip()


def alert(html: str) -> str:
    found = re.search(r'role="alert">(.*?)<', html, re.S)
    return found.group(1).strip() if found else ""


def notice(html: str) -> str:
    found = re.search(r'class="ws-alert[^"]*" role="status">(.*?)<', html, re.S)
    return found.group(1).strip() if found else ""


def window(slot_start: datetime, hours: int = 2) -> dict[str, str]:
    """The schedule form's fields for a window, in the site's zone (San Francisco's)."""
    local = slot_start.astimezone(INSTALLER_ZONE)
    return {"day": local.date().isoformat(), "start": f"{local:%H:%M}", "hours": str(hours)}


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- The dispatcher's day, and what the buyer app hears -------------------------------------------


def next_callback(bap: Bap, public_key: str) -> dict[str, Any]:
    callback = bap.server.wait(timeout=20)
    callback.verify(public_key)
    return callback.payload


def state_of(callback: dict[str, Any]) -> str:
    return callback["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_dispatcher_runs_an_order_and_the_buyer_app_hears_each_change(
    client: Client, bap: Bap, bpp_public_key: str
) -> None:
    provider = installer("SunPower Installers")
    order = order_with_documents(provider, "id_proof", "electricity_bill")
    link_to_bap(order, bap.subscriber_id, bap.server.bap_uri)
    david = TechnicianFactory(
        provider=provider, name="David C", technician_type=TechnicianType.SOLAR_TECHNICIAN
    )
    dispatcher = member(provider, Role.DISPATCHER)
    client.force_login(dispatcher)
    page = client.get(page_of(order)).content.decode()
    assert "Verify" in page and "Start the site survey" in page

    # The homeowner's documents, verified one by one; the buyer app hears when all are.
    documents = list(Document.objects.filter(order=order))
    for document in documents:
        html = act(client, order, f"documents/{document.pk}/review", status="VERIFIED")
        assert "Verified" in html
    verified = next_callback(bap, bpp_public_key)
    assert verified["context"]["action"] == "on_update"
    assert verified["context"]["transaction_id"] == order.network_link.transaction_id
    tags = verified["message"]["order"]["fulfillments"][0]["tags"][0]["list"]
    assert {"descriptor": {"code": "documentation-status"}, "value": "VERIFIED"} in tags

    # The site survey moved to another window, then the technician assigned.
    survey = next_weekday(days_ahead=5)
    html = act(client, order, "schedule", appointment="SURVEY", **window(survey))
    assert notice(html).startswith("Site survey booked")
    moved = next_callback(bap, bpp_public_key)
    assert moved["context"]["action"] == "on_update"
    stop = moved["message"]["order"]["fulfillments"][0]["stops"][0]
    assert stop["time"]["range"]["start"] == utc(survey)

    html = act(client, order, "technician", technician=david.pk)
    assert re.search(r'data-field="technician"><strong>David C</strong>', html)
    dispatched = next_callback(bap, bpp_public_key)
    assert dispatched["context"]["action"] == "on_status"
    assert state_of(dispatched) == "Technician-dispatched"
    assert dispatched["message"]["order"]["fulfillments"][0]["agent"]["person"]["name"] == (
        "David C"
    )

    # The survey starts; the installation is booked after it; every phase follows.
    html = act(client, order, "phase", reason="On site")
    assert field(html, "phase") == "Site survey"
    assert state_of(next_callback(bap, bpp_public_key)) == "Site-survey"
    installation = survey + timedelta(days=1)
    while installation.weekday() >= 5:
        installation += timedelta(days=1)
    act(client, order, "schedule", appointment="INSTALLATION", **window(installation, hours=6))
    booked = next_callback(bap, bpp_public_key)
    assert booked["context"]["action"] == "on_update"
    assert booked["message"]["order"]["fulfillments"][0]["stops"][0]["time"]["range"] == {
        "start": utc(installation),
        "end": utc(installation + timedelta(hours=6)),
    }
    # Nothing runs ahead of its appointment: the button is disabled and says why, and a POST
    # all the same is refused with the same reason.
    page = client.get(page_of(order)).content.decode()
    assert re.search(r'data-action="advance" disabled', page)
    assert "The site survey has not started yet" in field(page, "reason")
    html = act(client, order, "phase")
    assert alert(html).startswith("The site survey has not started yet: it starts ")
    assert field(html, "phase") == "Site survey"

    order = appointments_passed(order)  # the days go by
    seen = []
    for _ in range(4):
        act(client, order, "phase")
        pushed = next_callback(bap, bpp_public_key)
        assert pushed["context"]["action"] == "on_status"
        seen.append(state_of(pushed))
    assert seen == ["Preparation", "Installation-in-progress", "Testing", "Commissioning"]

    # Safety, payment, completion; then the certificate and invoice, issued after it.
    html = act(client, order, "safety", safety_status="VERIFIED", reason="Earthing checked")
    assert field(html, "safety") == "Verified"
    assert next_callback(bap, bpp_public_key)["context"]["action"] == "on_status"
    html = act(client, order, "payment", reference="R-1042")
    assert field(html, "payment") == "Paid"
    paid = next_callback(bap, bpp_public_key)
    assert paid["context"]["action"] == "on_update"
    assert paid["message"]["order"]["payments"][0]["status"] == "PAID"
    act(client, order, "complete")
    # The completion's on_status, and the on_update that brings the certificate and invoice once
    # the worker issued them: two deliveries, in either order.
    told = {
        c["context"]["action"]: c for c in [next_callback(bap, bpp_public_key) for _ in range(2)]
    }
    done, issued = told["on_status"], told["on_update"]
    assert done["message"]["order"]["status"] == "COMPLETE"
    assert state_of(done) == "Completed"
    assert len(issued["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["media"]) == 2
    certificate, invoice = Certificate.objects.get(order=order), Invoice.objects.get(order=order)
    html = client.get(page_of(order)).content.decode()
    assert certificate.number in html and invoice.number in html

    # Every change is on the timeline, by the dispatcher; the callback log lists what was sent.
    order.refresh_from_db()
    assert order.status == InstallationStatus.COMPLETED
    uploaded = order.events.filter(actor="homeowner")  # the documents, through the form
    issuing = order.events.filter(actor=SYSTEM)  # the certificate and invoice
    assert list(issuing.values_list("kind", flat=True)) == [OrderEvent.Kind.ISSUED]
    others = order.events.exclude(pk__in=uploaded).exclude(pk__in=issuing)
    assert set(others.values_list("actor", flat=True)) == {f"user:{dispatcher.username}"}
    log = client.get(page_of(order) + "callbacks/", headers=htmx()).content.decode()
    assert log.count('data-callback="') == OutboundMessage.objects.count() == 13
    assert "on_status" in log and "on_update" in log
    assert bap.server.received.empty()


# --- Single actions over HTTP -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_technician_is_never_booked_twice(client: Client) -> None:
    provider = installer()
    david = TechnicianFactory(provider=provider, name="David C")
    ana = TechnicianFactory(provider=provider, name="Ana R")
    busy_at = next_weekday(days_ahead=6)
    other = order_for(
        provider,
        technician=david,
        installation_start=busy_at,
        installation_end=busy_at + timedelta(hours=4),
    )
    order = order_for(provider, technician=david)
    client.force_login(member(provider, Role.DISPATCHER))

    # Booking David's order into his other job's window is refused, with the reason.
    overlapping = busy_at + timedelta(hours=3)
    html = act(client, order, "schedule", appointment="INSTALLATION", **window(overlapping))
    assert alert(html) == (
        f"David C is booked then: the installation of {other.installation_request_id}, "
        f"{busy_at:%a} {busy_at.day} {busy_at:%b %Y}, 10:00\u201314:00 {busy_at.tzname()}."
    )
    order.refresh_from_db()
    assert order.installation_start is None
    assert not order.events.filter(kind=OrderEvent.Kind.SCHEDULE).exists()

    # The grid shows him busy that morning; right after his job is free.
    grid = client.get(
        page_of(order) + "availability", {"day": busy_at.date().isoformat(), "hours": 2}
    ).content.decode()
    david_row = grid[grid.index("David C") :].split("</tr>")[0]
    assert david_row.count("ws-busy") == 2 and other.installation_request_id in david_row
    later = busy_at + timedelta(hours=5)
    html = act(client, order, "schedule", appointment="INSTALLATION", **window(later))
    assert notice(html).startswith("Installation booked")

    # Another order at David's time cannot be given David, but can be given Ana.
    third = order_for(provider, survey_start=busy_at)
    html = act(client, third, "technician", technician=david.pk)
    assert "David C is booked then" in alert(html)
    third.refresh_from_db()
    assert third.technician is None
    assert "— booked (installation of" in client.get(page_of(third)).content.decode()
    html = act(client, third, "technician", technician=ana.pk)
    assert notice(html) == "Ana R is assigned."


@pytest.mark.django_db
def test_the_dispatcher_books_inside_the_installers_working_hours_only(client: Client) -> None:
    """An installer working from New York (08:00 to 17:00 there) for a site in San Francisco:
    the grid offers the site's windows that fit, a booking outside is refused in words."""
    provider = installer("Sunpower")
    Provider.objects.filter(pk=provider.pk).update(time_zone="America/New_York")
    david = TechnicianFactory(provider=provider, name="David C")
    order = order_for(provider, technician=david)
    client.force_login(member(provider, Role.DISPATCHER))
    day = next_weekday(days_ahead=6)

    grid = client.get(page_of(order) + "availability", {"day": f"{day:%Y-%m-%d}", "hours": 2})
    html = grid.content.decode()
    assert "Sunpower works Monday\u2013Friday, 08:00\u201317:00" in html
    assert "(America/New_York)" in html
    assert re.findall(r'data-pick-start="([0-9:]+)"', html) == ["08:00", "10:00"]

    late = day.replace(hour=13)  # 16:00 to 18:00 in New York
    html = act(client, order, "schedule", appointment="INSTALLATION", **window(late))
    assert alert(html).startswith("Sunpower works Monday\u2013Friday, 08:00\u201317:00 E")
    assert "16:00\u201318:00" in alert(html) and "is outside those hours" in alert(html)
    order.refresh_from_db()
    assert order.installation_start is None

    saturday = next_weekday(days_ahead=2) + timedelta(days=1)
    while saturday.isoweekday() != 6:
        saturday += timedelta(days=1)
    grid = client.get(page_of(order) + "availability", {"day": f"{saturday:%Y-%m-%d}"})
    assert "lies inside the working hours: choose another day" in grid.content.decode()
    html = act(client, order, "schedule", appointment="SURVEY", **window(saturday))
    assert "is outside those hours" in alert(html)

    html = act(client, order, "schedule", appointment="INSTALLATION", **window(day, hours=4))
    assert notice(html).startswith("Installation booked")


@pytest.mark.django_db
def test_the_installation_cannot_move_past_the_survey_before_the_documents_are_verified(
    client: Client,
) -> None:
    provider = installer()
    order = order_with_documents(provider, "id_proof")
    client.force_login(member(provider, Role.DISPATCHER))
    act(client, order, "phase")

    html = act(client, order, "phase")

    assert "before every required document is verified" in alert(html)
    assert field(html, "phase") == "Site survey"


@pytest.mark.django_db
def test_a_document_is_sent_back_for_revision_or_rejected_only_with_a_reason(
    client: Client,
) -> None:
    provider = installer()
    order = order_with_documents(provider, "id_proof", "electricity_bill")
    bill = Document.objects.get(order=order, document_type__code="electricity_bill")
    client.force_login(member(provider, Role.DISPATCHER))

    html = act(client, order, f"documents/{bill.pk}/review", status="NEEDS_REVISION")
    assert alert(html) == "Say why: the homeowner sees the reason."
    html = act(
        client,
        order,
        f"documents/{bill.pk}/review",
        status="NEEDS_REVISION",
        reason="The bill is older than three months",
    )

    bill.refresh_from_db()
    assert bill.verification_status == "NEEDS_REVISION"
    assert "Reason given: The bill is older than three months" in html
    order.refresh_from_db()
    event = order.events.filter(kind=OrderEvent.Kind.DOCUMENTS).last()
    assert "older than three months" in event.reason


@pytest.mark.django_db
def test_a_site_note_goes_on_the_timeline_and_nobody_else_is_told(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    provider = installer()
    order = order_for(provider)
    client.force_login(member(provider, Role.DISPATCHER))

    with django_capture_on_commit_callbacks() as callbacks:
        html = act(client, order, "notes", text="Gate code 4411; dog in the yard")

    assert "Gate code 4411; dog in the yard" in html
    note = order.events.get(kind=OrderEvent.Kind.NOTE)
    assert note.reason == "Gate code 4411; dog in the yard"
    assert callbacks == []  # no outbox row, no order_changed
    assert alert(act(client, order, "notes", text="  ")) == "Site note: This field is required."


@pytest.mark.django_db
def test_without_htmx_an_action_redirects_to_the_order_with_a_message(client: Client) -> None:
    provider = installer()
    order = order_for(provider)
    client.force_login(member(provider, Role.DISPATCHER))

    answer = client.post(page_of(order) + "phase", follow=True)

    assert answer.redirect_chain == [(page_of(order), 302)]
    assert "The installation is now in site survey." in answer.content.decode()
    answer = client.post(page_of(order) + "complete", follow=True)
    assert "Only a commissioned installation can be completed." in answer.content.decode()


@pytest.mark.django_db
def test_a_completed_order_links_its_certificate_and_invoice(client: Client) -> None:
    provider = installer()
    order = order_for(
        provider,
        status=InstallationStatus.IN_PROGRESS,
        phase=InstallationPhase.COMMISSIONING,
        safety_status="VERIFIED",
    )
    order = appointments_passed(order)
    client.force_login(member(provider, Role.DISPATCHER))

    with run_after_commit():
        act(client, order, "complete")

    certificate, invoice = Certificate.objects.get(order=order), Invoice.objects.get(order=order)
    html = client.get(page_of(order)).content.decode()
    assert f'href="/documents/installer/certificates/{certificate.pk}.pdf"' in html
    pdf = client.get(f"/documents/installer/invoices/{invoice.pk}.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert "Issue the certificate and invoice" not in html


@pytest.mark.django_db
def test_the_callback_log_lists_the_messages_and_retries_a_dead_one(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    provider = installer()
    order = order_for(provider)
    link = link_to_bap(order, "bap.example.test", "https://bap.example.test/beckn")
    sent, dead = (
        OutboundMessage.objects.create(
            action=action,
            bap_id=link.bap_id,
            target_url=f"{link.bap_uri}/{action}",
            transaction_id=link.transaction_id,
            message_id=f"m-{action}",
            status=status,
            attempts=attempts,
            last_error=error,
        )
        for action, status, attempts, error in (
            ("on_confirm", OutboundMessage.Status.SENT, 1, ""),
            ("on_status", OutboundMessage.Status.DEAD, 4, "HTTP 503"),
        )
    )
    OutboundMessage.objects.create(  # the same buyer app's other transaction
        action="on_search",
        bap_id=link.bap_id,
        target_url="x",
        transaction_id="another",
        message_id="m-other",
    )
    client.force_login(member(provider, Role.DISPATCHER))

    log = client.get(page_of(order) + "callbacks/", headers=htmx()).content.decode()
    assert re.findall(r'data-callback="(\d+)" data-status="(\w+)"', log) == [
        (str(dead.pk), "DEAD"),
        (str(sent.pk), "SENT"),
    ]
    assert "HTTP 503" in log and log.count(">Retry</button>") == 1

    with django_capture_on_commit_callbacks() as enqueued:
        log = client.post(
            page_of(order) + f"callbacks/{dead.pk}/retry", headers=htmx()
        ).content.decode()
    assert "The on_status callback is queued again." in log
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (OutboundMessage.Status.PENDING, 0)
    assert len(enqueued) == 1

    log = client.post(page_of(order) + f"callbacks/{sent.pk}/retry", headers=htmx())
    assert "only one given up on can be retried" in log.content.decode()
    full = client.get(page_of(order) + "callbacks/")
    assert full.status_code == 200 and "<html" in full.content.decode()


def detail_queries(client: Client, order: Order) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page_of(order)).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_order_page_takes_the_same_queries_for_2_or_10_orders(
    client: Client, django_assert_num_queries: Any
) -> None:
    provider = installer()
    technicians = [TechnicianFactory(provider=provider) for _ in range(3)]
    order = order_with_documents(provider, "id_proof", "electricity_bill", technician=None)
    client.force_login(member(provider, Role.DISPATCHER))
    day = timezone.localtime(order.survey_start) + timedelta(days=1)

    def add_orders(count: int) -> None:
        for n in range(count):
            start = day.replace(hour=8 + 2 * (n % 4))
            order_for(
                provider,
                technician=technicians[n % 3],
                installation_start=start,
                installation_end=start + timedelta(hours=2),
            )

    add_orders(1)
    act(client, order, "notes", text="First visit")
    with_two = detail_queries(client, order)
    add_orders(8)
    act(client, order, "notes", text="Second visit")
    for document in Document.objects.filter(order=order):
        act(client, order, f"documents/{document.pk}/review", status="VERIFIED")

    with django_assert_num_queries(with_two):
        client.get(page_of(order))
    assert with_two <= 25


@pytest.mark.django_db
def test_a_buyer_app_cannot_move_an_appointment_onto_the_technicians_other_job() -> None:
    provider = installer()
    david = TechnicianFactory(provider=provider, name="David C")
    busy_at = next_weekday(days_ahead=6)
    order_for(provider, technician=david, survey_start=busy_at)
    order = order_for(provider, technician=david)

    with pytest.raises(UpdateNotPossible, match="David C is booked then"):
        services.order_reschedule(
            order=order,
            slot=Slot(start=busy_at + timedelta(hours=1), end=busy_at + timedelta(hours=3)),
            actor="bap:bap.example.test",
        )
    moved = services.order_reschedule(
        order=order,
        slot=Slot(start=busy_at + timedelta(hours=2), end=busy_at + timedelta(hours=4)),
        actor="bap:bap.example.test",
    )
    assert moved.survey_start == busy_at + timedelta(hours=2)  # right after the other job


@pytest.mark.django_db
def test_the_journey_cannot_run_ahead_of_its_appointments(client: Client) -> None:
    """The installation phase needs a booked installation, completion needs it started: the
    workspace disables the button with the reason and refuses the POST with it."""
    provider = installer()
    order = order_for(
        provider, status=InstallationStatus.IN_PROGRESS, phase=InstallationPhase.PREPARATION
    )
    Order.objects.filter(pk=order.pk).update(
        survey_start=timezone.now() - timedelta(days=2),
        survey_end=timezone.now() - timedelta(days=2) + timedelta(hours=2),
    )
    client.force_login(member(provider, Role.DISPATCHER))

    page = client.get(page_of(order)).content.decode()
    assert re.search(r'data-action="advance" disabled', page)
    assert "Book the installation first" in field(page, "reason")
    html = act(client, order, "phase")
    assert alert(html).startswith("Book the installation first")
    assert field(html, "phase") == "Preparation"

    Order.objects.filter(pk=order.pk).update(
        phase=InstallationPhase.COMMISSIONING, safety_status="VERIFIED"
    )
    page = client.get(page_of(order)).content.decode()
    assert re.search(r'data-action="complete" disabled', page)
    assert "No installation was booked" in page
    html = act(client, order, "complete")
    assert alert(html).startswith("No installation was booked")
    order.refresh_from_db()
    assert order.status == InstallationStatus.IN_PROGRESS
