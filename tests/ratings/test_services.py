"""The ratings domain: who may rate what and when, replacement without double counting, the
installer's and technicians' aggregates (with the imported baseline), replies and hiding, and
aggregates that lose nothing under concurrent ratings."""

import json
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Provider
from catalog.services import catalog_import
from catalog.taxonomy import InstallationPhase, InstallationStatus
from orders.models import Order
from ratings import errors
from ratings.models import Rating, TechnicianReputation
from ratings.selectors import order_review, provider_reputation, provider_reviews
from ratings.services import (
    RatingEntry,
    rating_comment,
    ratings_submit,
    review_hide,
    review_reply,
    review_unhide,
)
from ratings.values import rating_value_parse
from tests.catalog.factories import ItemFactory, ProviderFactory
from tests.orders.factories import TechnicianFactory
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = pytest.mark.django_db

Category = Rating.Category
DEMO_CATALOG = "catalog/fixtures/demo_catalog.json"


def published(provider: Provider) -> tuple[Decimal | None, int]:
    provider.refresh_from_db()
    return provider.rating_value, provider.rating_count


def test_a_first_rating_sets_the_installers_rating_when_it_had_none() -> None:
    order = CompletedOrderFactory()

    rating = rate(order, "4")

    assert (rating.value, rating.category, rating.entity_id) == (
        Decimal("4.00"),
        Category.ORDER,
        order.installation_request_id,
    )
    assert published(order.provider) == (Decimal("4.00"), 1)
    assert order.provider.rating_distribution == {"0": 0, "1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert order.provider.rating_last_at == rating.rated_at


def test_ratings_add_to_an_imported_baseline() -> None:
    provider = ProviderFactory(rating_value=Decimal("4.7"), rating_count=312)
    rate(CompletedOrderFactory(provider=provider, buyer_reference="a.example"), "5")
    # (4.7 x 312 + 5) / 313 = 4.70096
    assert published(provider) == (Decimal("4.70"), 313)

    rate(CompletedOrderFactory(provider=provider, buyer_reference="b.example"), "0")
    # (4.7 x 312 + 5 + 0) / 314 = 4.68599
    assert published(provider) == (Decimal("4.69"), 314)
    assert (provider.rating_baseline_value, provider.rating_baseline_count) == (
        Decimal("4.70"),
        312,
    )


def test_a_baseline_without_count_shows_until_the_first_rating_then_weighs_nothing() -> None:
    provider = ProviderFactory(rating_value=Decimal("4.6"), rating_count=0)
    assert provider_reputation(provider=provider).value == Decimal("4.6")

    rate(CompletedOrderFactory(provider=provider), "3.5")

    assert published(provider) == (Decimal("3.50"), 1)


def test_rating_again_replaces_the_value_without_counting_twice() -> None:
    provider = ProviderFactory(rating_value=Decimal("4"), rating_count=4)
    order = CompletedOrderFactory(provider=provider)
    first = rate(order, "1", comment="Late and messy.")
    assert published(provider) == (Decimal("3.40"), 5)

    again = rate(order, "4.5")

    assert again.pk == first.pk
    assert again.comment == "Late and messy."  # a rating without comment keeps the one given
    assert Rating.objects.count() == 1
    assert published(provider) == (Decimal("4.10"), 5)  # (16 + 4.5) / 5
    assert provider.rating_distribution["5"] == 1 and provider.rating_distribution["1"] == 0


def test_an_order_gives_the_installer_one_vote_the_latest_of_its_order_and_provider_ratings() -> (
    None
):
    order = CompletedOrderFactory()
    rate(order, "2", category=Category.ORDER)
    rate(order, "5", category=Category.PROVIDER, entity_id=order.provider.external_id)

    assert Rating.objects.filter(order=order).count() == 2
    assert published(order.provider) == (Decimal("5.00"), 1)
    assert order_review(order=order).category == Category.PROVIDER

    rate(order, "3", category=Category.ORDER)
    assert published(order.provider) == (Decimal("3.00"), 1)
    assert [r.value for r in provider_reviews(provider=order.provider)] == [Decimal("3.00")]


def test_the_same_buyer_app_rates_each_of_its_orders() -> None:
    """Two homeowners of one buyer app are two orders: two votes, neither replaces the other."""
    provider = ProviderFactory()
    for value in ("5", "3"):
        rate(CompletedOrderFactory(provider=provider, buyer_reference="bap.example"), value)
    assert published(provider) == (Decimal("4.00"), 2)


def test_agent_ratings_roll_up_per_technician() -> None:
    provider = ProviderFactory()
    david = TechnicianFactory(provider=provider, name="David C")
    ana = TechnicianFactory(provider=provider, name="Ana R")
    for buyer, technician, value, name in [
        ("a", david, "5", "David C"),
        ("b", david, "4", "david c"),
        ("c", ana, "2", ""),
    ]:
        order = CompletedOrderFactory(
            provider=provider, technician=technician, buyer_reference=buyer
        )
        rate(order, value, category=Category.AGENT, entity_id=name)

    assert TechnicianReputation.objects.get(technician=david).rating_value == Decimal("4.50")
    assert TechnicianReputation.objects.get(technician=david).rating_count == 2
    assert TechnicianReputation.objects.get(technician=ana).rating_count == 1
    assert published(provider) == (None, 0)  # agents are rated apart from the installer


def test_items_fulfillments_and_support_are_kept_and_feed_no_aggregate() -> None:
    provider = ProviderFactory(rating_value=Decimal("4.2"), rating_count=10)
    item = ItemFactory(provider=provider, external_id="sp-resi-001")
    order = CompletedOrderFactory(provider=provider, items=[item])

    rated = [
        rate(order, "1", category=Category.ITEM, entity_id="sp-resi-001"),
        rate(order, "1", category=Category.FULFILLMENT, entity_id=order.fulfillment.local_id),
        rate(order, "1", category=Category.SUPPORT, entity_id=provider.external_id),
    ]

    assert [r.entity_id for r in rated] == [
        "sp-resi-001",
        order.fulfillment.local_id,
        order.installation_request_id,
    ]
    assert rated[0].item == item
    assert published(provider) == (Decimal("4.20"), 10)


@pytest.mark.parametrize(
    "category, entity_id",
    [
        (Category.PROVIDER, "someone_else"),
        (Category.ORDER, "IR-0000-OTHER"),
        (Category.ITEM, "no-such-item"),
        (Category.FULFILLMENT, "9"),
        (Category.AGENT, "Nobody"),
        (Category.SUPPORT, "other_installer"),
    ],
)
def test_a_thing_the_order_does_not_have_is_not_found(category: str, entity_id: str) -> None:
    order = CompletedOrderFactory(technician=None)
    with pytest.raises(errors.RateableNotFound):
        rate(order, "4", category=category, entity_id=entity_id)
    assert not Rating.objects.exists()


def test_an_order_without_technician_has_no_agent_to_rate() -> None:
    with pytest.raises(errors.RateableNotFound, match="No technician"):
        rate(CompletedOrderFactory(), "4", category=Category.AGENT)


def test_only_the_orders_buyer_rates_it() -> None:
    order = CompletedOrderFactory(buyer_reference="owner.example")
    with pytest.raises(errors.RateableNotFound):
        ratings_submit(
            entries=[RatingEntry(order=order, category=Category.ORDER, value="5")],
            channel=Order.Channel.NETWORK,
            buyer_reference="intruder.example",
        )
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "status, phase",
    [
        (InstallationStatus.SCHEDULED, ""),
        (InstallationStatus.IN_PROGRESS, InstallationPhase.COMMISSIONING),
        (InstallationStatus.CANCELLED, ""),
        (InstallationStatus.FAILED, ""),
    ],
)
def test_an_installation_is_rated_once_completed(status: str, phase: str) -> None:
    order = CompletedOrderFactory(status=status, phase=phase)
    with pytest.raises(errors.RatingNotAllowed, match="once its installation is completed"):
        rate(order, "5")


