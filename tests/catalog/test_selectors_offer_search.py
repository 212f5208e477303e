from decimal import Decimal

import pytest

from catalog.selectors import OfferQuery, offer_search, query_words
from tests.catalog.factories import ItemFactory, ProviderFactory, ServiceLocationFactory, category
from tests.catalog.test_selectors_offer_search_gps import distance_km

pytestmark = pytest.mark.django_db


def ids(query: OfferQuery) -> set[str]:
    return {item.external_id for p in offer_search(query) for item in p.matching_items}


def test_free_text_needs_every_meaningful_word_in_any_field() -> None:
    ItemFactory(external_id="solar", name="Rooftop Solar Setup")
    ItemFactory(
        external_id="battery", name="Home Battery", category=category("battery_system_installation")
    )

    assert ids(OfferQuery(text="Solar Installation Request")) == {"solar"}
    assert ids(OfferQuery(text="battery system")) == {"battery"}
    assert ids(OfferQuery(text="solar battery")) == set()
    assert query_words("The Solar, solar INSTALLATION request") == ["solar", "installation"]


def test_gps_finds_the_installers_whose_radius_covers_the_point() -> None:
    near = ServiceLocationFactory(
        latitude=Decimal("37.7749"), longitude=Decimal("-122.4194"), service_radius_km=Decimal("10")
    )
    ItemFactory(external_id="sf", provider=near.provider, locations=[near])
    far = ServiceLocationFactory(latitude=Decimal("34.0522"), longitude=Decimal("-118.2437"))
    ItemFactory(external_id="la", provider=far.provider, locations=[far])

    assert ids(OfferQuery(latitude=37.80, longitude=-122.42)) == {"sf"}
    assert ids(OfferQuery(latitude=37.95, longitude=-122.42)) == set()  # 19 km: outside 10 km
    assert 19 < distance_km(37.7749, -122.4194, 37.95, -122.42) < 20


def test_city_category_and_provider_criteria_combine() -> None:
    austin = ServiceLocationFactory(city_name="Austin", city_code="NANP:512")
    ItemFactory(external_id="atx-solar", provider=austin.provider, locations=[austin])
    ItemFactory(
        external_id="atx-ev",
        provider=austin.provider,
        locations=[austin],
        category=category("ev_charger_installation"),
    )
    ItemFactory(external_id="sf-solar")

    assert ids(OfferQuery(city_name="austin")) == {"atx-solar", "atx-ev"}
    assert ids(OfferQuery(city_code="NANP:512", category_code="ev_charger_installation")) == {
        "atx-ev"
    }
    assert ids(OfferQuery(category_id="1", provider_external_id=austin.provider.external_id)) == {
        "atx-solar"
    }
    assert ids(OfferQuery(category_id="solar")) == set()


def test_inactive_items_and_providers_are_never_offered() -> None:
    ItemFactory(external_id="retired", is_active=False)
    ItemFactory(external_id="closed", provider=ProviderFactory(is_active=False))
    ItemFactory(external_id="open")

    assert ids(OfferQuery()) == {"open"}


def test_an_item_in_several_matching_locations_is_offered_once() -> None:
    provider = ProviderFactory()
    first = ServiceLocationFactory(provider=provider, local_id="1")
    second = ServiceLocationFactory(provider=provider, local_id="2")
    ItemFactory(external_id="both", provider=provider, locations=[first, second])

    [found] = offer_search(OfferQuery(city_name="San Francisco"))
    assert [item.external_id for item in found.matching_items] == ["both"]
