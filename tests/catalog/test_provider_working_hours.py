"""An installer's working hours: their defaults and checks, and the zone the migration gave the
installers that existed before them."""

import importlib
from datetime import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from catalog.models import Provider, ServiceLocation
from tests.catalog.factories import ProviderFactory, ServiceLocationFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("catalog.migrations.0011_provider_working_hours")


def test_an_installer_works_monday_to_friday_from_8_to_5_by_default() -> None:
    provider = ProviderFactory()
    assert (provider.work_days, provider.work_start, provider.work_end) == (
        "12345",
        time(8),
        time(17),
    )
    assert provider.time_zone == ""
    provider.full_clean()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"work_days": ""}, "work_days", "at least one work day"),
        ({"work_days": "1238"}, "work_days", "ISO weekday numbers"),
        ({"work_start": time(17), "work_end": time(17)}, "work_end", "end after it starts"),
        ({"work_start": time(18)}, "work_end", "end after it starts"),
        ({"time_zone": "Pacific Standard Time"}, "time_zone", "IANA time zone"),
    ],
)
def test_hours_that_make_no_working_day_are_refused(
    changes: dict, field: str, message: str
) -> None:
    provider = ProviderFactory.build(**changes)

    with pytest.raises(ValidationError) as refused:
        provider.full_clean()

    assert message in " ".join(refused.value.message_dict[field])


def test_the_migration_gives_each_installer_the_zone_of_its_first_place() -> None:
    san_francisco = ServiceLocationFactory(local_id="1").provider
    ServiceLocationFactory(provider=san_francisco, local_id="2", time_zone="America/New_York")
    found_from_coordinates = ServiceLocationFactory().provider
    ServiceLocation.objects.filter(provider=found_from_coordinates).update(time_zone="")
    own = ServiceLocationFactory(provider=ProviderFactory(time_zone="America/Chicago")).provider
    nowhere = ProviderFactory()

    migration.fill_provider_time_zones(apps, None)

    zones = dict(Provider.objects.values_list("pk", "time_zone"))
    assert zones[san_francisco.pk] == "America/Los_Angeles"
    assert zones[found_from_coordinates.pk] == "America/Los_Angeles"
    assert zones[own.pk] == "America/Chicago"  # set already: kept
    assert zones[nowhere.pk] == ""  # the site's default zone, until it gets a place