@pytest.mark.parametrize(
    "value", ["abc", "", " ", "-0.5", "-1", "5.01", "6", "1e0", "NaN", "Infinity", "gte 4", "4,5"]
)
def test_values_outside_0_to_5_are_invalid(value: str) -> None:
    with pytest.raises(errors.RatingValueInvalid):
        rate(CompletedOrderFactory(), value)
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "value, parsed",
    [
        ("0", "0.00"),
        ("5", "5.00"),
        ("4.5", "4.50"),
        (" 3.75 ", "3.75"),
        ("4.555", "4.56"),
        (4, "4.00"),
        (4.25, "4.25"),
        (".5", "0.50"),
    ],
)
def test_values_are_numbers_from_0_to_5_with_decimals(value: Any, parsed: str) -> None:
    assert rating_value_parse(value) == Decimal(parsed)


def test_an_unknown_category_is_not_supported() -> None:
    with pytest.raises(errors.RatingCategoryUnsupported):
        rate(CompletedOrderFactory(), "4", category="LOCATION")


def test_several_ratings_are_recorded_all_or_none() -> None:
    order = CompletedOrderFactory()
    entries = [
        RatingEntry(order=order, category=Category.ORDER, value="5"),
        RatingEntry(order=order, category=Category.PROVIDER, value="9"),
    ]
    with pytest.raises(errors.RatingValueInvalid):
        ratings_submit(
            entries=entries, channel=order.channel, buyer_reference=order.buyer_reference
        )
    assert not Rating.objects.exists()
    assert published(order.provider) == (None, 0)


