"""Rating over the network, as a BAP does it: POST /beckn/rating in the order's transaction, the
on_rating callback with its feedback form, the written review, and the installer's rating in
later on_search answers. Business errors come back in on_rating's error (BECKN-005)."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
import requests

from beckn.models import OrderLink
from beckn.peers import encode
from catalog.models import Item, Provider
from catalog.taxonomy import (
    InstallationPhase,
    InstallationStatus,
    SafetyStatus,
    TechnicianType,
)
from orders.models import Order
from ratings.models import Rating, TechnicianReputation
from tests.conftest import Bap
from tests.orders.factories import TechnicianFactory
from tests.ratings.factories import CompletedOrderFactory

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked")]

SITE_URL = "http://127.0.0.1:8000"  # the test settings' SITE_URL; the live server is elsewhere


def sunpower_order(
    bap: Bap,
    *,
    buyer: str = "",
    status: str = InstallationStatus.COMPLETED,
    technician: bool = True,
) -> tuple[Order, str]:
    """An order of the guide's item placed by `bap` (or the buyer app `buyer`) in a transaction
    of its own, as confirm leaves it; with its transaction id."""
    item = Item.objects.get(external_id="sp-resi-001")
    order = CompletedOrderFactory(
        provider=item.provider,
        fulfillment=item.fulfillments.get(),
        items=[item],
        buyer_reference=buyer or bap.subscriber_id,
        status=status,
        phase="" if status == InstallationStatus.SCHEDULED else InstallationPhase.COMMISSIONING,
        technician=TechnicianFactory(provider=item.provider, name="David C")
        if technician
        else None,
    )
    transaction_id = str(uuid.uuid4())
    OrderLink.objects.create(
        order=order,
        bap_id=order.buyer_reference,
        bap_uri=bap.server.bap_uri,
        transaction_id=transaction_id,
        context={"domain": "service", "version": "1.1.0"},
    )
    return order, transaction_id


def rating_request(bap: Bap, transaction_id: str, *ratings: tuple[str, str, Any]) -> dict:
    return bap.request(
        "rating",
        message={
            "ratings": [
                {"rating_category": category, "id": entity_id, "value": value}
                for category, entity_id, value in ratings
            ]
        },
        transaction_id=transaction_id,
    )


def sunpower_on_search(live_server: Any, bap: Bap, public_key: str) -> dict:
    answer = bap.exchange(live_server.url, bap.request("search"), public_key)
    (provider,) = answer["message"]["catalog"]["providers"]
    assert provider["id"] == "sunpower_sf"
    return provider


def provider_details(provider: dict) -> dict[str, str]:
    (group,) = [t for t in provider["tags"] if t["descriptor"]["code"] == "provider-details"]
    return {entry["descriptor"]["code"]: entry["value"] for entry in group["list"]}


def test_emily_rates_her_installation_and_discovery_shows_it(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    url = live_server.url
    before = sunpower_on_search(live_server, bap, bpp_public_key)
    assert before["rating"] == "4.6/5"  # the seed's figure while nobody rated here
    assert "rating_count" not in provider_details(before)

    # Emily's order, confirmed over the network; the installer's work up to completion is the
    # orders tests' business: here it is simply done.
    transaction = {"transaction_id": str(uuid.uuid4())}
    placed = bap.exchange(url, bap.request("confirm", **transaction), bpp_public_key)
    order = Order.objects.get(installation_request_id=placed["message"]["order"]["id"])
    technician = TechnicianFactory(
        provider=order.provider, name="David C", technician_type=TechnicianType.SOLAR_TECHNICIAN
    )
    Order.objects.filter(pk=order.pk).update(
        status=InstallationStatus.COMPLETED,
        phase=InstallationPhase.COMMISSIONING,
        safety_status=SafetyStatus.VERIFIED,
        technician=technician,
    )

    rated = bap.exchange(
        url,
        rating_request(
            bap,
            transaction["transaction_id"],
            ("Provider", "sunpower_sf", "4.5"),
            ("Agent", "David C", "5"),
            ("Fulfillment", "1", "4"),
        ),
        bpp_public_key,
    )

    assert "error" not in rated
    form = rated["message"]["feedback_form"]
    assert form["required"] is False
    assert form["form"]["mime_type"] == "text/html"
    form_url = form["form"]["url"].replace(SITE_URL, url)
    page = requests.get(form_url, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '<form action="' in page.text and 'method="post"' in page.text
    saved = requests.post(
        form_url,
        data={"comment": "Neat work, and David explained everything."},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert saved.status_code == 200
    assert saved.json()["status"] is True
    submission_id = uuid.UUID(saved.json()["submission_id"])

    review = Rating.objects.get(order=order, category=Rating.Category.PROVIDER)
    assert (review.value, review.comment, review.feedback_submission_id) == (
        Decimal("4.50"),
        "Neat work, and David explained everything.",
        submission_id,
    )
    assert TechnicianReputation.objects.get(technician=technician).rating_value == Decimal("5")
    after = sunpower_on_search(live_server, bap, bpp_public_key)
    assert after["rating"] == "4.5/5"
    assert provider_details(after)["rating_count"] == "1"

    # Changing her mind replaces the rating: still one rating in the installer's figures.
    again = bap.exchange(
        url,
        rating_request(bap, transaction["transaction_id"], ("Provider", "sunpower_sf", "3")),
        bpp_public_key,
    )
    assert "feedback_form" in again["message"]
    assert Rating.objects.filter(order=order, category=Rating.Category.PROVIDER).count() == 1
    replaced = sunpower_on_search(live_server, bap, bpp_public_key)
    assert replaced["rating"] == "3/5"
    assert provider_details(replaced)["rating_count"] == "1"


def test_an_order_rating_needs_no_transaction_and_names_the_order_for_the_others(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    order, _ = sunpower_order(bap)
    request = rating_request(
        bap,
        str(uuid.uuid4()),  # a transaction of its own
        ("Order", order.installation_request_id, 4),
        ("Agent", 1, 4.25),  # the agent of fulfillment 1 (numbers are taken as their text)
    )

    answer = bap.exchange(live_server.url, request, bpp_public_key)

    assert "error" not in answer
    assert {r.category: r.value for r in Rating.objects.filter(order=order)} == {
        Rating.Category.ORDER: Decimal("4.00"),
        Rating.Category.AGENT: Decimal("4.25"),
    }
    assert Provider.objects.get(external_id="sunpower_sf").rating_value == Decimal("4.00")


def own(bap: Bap, **fields: Any) -> str:
    return sunpower_order(bap, **fields)[1]


def foreign(bap: Bap) -> str:
    return sunpower_order(bap, buyer="someone-else.example")[1]


CASES = [
    ("unsupported category", lambda bap: (own(bap), ("Location", "1", "4")), "50003"),
    ("lower-case category", lambda bap: (own(bap), ("provider", "sunpower_sf", "4")), "50003"),
    ("value not a number", lambda bap: (own(bap), ("Provider", "sunpower_sf", "great")), "30015"),
    ("value below 0", lambda bap: (own(bap), ("Provider", "sunpower_sf", "-1")), "30015"),
    ("value above 5", lambda bap: (own(bap), ("Provider", "sunpower_sf", "5.5")), "30015"),
    ("empty value", lambda bap: (own(bap), ("Provider", "sunpower_sf", "")), "30015"),
    ("inequality", lambda bap: (own(bap), ("Provider", "sunpower_sf", "gte 4")), "30015"),
    ("unknown order", lambda bap: (own(bap), ("Order", "IR-0000-NOSUCH", "4")), "30014"),
    (
        "another installer",
        lambda bap: (own(bap), ("Provider", "goldengate_solar_sf", "4")),
        "30014",
    ),
    ("unknown item", lambda bap: (own(bap), ("Item", "gg-x", "4")), "30014"),
    ("no technician", lambda bap: (own(bap, technician=False), ("Agent", "1", "4")), "30014"),
    (
        "no order in the transaction",
        lambda bap: (str(uuid.uuid4()), ("Provider", "sunpower_sf", "4")),
        "30014",
    ),
    (
        "another BAP's transaction",
        lambda bap: (foreign(bap), ("Provider", "sunpower_sf", "4")),
        "30014",
    ),
    (
        "not completed",
        lambda bap: (
            own(bap, status=InstallationStatus.SCHEDULED),
            ("Provider", "sunpower_sf", "4"),
        ),
        "40000",
    ),
]


@pytest.mark.parametrize("case, build, code", CASES, ids=[case for case, _, _ in CASES])
def test_refused_ratings_come_back_in_on_ratings_error(
    live_server: Any, bap: Bap, bpp_public_key: str, case: str, build: Any, code: str
) -> None:
    transaction_id, rating = build(bap)

    answer = bap.exchange(
        live_server.url, rating_request(bap, transaction_id, rating), bpp_public_key
    )

    assert answer["error"]["code"] == code, answer["error"]
    assert answer["error"]["message"]
    assert answer["message"] == {}  # on_rating's schema requires a message, even empty
    assert not Rating.objects.exists()


def test_another_baps_order_cannot_be_rated_even_by_its_id(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    order, their_transaction = sunpower_order(bap, buyer="someone-else.example")
    for transaction_id, rating in [
        (str(uuid.uuid4()), ("Order", order.installation_request_id, "1")),
        (their_transaction, ("Order", order.installation_request_id, "1")),
        (their_transaction, ("Agent", "David C", "1")),
    ]:
        answer = bap.exchange(
            live_server.url, rating_request(bap, transaction_id, rating), bpp_public_key
        )
        assert answer["error"]["code"] == "30014"
    assert not Rating.objects.exists()
    assert Provider.objects.get(external_id="sunpower_sf").rating_value == Decimal("4.6")


def test_one_refused_rating_refuses_the_whole_message(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    _, transaction_id = sunpower_order(bap)
    request = rating_request(
        bap, transaction_id, ("Provider", "sunpower_sf", "5"), ("Agent", "David C", "11")
    )

    answer = bap.exchange(live_server.url, request, bpp_public_key)

    assert answer["error"]["code"] == "30015"
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "message, path",
    [
        ({"ratings": []}, "message.ratings"),
        ({}, "message.ratings"),
        ({"ratings": [{"rating_category": "Provider", "id": "sunpower_sf"}]}, "message.ratings"),
        ({"ratings": [{"rating_category": "Provider", "value": "4"}]}, "message.ratings"),
    ],
)
def test_a_malformed_rating_is_refused_at_once(
    live_server: Any, bap: Bap, message: dict, path: str
) -> None:
    body = encode(bap.request("rating", message=message))

    response = requests.post(
        f"{live_server.url}/beckn/rating",
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json", **bap.headers(body)},
    )

    assert response.status_code == 400
    assert response.json()["message"]["ack"]["status"] == "NACK"
    assert response.json()["error"]["code"] == "30000"
    assert response.json()["error"]["paths"].startswith(path)
