"""GPS search: the radius of each service location decides, computed in SQL on every database."""

import math
from decimal import Decimal

import pytest

from catalog.selectors import (
    EARTH_RADIUS_KM,
    OfferQuery,
    offer_search,
    service_locations_near,
)
from tests.catalog.factories import ItemFactory, ProviderFactory, ServiceLocationFactory

pytestmark = pytest.mark.django_db

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance between two points, in Python: the yardstick the SQL
    distance (catalog.selectors.distance_km_expression) is checked against."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def ids(**criteria: object) -> set[str]:
    query = OfferQuery(**criteria)
    return {item.external_id for p in offer_search(query) for item in p.matching_items}


def located_item(external_id: str, lat: str, lng: str, radius: str, **location: object) -> None:
    place = ServiceLocationFactory(
        latitude=Decimal(lat), longitude=Decimal(lng), service_radius_km=Decimal(radius), **location
    )
    ItemFactory(external_id=external_id, provider=place.provider, locations=[place])


@pytest.mark.parametrize(
    "km_north, found",
    [(0, True), (9.9, True), (10.1, False), (-9.9, True), (-10.1, False)],
)
def test_the_radius_is_the_boundary(km_north: float, found: bool) -> None:
    located_item("ten-km", "10.000000", "20.000000", "10")
    latitude = 10 + km_north / KM_PER_DEGREE

    assert abs(distance_km(10, 20, latitude, 20) - abs(km_north)) < 0.001
    assert ids(latitude=latitude, longitude=20.0) == ({"ten-km"} if found else set())


@pytest.mark.parametrize(
    "km_east, found", [(9.9, True), (10.1, False), (-9.9, True), (-10.1, False)]
)
def test_the_radius_holds_east_and_west_far_from_the_equator(km_east: float, found: bool) -> None:
    # At 60 degrees north a degree of longitude is half as long as at the equator.
    located_item("north", "60.000000", "10.000000", "10")
    longitude = 10 + km_east / (KM_PER_DEGREE * math.cos(math.radians(60)))

    assert abs(distance_km(60, 10, 60, longitude) - abs(km_east)) < 0.01
    assert ids(latitude=60.0, longitude=longitude) == ({"north"} if found else set())


def test_a_zero_radius_serves_only_its_own_point() -> None:
    located_item("spot", "48.856600", "2.352200", "0")

    assert ids(latitude=48.8566, longitude=2.3522) == {"spot"}
    assert ids(latitude=48.8576, longitude=2.3522) == set()  # 110 m away


def test_each_location_has_its_own_radius() -> None:
    located_item("wide", "-33.868800", "151.209300", "400")  # Sydney, 400 km
    located_item("narrow", "-33.868800", "151.209300", "20", local_id="2")
    canberra = (-35.2809, 149.1300)  # ~250 km south-west

    assert 240 < distance_km(-33.8688, 151.2093, *canberra) < 260
    assert ids(latitude=canberra[0], longitude=canberra[1]) == {"wide"}
    assert ids(latitude=-33.87, longitude=151.21) == {"wide", "narrow"}


def test_locations_without_coordinates_are_never_near() -> None:
    located_item("no-gps", "0", "0", "50")
    place = ServiceLocationFactory(latitude=None, longitude=None, city_name="Nowhere")
    ItemFactory(external_id="city-only", provider=place.provider, locations=[place])

    assert ids(latitude=0.0, longitude=0.0) == {"no-gps"}
    assert ids(city_name="nowhere") == {"city-only"}


def test_an_item_near_through_two_locations_is_offered_once() -> None:
    provider = ProviderFactory()
    first = ServiceLocationFactory(provider=provider, local_id="1")
    second = ServiceLocationFactory(
        provider=provider, local_id="2", latitude=Decimal("37.80"), longitude=Decimal("-122.27")
    )
    ItemFactory(external_id="both", provider=provider, locations=[first, second])
    ItemFactory(external_id="retired", provider=provider, locations=[first], is_active=False)

    [found] = offer_search(OfferQuery(latitude=37.78, longitude=-122.35))
    assert [item.external_id for item in found.matching_items] == ["both"]


def test_service_locations_near_is_one_query(django_assert_num_queries) -> None:
    located_item("a", "37.774900", "-122.419400", "50")
    located_item("b", "34.052200", "-118.243700", "50")

    with django_assert_num_queries(1):
        near = list(service_locations_near(latitude=37.78, longitude=-122.41))

    assert [location.city_name for location in near] == ["San Francisco"]