def test_the_installer_replies_once() -> None:
    rating = rate(CompletedOrderFactory(), "2", comment="The panels were fitted crooked.")

    replied = review_reply(rating=rating, text=" We came back and fixed it. ", actor="user:ops")

    assert (replied.reply, replied.replied_by) == ("We came back and fixed it.", "user:ops")
    with pytest.raises(errors.ReplyNotAllowed):
        review_reply(rating=rating, text="Again", actor="user:ops")
    with pytest.raises(errors.CommentInvalid):
        review_reply(rating=rate(CompletedOrderFactory(), "4"), text="  ", actor="user:ops")
    rating.refresh_from_db()
    assert rating.reply == "We came back and fixed it."


def test_hidden_text_is_not_shown_but_the_value_still_counts() -> None:
    order = CompletedOrderFactory()
    rating = rate(order, "1", comment="abusive words")

    review_hide(rating=rating, actor="user:staff")

    rating.refresh_from_db()
    assert rating.comment_hidden and rating.public_comment == ""
    assert rating.comment == "abusive words"  # kept for the record
    assert published(order.provider) == (Decimal("1.00"), 1)
    rate(order, "2", comment="still rude")  # a new text stays hidden until staff show it
    rating.refresh_from_db()
    assert rating.comment_hidden
    review_unhide(rating=rating, actor="user:staff")
    rating.refresh_from_db()
    assert rating.public_comment == "still rude"


def test_a_comment_from_the_feedback_form_changes_no_aggregate() -> None:
    order = CompletedOrderFactory()
    rating = rate(order, "4")
    before = published(order.provider), rating.rated_at

    rating_comment(rating=rating, comment="Tidy work.")

    rating.refresh_from_db()
    assert rating.comment == "Tidy work."
    assert (published(order.provider), rating.rated_at) == before
    with pytest.raises(errors.CommentInvalid):
        rating_comment(rating=rating, comment=" ")


# --- The imported baseline survives catalog writes --------------------------------------------


def test_reloading_the_catalog_keeps_the_ratings_received(demo_catalog: None) -> None:
    sunpower = Provider.objects.get(external_id="sunpower_sf")
    goldengate = Provider.objects.get(external_id="goldengate_solar_sf")
    assert published(sunpower) == (Decimal("4.60"), 0)
    rate(CompletedOrderFactory(provider=sunpower), "3")
    rate(CompletedOrderFactory(provider=goldengate), "5")

    call_command("load_demo_catalog", verbosity=0)  # as every `make run` does

    assert published(sunpower) == (Decimal("3.00"), 1)
    assert published(goldengate) == (Decimal("4.70"), 313)
    assert goldengate.rating_distribution["5"] == 1


