"""Comparing two or three offers side by side (/compare/?offer=<pk>&offer=<pk>)."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Item, Provider

pytestmark = pytest.mark.django_db


def offer(external_id: str) -> Item:
    return Item.objects.get(external_id=external_id)


def compare(client: Client, *offers: object) -> object:
    return client.get(reverse("catalog:compare"), {"offer": [str(o) for o in offers]})


def text_of(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def row(response: object, label: str) -> list[str]:
    """The cells of the table row headed `label`, as text."""
    body = response.content.decode()  # type: ignore[attr-defined]
    estimate = r'(?: <span class="badge badge-estimate">Estimate</span>)?'
    match = re.search(
        rf'<tr><th scope="row">{re.escape(label)}{estimate}</th>(.*?)</tr>', body, re.S
    )
    assert match, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))).strip() for cell in cells
    ]


def test_two_offers_side_by_side(client: Client, demo_catalog: None) -> None:
    sunpower, golden_gate = offer("sp-resi-001"), offer("ggs-resi-001")

    response = compare(client, sunpower.pk, golden_gate.pk)

    assert response.status_code == 200
    headers = re.findall(r'<th scope="col">(.*?)</th>', response.content.decode(), re.S)
    assert len(headers) == 2
    assert "SunPower Installers" in headers[0] and "2kW Rooftop Solar Setup" in headers[0]
    assert "Golden Gate Solar Co." in headers[1]
    price = row(response, "Price estimate")
    assert price[0] == "$85,000.00"
    assert price[1] == "$28,500.00 Lowest price"
    assert row(response, "Price per watt") == ["$42.50", "$3.56"]
    assert row(response, "Size") == ["2 kW", "8 kW"]
    assert row(response, "Panels") == ["Maxeon 7 425 W", "REC Alpha Pure-R 410 W"]
    assert row(response, "Inverter") == [
        "Enphase IQ8HC microinverters",
        "Enphase IQ8M microinverters",
    ]
    assert row(response, "Battery") == ["None", "None"]
    assert row(response, "After the federal tax credit") == [
        "$59,500.00 (30% credit)",
        "$19,950.00 (30% credit)",
    ]
    production = row(response, "Production a year")
    assert all(re.fullmatch(r"about \d{1,2},\d{3} kWh", cell) for cell in production)
    assert all(cell.startswith("about $") for cell in row(response, "Bill savings a year"))
    assert all(cell.endswith(" years") for cell in row(response, "Pays for itself in"))
    assert "near San Francisco, CA, at $0.30 a kWh: Estimated with pvlib" in text_of(response)
    rating = row(response, "Rating")
    assert "★" in rating[0] and "4.6/5" in rating[0] and "Best rated" not in rating[0]
    assert "4.7/5 from 312 ratings Best rated" in rating[1]
    installers = row(response, "The installer")
    assert (
        "Licence CSLB 843621" in installers[0] and "Government-approved installer" in installers[0]
    )
    assert "NABCEP PV Installation Professional" in installers[1]
    documents = row(response, "Documents required")
    assert "Net metering form" in documents[0] and "Site photos" not in documents[0]
    assert "Site photos" in documents[1]
    assert row(response, "Financing") == ["Financial assistance available"] * 2
    assert row(response, "Warranty") == [
        "25 years on the equipment, 10 years on the work",
        "25 years on the equipment, 25 years on the work",
    ]
    assert row(response, "Service area") == [
        "San Francisco, CA",
        "San Francisco, CA; San Mateo, CA",
    ]
    # The same for every offer (orders.policies): one cell across the columns.
    [payment] = row(response, "Payment terms")
    assert "nothing is charged when you order" in payment
    [cancellation] = row(response, "Cancellation terms")
    assert "Free of charge until the installation itself begins" in cancellation
    assert 'colspan="2"' in response.content.decode()
    page = response.content.decode()
    for item in (sunpower, golden_gate):
        url = reverse("catalog:item", args=[item.provider.external_id, item.external_id])
        assert f'href="{url}"' in page


def test_each_offer_links_to_ordering_it(client: Client, demo_catalog: None) -> None:
    sunpower, battery = offer("sp-resi-001"), offer("ggs-bat-001")

    page = compare(client, sunpower.pk, battery.pk).content.decode()

    for item in (sunpower, battery):
        url = reverse("orders:order-new", kwargs={"item_id": item.pk})
        assert f'href="{url}"' in page
    assert page.count("Order this installation") == 2


def test_three_offers_and_repeated_ids_count_once(client: Client, demo_catalog: None) -> None:
    picked = [offer(i).pk for i in ("sp-resi-001", "ggs-resi-001", "mrs-resi-001")]

    response = compare(client, *picked, picked[0])

    assert [item.pk for item in response.context["offers"]] == picked
    assert len(row(response, "Size")) == 3


@pytest.mark.parametrize("count", [0, 1, 4])
def test_another_number_of_offers_gets_a_message_and_a_way_back(
    client: Client, demo_catalog: None, count: int
) -> None:
    picked = list(Item.objects.values_list("pk", flat=True)[:count])

    response = compare(client, *picked)

    assert response.status_code == 200
    text = text_of(response)
    assert "Pick 2 or 3 offers to compare them side by side." in text
    if count:
        assert f"You picked {count} offer" in text
    assert f'href="{reverse("catalog:discover")}"' in response.content.decode()
    assert "<table" not in response.content.decode()


def test_the_same_offer_twice_is_one_offer(client: Client, demo_catalog: None) -> None:
    sunpower = offer("sp-resi-001")

    response = compare(client, sunpower.pk, sunpower.pk)

    assert "You picked 1 offer." in text_of(response)


@pytest.mark.parametrize("bad", ["999999", "abc", "-3", "1e3", "99999999999999999999999"])
def test_an_unknown_offer_is_not_found(client: Client, demo_catalog: None, bad: str) -> None:
    response = compare(client, offer("sp-resi-001").pk, bad)

    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_an_inactive_offer_or_installer_is_not_found(client: Client, demo_catalog: None) -> None:
    sunpower, golden_gate, mission = (
        offer("sp-resi-001"),
        offer("ggs-resi-001"),
        offer("mrs-resi-001"),
    )
    Item.objects.filter(pk=golden_gate.pk).update(is_active=False)
    Provider.objects.filter(external_id="mission_rooftop_sf").update(is_active=False)

    assert compare(client, sunpower.pk, golden_gate.pk).status_code == 404
    assert compare(client, sunpower.pk, mission.pk).status_code == 404


def test_the_estimate_follows_the_homeowners_place_and_electricity_price(
    client: Client, demo_catalog: None
) -> None:
    picked = [offer("ggs-resi-001").pk, offer("bv-ev-001").pk]
    url = reverse("catalog:compare")

    first = client.get(url, {"offer": picked, "kwh_price": "0.20"})
    dearer = client.get(url, {"offer": picked, "kwh_price": "0.40"})
    phoenix = client.get(
        url,
        {"offer": picked, "kwh_price": "0.20", "lat": "33.45", "lng": "-112.07", "near": "Phoenix"},
    )
    junk = client.get(url, {"offer": picked, "kwh_price": "free", "lat": "999", "lng": "x"})

    def figures(response: object) -> tuple[int, int]:
        production = row(response, "Production a year")[0]
        savings = row(response, "Bill savings a year")[0]
        dollars = savings.split(".")[0]  # whole dollars: an estimate's cents are always .00
        return int(re.sub(r"\D", "", production)), int(re.sub(r"\D", "", dollars))

    kwh, savings = figures(first)
    assert figures(dearer) == (kwh, pytest.approx(2 * savings, abs=1))
    assert figures(phoenix)[0] > kwh
    assert "near Phoenix, at $0.20 a kWh" in text_of(phoenix)
    assert row(first, "Production a year")[1] == "Not applicable"  # an EV charger
    assert junk.status_code == 200 and "at $0.30 a kWh" in text_of(junk)
