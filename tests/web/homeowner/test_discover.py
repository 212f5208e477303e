"""The homeowner's discover page (/): where, what and free text, resolved against the catalog's
own places, filtered and sorted, as cards to compare; its form errors; its query count."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import DocumentType, Item, Provider
from catalog.selectors import OfferQuery, discover_offers, offer_search, place_lookup
from tests.catalog.factories import ItemFactory, ProviderFactory, ServiceLocationFactory
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = pytest.mark.django_db

SF_SOLAR = {"where": "San Francisco", "type": "SOLAR_PANEL"}


def discover(client: Client, **params: str) -> tuple[list[Item], str]:
    response = client.get(reverse("catalog:discover"), params)
    assert response.status_code == 200
    page = response.context["page"]
    return (list(page.object_list) if page else []), response.content.decode()


def card(page: str, provider_name: str, item_name: str) -> str:
    """The visible text of the offer card of `item_name` by `provider_name`."""
    for chunk in page.split('<article class="offer-card"')[1:]:
        body = chunk.split("</article>")[0]
        text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
        if provider_name in text and item_name in text:
            return text
    raise AssertionError(f"No card of {item_name} by {provider_name}")


def ids(items: list[Item]) -> list[str]:
    return [item.external_id for item in items]


def test_solar_in_san_francisco_lists_sunpowers_2kw_offer_as_a_card(
    client: Client, demo_catalog: None
) -> None:
    items, page = discover(client, **SF_SOLAR)

    sunpower = Item.objects.get(external_id="sp-resi-001")
    assert sunpower in items
    text = card(page, "SunPower Installers", "2kW Rooftop Solar Setup")
    for shown in (
        "4.6/5",
        "no written reviews yet",
        "Government-approved for this installation",
        "Government-approved installer",
        "Financing available",
        "Price estimate $85,000.00 · $42.50 per watt",
        "Size 2 kW",
        "Panels Maxeon 7 425 W",
        "Inverter Enphase IQ8HC microinverters",
        "Warranty 25 years on the equipment, 10 years on the work",
        "Licence CSLB 843621",
        "NABCEP PV Installation Professional",
        "years in business",
        "ID proof, Ownership certificate, Electricity bill, Net metering form, Wiring diagram",
        "Service area San Francisco, CA",
        "mi away",
    ):
        assert shown in text, shown
    item_url = reverse("catalog:item", args=["sunpower_sf", "sp-resi-001"])
    # The offer's link carries the place searched, for its savings estimate.
    assert f'href="{item_url}?lat=37.' in page
    assert f'name="offer" value="{sunpower.pk}"' in page
    assert 'action="/compare/"' in page and "Compare selected" in page
    assert "6 offers near San Francisco, CA" in page
    # Solar only, and only installers whose service radius reaches San Francisco (San Jose's
    # 80 km does; Los Angeles and Austin do not).
    assert {item.category.code for item in items} == {"solar_panel_installation"}
    assert {item.provider.external_id for item in items} == {
        "sunpower_sf",
        "goldengate_solar_sf",
        "mission_rooftop_sf",
        "siliconsun_sj",
    }


def test_the_page_lists_what_the_network_search_finds(client: Client, demo_catalog: None) -> None:
    place = place_lookup("San Francisco")
    assert place is not None and place.has_point
    network = offer_search(
        place.offer_query(category_code="solar_panel_installation", text="rooftop")
    )

    items, _ = discover(client, **SF_SOLAR, q="rooftop")

    found = {item.external_id for provider in network for item in provider.matching_items}
    assert set(ids(items)) == found
    assert {"sp-resi-001", "ggs-resi-001", "ggs-comm-001", "mrs-resi-001"} <= found


def test_an_empty_form_lists_every_active_offer_and_no_inactive_one(
    client: Client, demo_catalog: None
) -> None:
    Item.objects.filter(external_id="bv-ev-001").update(is_active=False)
    Provider.objects.filter(external_id="lonestar_grid_atx").update(is_active=False)

    items, page = discover(client)

    assert len(items) == Item.objects.filter(is_active=True, provider__is_active=True).count()
    assert "bv-ev-001" not in ids(items)
    assert not {"lsg-mtr-001", "lsg-bat-001"} & set(ids(items))
    assert "We don't know" not in html.unescape(page)
    assert all(item.distance_km is None for item in items)


@pytest.mark.parametrize(
    "where",
    ["san francisco", "  SAN   FRANCISCO ", "San Francisco, CA", "94103", "1414 Harbour Way S"],
)
def test_a_city_postcode_or_address_is_found_in_the_catalog(
    client: Client, demo_catalog: None, where: str
) -> None:
    items, page = discover(client, where=where, type="SOLAR_PANEL")

    assert "sp-resi-001" in ids(items)
    assert "hcs-resi-001" not in ids(items)  # Austin
    assert "San Francisco, CA" in page


def test_an_unknown_place_is_a_form_error_not_an_empty_list(
    client: Client, demo_catalog: None
) -> None:
    response = client.get(reverse("catalog:discover"), {"where": "Atlantis", "type": "EV_CHARGER"})

    assert response.status_code == 200
    assert response.context["page"] is None
    [error] = response.context["form"].errors["where"]
    assert error.startswith("We don't know that place yet.")
    assert "San Francisco" in error  # an example of a place we know
    page = html.unescape(response.content.decode())
    assert error in page
    assert 'class="offer-card"' not in page
    assert 'value="Atlantis"' in page  # the answer stays in the form
    assert '<option value="EV_CHARGER" selected>' in page


def test_a_whole_state_asks_for_a_city_in_it(client: Client, demo_catalog: None) -> None:
    response = client.get(reverse("catalog:discover"), {"where": "tx"})

    [error] = response.context["form"].errors["where"]
    assert "whole region" in error
    assert "Austin" in error and "San Francisco" not in error


def test_the_browsers_location_searches_around_it(client: Client, demo_catalog: None) -> None:
    # Downtown Austin, as "Use my location" would send it.
    items, page = discover(client, lat="30.2672", lng="-97.7431", sort="distance")

    assert set(ids(items)) == {
        "lsg-mtr-001",
        "lsg-bat-001",
        "hcs-resi-001",
        "hcs-comm-001",
    }
    assert "near your location" in page
    distances = [item.distance_km for item in items]
    assert distances == sorted(distances)
    # A typed place wins over the browser's location.
    items, _ = discover(client, where="Oakland", lat="30.2672", lng="-97.7431")
    assert "bv-ev-001" in ids(items) and "hcs-resi-001" not in ids(items)


@pytest.mark.parametrize(
    "params",
    [{"lat": "abc", "lng": "-97.7"}, {"lat": "30.2"}, {"lat": "91", "lng": "0"}],
)
def test_a_broken_location_is_a_form_error(
    client: Client, demo_catalog: None, params: dict[str, str]
) -> None:
    response = client.get(reverse("catalog:discover"), params)

    assert response.context["page"] is None
    [error] = response.context["form"].non_field_errors()
    assert "Use my location" in error
    assert error in html.unescape(response.content.decode())


def test_sorting_by_distance_needs_a_place(client: Client, demo_catalog: None) -> None:
    response = client.get(reverse("catalog:discover"), {"sort": "distance"})

    assert response.context["page"] is None
    assert "needs a place on the map" in response.context["form"].errors["sort"][0]


def test_sorts_change_the_order(client: Client, demo_catalog: None) -> None:
    by_price, _ = discover(client, **SF_SOLAR, sort="price")
    by_rating, _ = discover(client, **SF_SOLAR, sort="rating")
    by_distance, _ = discover(client, **SF_SOLAR, sort="distance")

    assert ids(by_price) == [
        "mrs-resi-001",  # 21,500
        "ggs-resi-001",  # 28,500
        "ssj-resi-001",  # 34,000
        "sp-resi-001",  # 85,000
        "ssj-comm-001",  # 245,000
        "ggs-comm-001",  # 385,000
    ]
    # Golden Gate 4.7, SunPower 4.6, SiliconSun 4.5, Mission 4.4; cheaper first within one.
    assert ids(by_rating) == [
        "ggs-resi-001",
        "ggs-comm-001",
        "sp-resi-001",
        "ssj-resi-001",
        "ssj-comm-001",
        "mrs-resi-001",
    ]
    distances = [item.distance_km for item in by_distance]
    assert distances == sorted(distances)
    assert ids(by_distance)[-2:] == ["ssj-resi-001", "ssj-comm-001"]  # San Jose, ~60 km


def test_best_match_puts_offers_named_for_the_words_first(
    client: Client, demo_catalog: None
) -> None:
    # Golden Gate's battery matches "solar" by the installer's name only: it comes after every
    # offer with "solar" in its own name, although Golden Gate is the best rated.
    items, _ = discover(client, where="San Francisco", q="solar")

    assert ids(items)[-1] == "ggs-bat-001"
    assert all("solar" in item.name.lower() for item in items[:-1])
    assert ids(items)[:2] == ["ggs-resi-001", "ggs-comm-001"]  # then by rating, price


def test_filters_keep_empaneled_and_financed_offers(client: Client, demo_catalog: None) -> None:
    everything, _ = discover(client, **SF_SOLAR)
    empaneled, page = discover(client, **SF_SOLAR, empaneled="on")
    financed, _ = discover(client, **SF_SOLAR, financing="on")

    assert "mrs-resi-001" in ids(everything) and "ssj-comm-001" in ids(everything)
    assert "mrs-resi-001" not in ids(empaneled)  # Mission Rooftop is not empaneled
    assert all(item.empaneled for item in empaneled)
    assert 'name="empaneled" id="id_empaneled" checked' in page
    assert "ssj-comm-001" not in ids(financed)  # the carport has no financial assistance
    assert all(item.financial_assistance for item in financed)


def test_nothing_found_says_so_with_what_to_try(client: Client, demo_catalog: None) -> None:
    items, page = discover(client, where="Austin", type="EV_CHARGER")

    assert items == []
    assert "0 offers near Austin, TX" in page
    assert "Try another installation type" in page


def test_a_card_counts_the_installers_written_reviews(client: Client) -> None:
    provider = ProviderFactory(name="Review Solar", rating_value=Decimal("4.2"), rating_count=9)
    item = ItemFactory(provider=provider, name="Rooftop kit")
    for comment in ("Tidy work.", "", "On time."):
        rate(CompletedOrderFactory(provider=provider, items=[item]), 4, comment=comment)

    _, page = discover(client)

    text = card(page, "Review Solar", "Rooftop kit")
    assert "2 written reviews" in text
    assert re.search(r"4\.\d+/5 from 1[12] ratings", text)


def test_the_query_count_stays_the_same_as_offers_grow(
    client: Client, django_assert_num_queries: object
) -> None:
    documents = list(DocumentType.objects.all()[:3])

    def add_offers(count: int) -> None:
        for _ in range(count):
            provider = ProviderFactory(rating_value=Decimal("4.5"), rating_count=3)
            location = ServiceLocationFactory(provider=provider)
            second = ServiceLocationFactory(provider=provider, local_id="2", city_name="Oakland")
            item = ItemFactory(provider=provider, locations=[location, second])
            item.required_documents.set(documents)
            rate(CompletedOrderFactory(provider=provider, items=[item]), 5, comment="Great.")

    params = {"where": "San Francisco", "q": "rooftop", "sort": "distance", "empaneled": ""}
    add_offers(2)
    with CaptureQueriesContext(connection) as few:
        items, _ = discover(client, **params)
    assert len(items) == 2

    add_offers(12)
    with django_assert_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        items, _ = discover(client, **params)
    assert len(items) == 14


def test_results_come_in_pages(client: Client) -> None:
    for _ in range(23):
        ItemFactory()

    first, page = discover(client)
    second, _ = discover(client, page="2")

    assert len(first) == 20 and len(second) == 3
    assert not set(ids(first)) & set(ids(second))
    assert "23 offers" in page and "Page 1 of 2" in page and "?page=2" in page


def test_discover_offers_builds_on_the_network_searchs_criteria() -> None:
    provider = ProviderFactory()
    solar = ItemFactory(provider=provider, name="Solar roof")
    ItemFactory(provider=provider, name="Other roof", is_active=False)

    assert list(discover_offers(OfferQuery(text="solar"))) == [solar]
    assert list(discover_offers(OfferQuery(provider_external_id="nobody"))) == []