def test_an_imported_baseline_changes_and_the_ratings_received_stay(demo_catalog: None) -> None:
    goldengate = Provider.objects.get(external_id="goldengate_solar_sf")
    rate(CompletedOrderFactory(provider=goldengate), "5")
    with open(DEMO_CATALOG) as file:
        data = json.load(file)
    entry = next(p for p in data["providers"] if p["id"] == "goldengate_solar_sf")
    entry.update(rating="4.0", rating_count=100)

    catalog_import(data={"providers": [entry]})

    assert published(goldengate) == (Decimal("4.01"), 101)  # (400 + 5) / 101
    assert (goldengate.rating_baseline_value, goldengate.rating_baseline_count) == (
        Decimal("4.00"),
        100,
    )


def test_saving_an_installer_edited_elsewhere_keeps_its_baseline_and_ratings() -> None:
    provider = ProviderFactory(rating_value=Decimal("4.5"), rating_count=2)
    stale = Provider.objects.get(pk=provider.pk)
    rate(CompletedOrderFactory(provider=provider), "3")
    assert published(provider) == (Decimal("4.00"), 3)

    fresh = Provider.objects.get(pk=provider.pk)
    fresh.name = "Renamed Installer"
    fresh.save()  # figures saved back unchanged: an edit of something else
    assert published(provider) == (Decimal("4.00"), 3)

    stale.short_desc = "Edited from an old copy"
    stale.save()  # writes the figures it read before the rating: they are the same baseline
    assert published(provider) == (Decimal("4.00"), 3)
    assert provider.rating_distribution["3"] == 1


def test_an_installer_created_in_bulk_takes_its_figures_as_baseline_at_the_first_rating() -> None:
    (provider,) = Provider.objects.bulk_create(
        [Provider(external_id="bulk_1", code="B", name="Bulk", rating_value=4, rating_count=3)]
    )
    rate(CompletedOrderFactory(provider=provider), "0")
    assert published(provider) == (Decimal("3.00"), 4)


# --- Concurrency --------------------------------------------------------------------------------


def in_threads(calls: list[Any]) -> list[BaseException]:
    """Run the calls at once, each in its own thread and database connection; their errors."""
    barrier = threading.Barrier(len(calls))
    failures: list[BaseException] = []

    def run(call: Any) -> None:
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_one_installer_are_all_counted() -> None:
    provider = ProviderFactory(rating_value=Decimal("4"), rating_count=10)
    technician = TechnicianFactory(provider=provider)
    orders = [
        CompletedOrderFactory(provider=provider, technician=technician, buyer_reference=f"b{n}")
        for n in range(12)
    ]
    values = [Decimal(n % 6) for n in range(12)]

    def rating(order: Order, value: Decimal) -> Any:
        return lambda: ratings_submit(
            entries=[
                RatingEntry(order=order, category=Category.PROVIDER, value=value),
                RatingEntry(order=order, category=Category.AGENT, value=value),
            ],
            channel=order.channel,
            buyer_reference=order.buyer_reference,
        )

    assert in_threads([rating(o, v) for o, v in zip(orders, values, strict=True)]) == []

    assert published(provider) == (((40 + sum(values)) / 22).quantize(Decimal("0.01")), 22)
    assert provider.rating_distribution == {str(star): 2 for star in range(6)}
    reputation = TechnicianReputation.objects.get(technician=technician)
    assert (reputation.rating_value, reputation.rating_count) == (Decimal("2.50"), 12)


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_one_thing_by_its_buyer_leave_one_rating() -> None:
    order = CompletedOrderFactory()
    values = ["1", "2", "3", "4", "5", "0", "2.5", "3.5"]

    assert in_threads([lambda v=v: rate(order, v) for v in values]) == []

    (rating,) = Rating.objects.filter(order=order)
    assert published(order.provider) == (rating.value, 1)
    assert sum(order.provider.rating_distribution.values()) == 1
