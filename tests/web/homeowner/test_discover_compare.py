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
    match = re.search(rf'<tr><th scope="row">{re.escape(label)}</th>(.*?)</tr>', body, re.S)
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
    assert price[0] == "85,000 USD"
    assert price[1] == "28,500 USD Lowest price"
    assert row(response, "Price per kW") == ["42,500 USD", "3,563 USD"]
    assert row(response, "Capacity") == ["2KW", "8KW"]
    rating = row(response, "Rating")
    assert rating[0].startswith("4.6/5") and "Best rated" not in rating[0]
    assert rating[1].startswith("4.7/5 from 312 ratings Best rated")
    documents = row(response, "Documents required")
    assert "Net metering form" in documents[0] and "Site photos" not in documents[0]
    assert "Site photos" in documents[1]
    assert row(response, "Financing") == ["Financial assistance available"] * 2
    assert row(response, "Service area") == [
        "San Francisco, CA",
        "San Francisco, CA; San Mateo, CA",
    ]
    assert all("Not stated in the offer" in cell for cell in row(response, "Warranty"))
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
    assert len(row(response, "Capacity")) == 3


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
