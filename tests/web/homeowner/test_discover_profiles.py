"""An installer's public profile (/installers/<id>/) and an offer's page
(/installers/<id>/offers/<item id>/), with the reviews anyone may read."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import DocumentType, Item, Provider
from ratings.models import Rating
from ratings.services import review_hide, review_reply
from tests.catalog.factories import ItemFactory, ProviderFactory, ServiceLocationFactory
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = pytest.mark.django_db


def text_of(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def review_texts(response: object) -> list[str]:
    return [rating.comment for rating in response.context["reviews"]]  # type: ignore[attr-defined]


@pytest.fixture
def installer() -> Provider:
    provider = ProviderFactory(
        external_id="bright_roofs",
        name="Bright Roofs",
        short_desc="Rooftop solar for homes",
        long_desc="Family business since 2001.",
        govt_subsidy_empaneled=True,
        contact_phone="+14155550111",
        contact_email="hello@brightroofs.example",
        support_url="https://brightroofs.example/help",
        rating_value=Decimal("4.5"),
        rating_count=40,
    )
    ServiceLocationFactory(
        provider=provider,
        city_name="Oakland",
        state="CA",
        area_code="94612",
        address="1 Broadway, Oakland",
        service_radius_km=Decimal("35"),
    )
    return provider


def test_the_profile_shows_who_they_are_where_they_work_and_their_offers(
    client: Client, installer: Provider
) -> None:
    active = ItemFactory(provider=installer, name="Home Solar 6kW", external_id="bright-6")
    ItemFactory(provider=installer, name="Old kit", is_active=False)

    response = client.get(reverse("catalog:provider", args=["bright_roofs"]))

    assert response.status_code == 200
    text = text_of(response)
    for shown in (
        "Bright Roofs",
        "Rooftop solar for homes",
        "Family business since 2001.",
        "Government-approved installer",
        "4.5/5 from 40 ratings",
        "+14155550111",
        "hello@brightroofs.example",
        "https://brightroofs.example/help",
        "Oakland, CA 94612 · within 22 miles of 1 Broadway, Oakland",
        "Home Solar 6kW",
        "No written reviews yet.",
    ):
        assert shown in text, shown
    assert "Old kit" not in text
    assert response.context["offers"] == [active]
    page = response.content.decode()
    assert reverse("catalog:item", args=["bright_roofs", "bright-6"]) in page
    assert f'name="offer" value="{active.pk}"' in page  # the offers can be compared


def test_the_profile_lists_readable_reviews_newest_first_with_replies(
    client: Client, installer: Provider
) -> None:
    item = ItemFactory(provider=installer)
    old = rate(CompletedOrderFactory(provider=installer, items=[item]), 5, comment="Neat job.")
    Rating.objects.filter(pk=old.pk).update(rated_at=old.rated_at - timedelta(days=30))
    answered = rate(CompletedOrderFactory(provider=installer, items=[item]), 3, comment="Late.")
    review_reply(rating=answered, text="Sorry, a supplier let us down.", actor="owner")
    hidden = rate(CompletedOrderFactory(provider=installer, items=[item]), 1, comment="Rude!!")
    review_hide(rating=hidden, actor="staff")
    rate(CompletedOrderFactory(provider=installer, items=[item]), 4)  # no text
    # Of one order, the rating that counts: its latest Provider or Order rating.
    twice = CompletedOrderFactory(provider=installer, items=[item])
    rate(twice, 2, comment="First thoughts.")
    rate(twice, 4, category=Rating.Category.PROVIDER, comment="Second thoughts.")
    other = ProviderFactory()
    rate(CompletedOrderFactory(provider=other), 5, comment="Someone else.")

    response = client.get(reverse("catalog:provider", args=["bright_roofs"]))

    assert review_texts(response) == ["Second thoughts.", "Late.", "Neat job."]
    text = text_of(response)
    assert "Reply from Bright Roofs" in text and "Sorry, a supplier let us down." in text
    assert "Rude!!" not in text and "Someone else." not in text
    assert "3/5" in text and "5/5" in text


def test_reviews_come_in_pages(client: Client, installer: Provider) -> None:
    item = ItemFactory(provider=installer)
    for n in range(12):
        rate(CompletedOrderFactory(provider=installer, items=[item]), 4, comment=f"Review {n}.")
    url = reverse("catalog:provider", args=["bright_roofs"])

    first = client.get(url)
    second = client.get(url, {"page": "2"})
    beyond = client.get(url, {"page": "99"})

    assert review_texts(first) == [f"Review {n}." for n in range(11, 1, -1)]
    assert review_texts(second) == ["Review 1.", "Review 0."]
    assert review_texts(beyond) == review_texts(second)
    assert "Page 1 of 2" in text_of(first)
    assert "?page=2#reviews" in first.content.decode()


@pytest.mark.parametrize("external_id", ["nobody", "gone_solar"])
def test_an_unknown_or_inactive_installer_is_not_found(client: Client, external_id: str) -> None:
    ProviderFactory(external_id="gone_solar", is_active=False)

    response = client.get(reverse("catalog:provider", args=[external_id]))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_offer_page_shows_every_detail_documents_terms_and_an_order_link(
    client: Client, demo_catalog: None
) -> None:
    item = Item.objects.get(external_id="ggs-resi-001")

    response = client.get(reverse("catalog:item", args=["goldengate_solar_sf", "ggs-resi-001"]))

    assert response.status_code == 200
    text = text_of(response)
    for shown in (
        "8kW Residential Rooftop Solar",
        "Solar Panel Installation by Golden Gate Solar Co.",
        "$28,500.00 estimated price",
        "$3.56 per watt · $19,950.00 after the federal tax credit",
        "What goes on your roof Size 8 kW Panels REC Alpha Pure-R 410 W",
        "Inverter Enphase IQ8M microinverters",
        "Warranty 25 years on the equipment, 25 years on the work",
        "What it could save Estimate",
        "Federal tax credit (30%) \N{MINUS SIGN}$8,550",
        "Cost after the tax credit $19,950",
        "near San Francisco, CA",
        "at $0.30 a kWh",
        "Estimated with pvlib",
        "Licence CSLB 951204",
        "Tesla Powerwall Certified Installer",
        "Turnkey 8kW rooftop PV system",
        "Installation type Solar panel",
        "Property type Residential",
        "Kind of job New installation",
        "Complexity Moderate",
        "Equipment Solar panel",
        "How it is done On-site installation",
        "Government-approved for this installation Yes",
        "Government-approved installer Yes: approved for subsidy schemes",
        "Financing Available",
        "Offer id ggs-resi-001",
        "ID proof",
        "Site photos",
        "You can send them after ordering",
        "San Francisco, CA 94110 · within 31 miles of 2150 Folsom St, San Francisco, CA",
        "San Mateo, CA 94402",
        "nothing is charged when you order",
        "Free of charge until the installation itself begins",
        "4.7/5 from 312 ratings",
        "No written reviews yet.",
    ):
        assert shown in text, shown
    order_url = reverse("orders:order-new", kwargs={"item_id": item.pk})
    assert f'href="{order_url}">Order this installation</a>' in response.content.decode()


def test_documents_needed_before_confirmation_say_so(client: Client, installer: Provider) -> None:
    item = ItemFactory(
        provider=installer, external_id="strict", documents_required_before_confirm=True
    )
    item.required_documents.set(DocumentType.objects.filter(code="electricity_bill"))

    text = text_of(client.get(reverse("catalog:item", args=["bright_roofs", "strict"])))

    assert "Electricity bill" in text
    assert "You send them before Bright Roofs confirms the order." in text


def test_the_offer_page_shows_the_reviews_of_that_offer(
    client: Client, installer: Provider
) -> None:
    solar = ItemFactory(provider=installer, external_id="solar")
    battery = ItemFactory(provider=installer, external_id="battery", name="Battery")
    solar_order = CompletedOrderFactory(provider=installer, items=[solar])
    rate(solar_order, 5, comment="Panels look great.")
    rate(solar_order, 4, category=Rating.Category.ITEM, comment="Good panels, one was scratched.")
    rate(CompletedOrderFactory(provider=installer, items=[battery]), 2, comment="Battery hums.")

    solar_page = client.get(reverse("catalog:item", args=["bright_roofs", "solar"]))
    battery_page = client.get(reverse("catalog:item", args=["bright_roofs", "battery"]))

    assert review_texts(solar_page) == ["Good panels, one was scratched.", "Panels look great."]
    assert review_texts(battery_page) == ["Battery hums."]
    assert "Reviews of this installation" in text_of(solar_page)


@pytest.mark.parametrize(
    ("provider_id", "item_id"),
    [
        ("bright_roofs", "nothing"),
        ("bright_roofs", "inactive"),
        ("other_solar", "mine"),  # an item of another installer, under the wrong installer
        ("gone_solar", "gone-1"),  # an active item of an inactive installer
    ],
)
def test_an_unknown_or_inactive_offer_is_not_found(
    client: Client, installer: Provider, provider_id: str, item_id: str
) -> None:
    ItemFactory(provider=installer, external_id="inactive", is_active=False)
    ItemFactory(provider=installer, external_id="mine")
    ProviderFactory(external_id="other_solar")
    ItemFactory(
        provider=ProviderFactory(external_id="gone_solar", is_active=False), external_id="gone-1"
    )

    response = client.get(reverse("catalog:item", args=[provider_id, item_id]))

    assert response.status_code == 404


def test_the_profile_and_offer_pages_cost_the_same_queries_with_more_offers(
    client: Client, installer: Provider, django_assert_max_num_queries: object
) -> None:
    for n in range(15):
        item = ItemFactory(provider=installer)
        item.required_documents.set(DocumentType.objects.all()[:2])
        if n < 3:
            rate(CompletedOrderFactory(provider=installer, items=[item]), 4, comment="Fine.")

    with django_assert_max_num_queries(9):  # type: ignore[operator]  (one for the photos)
        response = client.get(reverse("catalog:provider", args=["bright_roofs"]))
    assert len(response.context["offers"]) == 15
