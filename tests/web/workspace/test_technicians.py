"""The installer's technicians over HTTP: created and edited by a dispatcher, their
certifications flagged when expired or expiring within 30 days, and their calendar showing one
week's site surveys and installations at a time."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Provider, ProviderMember
from catalog.taxonomy import InstallationStatus, TechnicianType
from orders.models import Technician, TechnicianCertification
from orders.selectors import CertificationStatus, technician_certifications
from tests.catalog.factories import ProviderFactory, client_of, member
from tests.orders.factories import OrderFactory, TechnicianFactory

pytestmark = pytest.mark.django_db
Role = ProviderMember.Role
MONDAY = date(2030, 3, 4)


@pytest.fixture
def provider() -> Provider:
    return ProviderFactory(name="Helios Solar")


@pytest.fixture
def dispatcher(provider: Provider) -> Client:
    return client_of(member(provider, Role.DISPATCHER).user)


@pytest.fixture
def tom(provider: Provider) -> Technician:
    return TechnicianFactory(provider=provider, name="Tom Field")


def page_of(client: Client, technician: Technician, **params: str) -> str:
    url = reverse("workspace:technician", kwargs={"technician_id": technician.pk})
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_dispatcher_adds_and_edits_a_technician(dispatcher: Client, provider: Provider) -> None:
    data = {
        "name": "Ana Volt",
        "phone": "+1 415 555 0199",
        "email": "ana@example.com",
        "technician_type": TechnicianType.ELECTRICIAN,
        "is_active": "on",
    }
    response = dispatcher.post(reverse("workspace:technician-new"), data)

    assert response.status_code == 302
    ana = Technician.objects.get(provider=provider, name="Ana Volt")
    assert response.url == reverse("workspace:technician", kwargs={"technician_id": ana.pk})
    assert (ana.phone, ana.technician_type, ana.is_active) == (
        "+1 415 555 0199",
        TechnicianType.ELECTRICIAN,
        True,
    )

    edit = reverse("workspace:technician-edit", kwargs={"technician_id": ana.pk})
    data["technician_type"] = TechnicianType.EV_SPECIALIST
    response = dispatcher.post(edit, data)
    assert response.status_code == 302
    response = dispatcher.post(edit, {**data, "is_active": ""})
    ana.refresh_from_db()
    assert (ana.technician_type, ana.is_active) == (TechnicianType.EV_SPECIALIST, False)

    listed = dispatcher.get(reverse("workspace:technicians")).content.decode()
    assert "Ana Volt" in listed and "Inactive" in listed


def test_the_technician_form_shows_what_is_wrong(dispatcher: Client) -> None:
    response = dispatcher.post(
        reverse("workspace:technician-new"),
        {"name": "", "phone": "call me", "technician_type": "ASTRONAUT"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a phone number, e.g. +1 415 555 0100." in html
    assert "Select a valid choice." in html
    assert not Technician.objects.exists()


def test_certifications_are_flagged_when_expired_or_expiring_within_30_days(
    dispatcher: Client, provider: Provider, tom: Technician
) -> None:
    today = timezone.localdate()
    for name, days in [
        ("Expired yesterday", -1),
        ("Expires today", 0),
        ("Expires in 30 days", 30),
        ("Valid 31 more days", 31),
    ]:
        TechnicianCertification.objects.create(
            technician=tom, name=name, valid_until=today + timedelta(days=days)
        )
    TechnicianCertification.objects.create(
        technician=TechnicianFactory(provider=provider),
        name="Someone else's",
        valid_until=today - timedelta(days=5),
    )

    statuses = {c.name: c.status for c in technician_certifications(technician=tom, today=today)}
    assert statuses == {
        "Expired yesterday": CertificationStatus.EXPIRED,
        "Expires today": CertificationStatus.EXPIRING,
        "Expires in 30 days": CertificationStatus.EXPIRING,
        "Valid 31 more days": CertificationStatus.VALID,
    }
    html = page_of(dispatcher, tom)
    assert html.count('class="certification certification-expired"') == 1
    assert html.count('class="certification certification-expiring"') == 2
    assert html.count('class="certification certification-valid"') == 1
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html

    listed = dispatcher.get(reverse("workspace:technicians")).content.decode()
    row = listed[listed.index(f'id="technician-{tom.pk}"') :].split("</tr>")[0]
    assert "1 expired" in row
    assert "2 expiring within 30 days" in row


def test_dispatcher_adds_and_removes_certifications_with_htmx(
    dispatcher: Client, tom: Technician
) -> None:
    url = reverse("workspace:certification-new", kwargs={"technician_id": tom.pk})
    htmx = {"HX-Request": "true", "HX-Target": "certifications"}
    soon = timezone.localdate() + timedelta(days=12)

    response = dispatcher.post(
        url,
        {"name": "C-10 Electrical", "issuer": "CSLB", "number": "998877", "valid_until": soon},
        headers=htmx,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="certifications"')
    assert "C-10 Electrical" in html and "Expires soon" in html
    certification = TechnicianCertification.objects.get(technician=tom)
    assert (certification.issuer, certification.number, certification.valid_until) == (
        "CSLB",
        "998877",
        soon,
    )

    invalid = dispatcher.post(url, {"name": "", "valid_until": "someday"}, headers=htmx)
    assert invalid.status_code == 200  # htmx swaps the form back in, with its errors
    assert "Enter a valid date." in invalid.content.decode()
    assert TechnicianCertification.objects.count() == 1

    remove = reverse(
        "workspace:certification-remove",
        kwargs={"technician_id": tom.pk, "certification_id": certification.pk},
    )
    assert dispatcher.get(remove).status_code == 405
    response = dispatcher.post(remove, headers=htmx)
    assert response.status_code == 200
    assert "No certification recorded." in response.content.decode()
    assert not TechnicianCertification.objects.exists()


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_the_calendar_shows_the_assignments_of_the_chosen_week_only(
    dispatcher: Client, provider: Provider, tom: Technician
) -> None:
    wednesday, next_tuesday = MONDAY + timedelta(days=2), MONDAY + timedelta(days=8)
    survey = OrderFactory(
        provider=provider,
        technician=tom,
        customer_name="Emily Tran",
        survey_start=at(wednesday, 10),
        survey_end=at(wednesday, 12),
    )
    installation = OrderFactory(
        provider=provider,
        technician=tom,
        customer_name="Raj Patel",
        status=InstallationStatus.IN_PROGRESS,
        survey_start=at(MONDAY - timedelta(days=10), 10),
        survey_end=at(MONDAY - timedelta(days=10), 12),
        installation_start=at(MONDAY + timedelta(days=4), 8),
        installation_end=at(MONDAY + timedelta(days=4), 16),
    )
    later = OrderFactory(
        provider=provider,
        technician=tom,
        customer_name="Next Week",
        survey_start=at(next_tuesday, 10),
        survey_end=at(next_tuesday, 12),
    )
    OrderFactory(
        provider=provider,
        technician=tom,
        customer_name="Cancelled Customer",
        status=InstallationStatus.CANCELLED,
        survey_start=at(wednesday, 14),
        survey_end=at(wednesday, 16),
    )
    OrderFactory(
        provider=provider,
        technician=TechnicianFactory(provider=provider),
        customer_name="Colleague Customer",
        survey_start=at(wednesday, 8),
        survey_end=at(wednesday, 9),
    )

    html = page_of(dispatcher, tom, week=str(wednesday))  # any day names its week

    assert "Week of 4 Mar \u2013 10 Mar 2030" in html
    assert "2 appointments this week." in html
    assert survey.installation_request_id in html and "Emily Tran" in html
    assert installation.installation_request_id in html and "Raj Patel" in html
    assert html.index("Emily Tran") < html.index("Raj Patel")  # Wednesday, then Friday
    for absent in ("Next Week", "Cancelled Customer", "Colleague Customer"):
        assert absent not in html
    wednesday_cell = html[html.index('datetime="2030-03-06"') :].split("</li>\n    \n")[0]
    assert "Site survey" in wednesday_cell and "10:00" in wednesday_cell

    # The next week, as htmx asks for it: the calendar alone.
    url = reverse("workspace:technician", kwargs={"technician_id": tom.pk})
    response = dispatcher.get(
        url,
        {"week": str(MONDAY + timedelta(days=7))},
        headers={"HX-Request": "true", "HX-Target": "calendar"},
    )
    partial = response.content.decode()
    assert partial.startswith('<section id="calendar"')
    assert "<html" not in partial
    assert later.installation_request_id in partial and "1 appointment this week." in partial
    assert "Emily Tran" not in partial and "Raj Patel" not in partial
    assert f'href="{url}?week=2030-03-04"' in partial  # back to the week before
    assert f'href="{url}?week=2030-03-18"' in partial


def test_the_calendar_starts_this_week_and_ignores_a_bad_week(
    dispatcher: Client, tom: Technician
) -> None:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for params in ({}, {"week": "not-a-date"}):
        assert f"Week of {monday:%-d %b}" in page_of(dispatcher, tom, **params)


def test_technicians_pages_are_the_dispatchers_and_owners(
    provider: Provider, tom: Technician
) -> None:
    technician = client_of(member(provider, Role.TECHNICIAN).user)
    owner = client_of(member(provider).user)
    detail = reverse("workspace:technician", kwargs={"technician_id": tom.pk})
    for url in (reverse("workspace:technicians"), detail):
        assert technician.get(url).status_code == 403
        assert owner.get(url).status_code == 200


def test_another_installers_technicians_answer_404(
    dispatcher: Client, provider: Provider, tom: Technician
) -> None:
    theirs = TechnicianFactory(provider=ProviderFactory(), name="Their Tech")
    their_certification = TechnicianCertification.objects.create(
        technician=theirs, name="Theirs", valid_until=date(2031, 1, 1)
    )
    colleague_certification = TechnicianCertification.objects.create(
        technician=TechnicianFactory(provider=provider), name="Colleague's", valid_until=MONDAY
    )
    urls = [
        reverse("workspace:technician", kwargs={"technician_id": theirs.pk}),
        reverse("workspace:technician-edit", kwargs={"technician_id": theirs.pk}),
        reverse("workspace:certification-new", kwargs={"technician_id": theirs.pk}),
        reverse(
            "workspace:certification-remove",
            kwargs={"technician_id": theirs.pk, "certification_id": their_certification.pk},
        ),
        # Someone else's certification under one's own technician: not found either.
        reverse(
            "workspace:certification-remove",
            kwargs={"technician_id": tom.pk, "certification_id": colleague_certification.pk},
        ),
    ]
    for url in urls:
        assert dispatcher.get(url).status_code == 404, url
        data = {"name": "Taken", "phone": "+14155550100", "valid_until": "2031-01-01"}
        assert dispatcher.post(url, data).status_code == 404, url
    assert TechnicianCertification.objects.count() == 2
    theirs.refresh_from_db()
    assert theirs.name == "Their Tech"
    assert "Their Tech" not in dispatcher.get(reverse("workspace:technicians")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_moves_through_the_weeks_and_adds_a_certification_in_the_browser(
    page: Any, sign_in: Any, screenshot: Any
) -> None:
    provider = ProviderFactory(name="Helios Solar")
    tom = TechnicianFactory(provider=provider, name="Tom Field")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    next_wednesday = monday + timedelta(days=9)
    OrderFactory(
        provider=provider,
        technician=tom,
        customer_name="Emily Tran",
        survey_start=at(next_wednesday, 10),
        survey_end=at(next_wednesday, 12),
    )
    sign_in(member(provider, Role.DISPATCHER).user)
    url = reverse("workspace:technician", kwargs={"technician_id": tom.pk})

    page.goto(url)
    page.get_by_text("0 appointments this week.").wait_for()
    page.get_by_role("link", name="Next week").click()
    page.get_by_text("1 appointment this week.").wait_for()
    assert "Emily Tran" in page.text_content("#calendar")
    assert page.url.endswith(f"?week={monday + timedelta(days=7):%Y-%m-%d}")  # pushed
    assert page.locator("h1").text_content() == "Tom Field"  # the page stayed, htmx swapped

    page.get_by_text("Add a certification").click()
    page.get_by_label("Name").fill("NABCEP PV Installer")
    page.get_by_label("Valid until").fill(f"{timezone.localdate() + timedelta(days=10):%Y-%m-%d}")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".certification-expiring").wait_for()
    assert "NABCEP PV Installer" in page.text_content("#certifications")
    assert TechnicianCertification.objects.filter(technician=tom).count() == 1
    screenshot("technician")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("technician-phone")
