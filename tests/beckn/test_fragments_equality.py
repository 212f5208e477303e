"""The on_search message from the stored fragments equals the one mapped from the catalog's
models (catalog_message(offer_search(...))), dict for dict and in the same order, whether the
fragments are rendered during the search or read back."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beckn.fragments import catalog_answer
from catalog.models import Item, Provider
from catalog.selectors import OfferQuery
from catalog.services import catalog_generate, provider_logo_set, provider_photo_add
from catalog.services.demo_pictures import demo_logo, demo_photos
from tests.beckn.fragments import assert_same_answer, valid_fragments
from tests.catalog.factories import (
    FulfillmentFactory,
    ItemFactory,
    ProviderFactory,
    ServiceLocationFactory,
    category,
)

DEMO_QUERIES = [
    OfferQuery(),
    OfferQuery(latitude=37.7749, longitude=-122.4194),
    OfferQuery(latitude=30.2672, longitude=-97.7431),
    OfferQuery(latitude=34.05, longitude=-118.25, category_code="ev_charger_installation"),
    OfferQuery(latitude=-33.9, longitude=151.2),
    OfferQuery(city_code="NANP:415"),
    OfferQuery(city_name="san francisco"),
    OfferQuery(city_name="Austin", text="battery"),
    OfferQuery(category_code="solar_panel_installation"),
    OfferQuery(category_id="1"),
    OfferQuery(category_id="x1"),
    OfferQuery(text="rooftop solar installation"),
    OfferQuery(text="charger"),
    OfferQuery(text="zzz nothing"),
    OfferQuery(provider_external_id="goldengate_solar_sf"),
    OfferQuery(provider_name="Golden Gate"),
    OfferQuery(item_external_id="bc-mtr-001"),
    OfferQuery(fulfillment_type="ONSITE", text="solar"),
    OfferQuery(
        latitude=37.7749,
        longitude=-122.4194,
        category_code="solar_panel_installation",
        text="solar",
    ),
]


@pytest.mark.parametrize("limit", [None, 100, 5, 2, 1])
def test_the_demo_catalogs_answers_are_the_models_cold_and_warm(
    demo_catalog: None, limit: int | None
) -> None:
    for query in DEMO_QUERIES:
        assert_same_answer(query, limit)  # rendered during the search (none stored yet)
    if limit is None or limit >= Item.objects.count():  # OfferQuery() listed every item
        assert valid_fragments() == (Item.objects.count(), Provider.objects.count())
    for query in DEMO_QUERIES:
        assert_same_answer(query, limit)  # read back


def test_a_search_with_every_fragment_stored_is_one_query(demo_catalog: None) -> None:
    query = OfferQuery(text="solar")
    first = assert_same_answer(query)
    with CaptureQueriesContext(connection) as queries:
        again = catalog_answer(query, limit=100)
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert again.message == first
    assert len(again.message["catalog"]["providers"]) > 2


def test_a_synthetic_catalogs_answers_are_the_models(db: None) -> None:
    catalog_generate(items=240, providers=12, seed=7)
    queries = [
        OfferQuery(),
        OfferQuery(text="solar"),
        OfferQuery(text="battery backup"),
        OfferQuery(category_code="ev_charger_installation"),
        OfferQuery(latitude=37.7749, longitude=-122.4194),
        OfferQuery(latitude=40.7128, longitude=-74.0060, text="installation"),
        OfferQuery(city_name="Chicago"),
        OfferQuery(provider_external_id=Provider.objects.order_by("pk").first().external_id),
        OfferQuery(item_external_id=Item.objects.order_by("pk").first().external_id),
    ]
    for limit in (100, 7, None):
        for query in queries:
            assert_same_answer(query, limit)
            assert_same_answer(query, limit)


def test_pictures_ratings_and_shared_locations_are_mapped_alike(db: None) -> None:
    """A provider without image URLs shows its logo and photos; ratings with and without a
    count; an item linked to another installer's location with the same local id; categories,
    locations and fulfillments shared by several items."""
    pictured = ProviderFactory(name="A Pictured", rating_value=Decimal("4.50"), rating_count=0)
    provider_logo_set(provider=pictured, data=demo_logo(name="A Pictured", seed=3))
    for position, photo in enumerate(demo_photos(seed=3, solar=True)[:2]):
        provider_photo_add(provider=pictured, data=photo, caption="Work", position=position)
    other = ProviderFactory(name="B Other", rating_value=Decimal("3.9"), rating_count=12)
    here = ServiceLocationFactory(provider=pictured, local_id="2", address="1 Main St")
    there = ServiceLocationFactory(provider=other, local_id="2", city_name="San Mateo")
    first = ServiceLocationFactory(provider=pictured, local_id="1", latitude=None, longitude=None)
    visit = FulfillmentFactory(provider=pictured, local_id="9")
    ItemFactory(provider=pictured, locations=[here, there], fulfillments=[visit])
    ItemFactory(
        provider=pictured,
        locations=[first, here],
        category=category("battery_system_installation"),
        short_desc="Backup",
        long_desc="A long one",
        system_capacity="10kWh",
        empaneled=True,
    )
    ItemFactory(provider=other, name="Solar for flats")
    for query in (OfferQuery(), OfferQuery(text="solar"), OfferQuery(city_name="San Mateo")):
        for limit in (None, 1, 2):
            message = assert_same_answer(query, limit)
            assert_same_answer(query, limit)
    providers = message["catalog"]["providers"]
    assert providers[0]["descriptor"]["images"][0]["url"].endswith(".png")


QUERY_PARTS = st.fixed_dictionaries(
    {},
    optional={
        "text": st.sampled_from(
            ["solar", "rooftop", "battery", "charger", "smart meter", "kw", "home", "x", ""]
        ),
        "provider_external_id": st.sampled_from(["sunpower_sf", "bayvolt_oak", "nobody"]),
        "provider_name": st.sampled_from(["Solar", "BayVolt", "Energy"]),
        "category_code": st.sampled_from(
            ["solar_panel_installation", "battery_system_installation", "meter_installation"]
        ),
        "category_id": st.sampled_from(["1", "2", "3", "4", "5", "99", "a"]),
        "item_external_id": st.sampled_from(["ggs-resi-001", "bv-ev-002", "none"]),
        "fulfillment_type": st.sampled_from(["ONSITE", "REMOTE"]),
        "city_code": st.sampled_from(["NANP:415", "NANP:512", "NANP:999"]),
        "city_name": st.sampled_from(["San Francisco", "austin", "Pasadena"]),
        "point": st.tuples(
            st.floats(min_value=25, max_value=45), st.floats(min_value=-125, max_value=-90)
        ),
    },
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(parts=QUERY_PARTS, limit=st.sampled_from([None, 1, 3, 100]))
def test_any_query_answers_as_the_models(demo_catalog: None, parts: dict, limit: int) -> None:
    point = parts.pop("point", None)
    if point is not None:
        parts["latitude"], parts["longitude"] = point
    assert_same_answer(OfferQuery(**parts), limit)
