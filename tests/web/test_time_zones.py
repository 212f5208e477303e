"""Appointments are kept in UTC and shown in the site's own zone, with its abbreviation, on the
homeowner's tracking page and on the installer's order page and board alike."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from catalog import zones
from orders import services
from tests.catalog.factories import ServiceLocationFactory
from tests.orders.factories import appointments_passed
from tests.web.workspace.helpers import Role, installer, member, order_for

pytestmark = pytest.mark.django_db

# The same instant, 18:00 UTC on a December Monday: 10:00 in San Francisco, 13:00 in New York.
SURVEY = datetime(2031, 12, 8, 18, 0, tzinfo=UTC)


def test_a_service_location_finds_its_zone_from_its_coordinates() -> None:
    new_york = ServiceLocationFactory(latitude="40.712800", longitude="-74.006000")
    assert new_york.time_zone == "America/New_York"
    assert zones.zone_at(latitude=None, longitude=None) == ""


@pytest.mark.parametrize(
    "site_time_zone, shown",
    [
        ("America/Los_Angeles", "Mon 8 Dec 2031, 10:00\u201312:00 PST"),
        ("America/New_York", "Mon 8 Dec 2031, 13:00\u201315:00 EST"),
    ],
)
def test_an_appointment_is_shown_in_the_sites_zone_on_both_sides(
    client: Client, site_time_zone: str, shown: str
) -> None:
    provider = installer()
    order = order_for(provider, survey_start=SURVEY, site_time_zone=site_time_zone)

    tracking = client.get(f"/track/{order.tracking_token}").content.decode()
    assert f'data-field="survey">{shown}<' in tracking

    client.force_login(member(provider, Role.DISPATCHER))
    page = client.get(f"/installer/orders/{order.pk}/").content.decode()
    assert f'data-field="survey">{shown}<' in page
    board = client.get("/installer/").content.decode()
    assert shown.split("\u2013")[0] + " " + shown.rsplit(" ", 1)[1] in board


def test_the_tracking_page_speaks_words_and_money_not_codes(client: Client) -> None:
    provider = installer()
    order = appointments_passed(order_for(provider, site_time_zone="America/Los_Angeles"))
    services.order_phase_advance(order=order, actor="installer:test")

    page = client.get(f"/track/{order.tracking_token}").content.decode()

    assert 'data-field="total">$85,000.00<' in page
    assert "Installation status: In progress" in page
    assert "Installation phase: Site survey" in page
    for code in ("IN_PROGRESS", "SITE_SURVEY", "85000.00"):
        assert code not in page
