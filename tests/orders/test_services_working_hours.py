"""Placing, booking and moving appointments keep to the installer's working hours, in its zone:
one refusal (policies.slot_problem), raised as UpdateNotPossible by every service."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from catalog.models import Provider
from orders import errors, services
from orders.models import Order
from orders.policies import Slot
from orders.selectors import offer_quote, provider_working_hours
from tests.catalog.factories import ItemFactory, ProviderFactory, ServiceLocationFactory
from tests.orders.factories import INSTALLER_ZONE, OrderFactory, working_day, working_slot

pytestmark = pytest.mark.django_db
ACTOR = "user:dispatcher"


def place(provider: Provider | None = None, **overrides: object) -> Order:
    item = ItemFactory(
        price_estimated_value=Decimal("12000"), **({"provider": provider} if provider else {})
    )
    quote = offer_quote(
        provider_external_id=item.provider.external_id, item_external_ids=[item.external_id]
    )
    return services.order_place(
        quote=quote,
        billing=services.Billing(name="Emily Tran", address="456 Glenview St"),
        customer=services.Customer(name="Emily Tran"),
        site_address="456 Glenview St",
        channel=Order.Channel.WEB,
        buyer_reference="user:1",
        actor="user:1",
        **overrides,
    )


def saturday_slot() -> Slot:
    day = working_day(2) + timedelta(days=1)
    while day.isoweekday() != 6:
        day += timedelta(days=1)
    start = datetime.combine(day, time(10), tzinfo=INSTALLER_ZONE)
    return Slot(start, start + timedelta(hours=2))


def test_an_installer_works_in_its_own_zone_or_its_first_places() -> None:
    located = ServiceLocationFactory().provider  # San Francisco
    assert provider_working_hours(located).zone.key == "America/Los_Angeles"
    located.time_zone = "America/New_York"
    assert provider_working_hours(located).zone.key == "America/New_York"
    with override_settings(TIME_ZONE="Europe/Amsterdam"):
        assert provider_working_hours(ProviderFactory()).zone.key == "Europe/Amsterdam"


def test_the_survey_booked_with_an_order_is_on_a_day_the_installer_works() -> None:
    provider = ProviderFactory(work_days="3", work_start=time(12), work_end=time(18))

    order = place(provider)

    start = order.survey_start.astimezone(INSTALLER_ZONE)
    assert start.isoweekday() == 3 and f"{start:%H:%M}" == "13:00"


def test_an_order_asking_for_a_survey_outside_the_hours_is_not_placed() -> None:
    with pytest.raises(errors.UpdateNotPossible, match="works Monday\u2013Friday, 08:00"):
        place(survey_slot=saturday_slot())
    assert not Order.objects.exists()


def test_the_installer_books_inside_its_hours_in_its_zone_wherever_the_site() -> None:
    """An installer working from New York, 08:00 to 17:00 there, for a site in Los Angeles."""
    provider = ProviderFactory(name="Sunpower", time_zone="America/New_York")
    order = OrderFactory(provider=provider, site_time_zone="America/Los_Angeles")
    afternoon = working_slot(5, at=time(15))  # 18:00 in New York

    with pytest.raises(errors.UpdateNotPossible) as refused:
        services.order_schedule(
            order=order, appointment="INSTALLATION", slot=afternoon, actor=ACTOR
        )

    assert str(refused.value).startswith(
        "Sunpower works Monday\u2013Friday, 08:00\u201317:00 E"  # EST or EDT
    )
    assert "18:00\u201320:00" in str(refused.value)
    order.refresh_from_db()
    assert order.installation_start is None

    morning = working_slot(5, at=time(8))  # 11:00 in New York
    order = services.order_schedule(
        order=order, appointment="INSTALLATION", slot=morning, actor=ACTOR
    )
    assert order.installation_start == morning.start
    new_york = order.installation_start.astimezone(ZoneInfo("America/New_York"))
    assert f"{new_york:%H:%M}" == "11:00"


def test_a_buyer_cannot_move_the_survey_to_a_day_off() -> None:
    order = OrderFactory()
    before = order.survey_start

    with pytest.raises(errors.UpdateNotPossible, match="is outside those hours"):
        services.order_reschedule(order=order, slot=saturday_slot(), actor="bap:bap.example")

    order.refresh_from_db()
    assert order.survey_start == before
