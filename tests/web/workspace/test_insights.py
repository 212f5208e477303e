"""The installer's insights: the selectors' numbers on known data (orders per week by status,
average days per phase, the rating trend, and the search -> select -> confirm funnel of real
signed Beckn messages), the page and its charts' data, owners only, and a constant number of
queries however much data there is."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beckn.models import SearchListing
from beckn.selectors import network_funnel
from catalog.models import Provider, ProviderMember
from catalog.taxonomy import InstallationPhase, InstallationStatus
from orders.models import Order, OrderEvent
from orders.selectors import orders_per_week, phase_durations
from ratings.models import Rating
from ratings.selectors import rating_trend
from tests.catalog.factories import ProviderFactory, client_of, member
from tests.conftest import Bap
from tests.orders.factories import OrderFactory
from tests.ratings.factories import CompletedOrderFactory, rate
from web.workspace.insights import insight_period, orders_chart

Role = ProviderMember.Role
Kind = OrderEvent.Kind
START = datetime(2030, 3, 4, tzinfo=UTC)  # a Monday
T0 = datetime(2030, 3, 5, 8, tzinfo=UTC)
DAY = timedelta(days=1)


def order_at(provider: Provider, created_at: datetime, status: str) -> Order:
    order = OrderFactory(provider=provider, status=status)
    Order.objects.filter(pk=order.pk).update(created_at=created_at)
    return order


def events(order: Order, *changes: tuple[str, str, datetime]) -> None:
    """The order's events (kind, new value, when), in this order."""
    for kind, to_value, when in changes:
        event = OrderEvent.objects.create(order=order, kind=kind, to_value=to_value, actor="t")
        OrderEvent.objects.filter(pk=event.pk).update(created_at=when)


def rated(order: Order, value: int, when: datetime, category: str = Rating.Category.ORDER) -> None:
    entity_id = order.items.get().item.external_id if category == Rating.Category.ITEM else ""
    rating = rate(order, value, category, entity_id=entity_id)
    Rating.objects.filter(pk=rating.pk).update(rated_at=when)


@pytest.mark.django_db
def test_orders_per_week_by_status() -> None:
    provider = ProviderFactory()
    for day, status in [
        (1, InstallationStatus.SCHEDULED),
        (2, InstallationStatus.SCHEDULED),
        (6, InstallationStatus.CANCELLED),  # Sunday: still the first week
        (14, InstallationStatus.COMPLETED),
        (20, InstallationStatus.SCHEDULED),
    ]:
        order_at(provider, START + day * DAY, status)
    order_at(provider, START - timedelta(minutes=1), InstallationStatus.SCHEDULED)  # before
    order_at(provider, START + 21 * DAY, InstallationStatus.SCHEDULED)  # after
    order_at(ProviderFactory(), START + DAY, InstallationStatus.SCHEDULED)  # another installer

    rows = orders_per_week(provider=provider, start=START, end=START + 21 * DAY)

    assert [(row["week"].date().isoformat(), row["status"], row["count"]) for row in rows] == [
        ("2030-03-04", "CANCELLED", 1),
        ("2030-03-04", "SCHEDULED", 2),
        ("2030-03-18", "COMPLETED", 1),
        ("2030-03-18", "SCHEDULED", 1),
    ]
    chart = orders_chart(rows, START, 3)
    assert chart["labels"] == ["04 Mar", "11 Mar", "18 Mar"]
    assert [(d["key"], d["data"]) for d in chart["datasets"]] == [
        ("SCHEDULED", [2, 0, 1]),
        ("COMPLETED", [0, 0, 1]),
        ("CANCELLED", [1, 0, 0]),
    ]
    assert (chart["totals"], chart["total"]) == ([3, 0, 2], 5)


@pytest.mark.django_db
def test_average_days_per_phase_from_the_orders_events() -> None:
    provider = ProviderFactory()
    a, b, c, e = (order_at(provider, START, InstallationStatus.IN_PROGRESS) for _ in range(4))
    events(
        a,
        (Kind.PHASE, InstallationPhase.SITE_SURVEY, T0),
        (Kind.STATUS, InstallationStatus.IN_PROGRESS, T0),  # same instant: ends nothing
        (Kind.PHASE, InstallationPhase.PREPARATION, T0 + 2 * DAY),
        (Kind.SCHEDULE, "installation 2030-03-10 08:00", T0 + 3 * DAY),
        (Kind.PHASE, InstallationPhase.INSTALLATION, T0 + 5 * DAY),
        (Kind.PHASE, InstallationPhase.TESTING, T0 + 6 * DAY),
        (Kind.PHASE, InstallationPhase.COMMISSIONING, T0 + 6.5 * DAY),
        (Kind.SAFETY, "VERIFIED", T0 + 7 * DAY),
        (Kind.STATUS, InstallationStatus.COMPLETED, T0 + 8 * DAY),
    )
    events(
        b,
        (Kind.PHASE, InstallationPhase.SITE_SURVEY, T0 + DAY),
        (Kind.PHASE, InstallationPhase.PREPARATION, T0 + 5 * DAY),  # still in it: not counted
    )
    events(
        c,
        (Kind.PHASE, InstallationPhase.SITE_SURVEY, T0),
        (Kind.STATUS, InstallationStatus.CANCELLED, T0 + DAY),
    )
    events(
        e,
        (Kind.PHASE, InstallationPhase.SITE_SURVEY, START - 3 * DAY),  # entered before
        (Kind.PHASE, InstallationPhase.PREPARATION, T0),
        (Kind.PHASE, InstallationPhase.INSTALLATION, T0 + DAY),
    )
    other = order_at(ProviderFactory(), START, InstallationStatus.IN_PROGRESS)
    events(
        other,
        (Kind.PHASE, InstallationPhase.SITE_SURVEY, T0),
        (Kind.PHASE, InstallationPhase.PREPARATION, T0 + 20 * DAY),
    )

    rows = phase_durations(provider=provider, start=START, end=START + 28 * DAY)

    assert [
        (row["phase"], round(row["average"].total_seconds() / 86400, 3), row["count"])
        for row in rows
    ] == [
        ("SITE_SURVEY", round(7 / 3, 3), 3),  # a: 2 days, b: 4, c: 1 (cancelled)
        ("PREPARATION", 2.0, 2),  # a: 3 days, e: 1
        ("INSTALLATION", 1.0, 1),
        ("TESTING", 0.5, 1),
        ("COMMISSIONING", 1.5, 1),  # until completed
    ]


@pytest.mark.django_db
def test_the_rating_trend_averages_each_months_reviews_that_count() -> None:
    provider = ProviderFactory()
    jan, feb = datetime(2030, 1, 10, tzinfo=UTC), datetime(2030, 2, 3, tzinfo=UTC)
    first, second, third, old = (CompletedOrderFactory(provider=provider) for _ in range(4))
    rated(first, 4, jan)
    rated(first, 5, feb + 7 * DAY, Rating.Category.PROVIDER)  # the order's latest review counts
    rated(second, 2, jan + 10 * DAY)
    rated(third, 5, feb)
    rated(third, 1, feb, Rating.Category.ITEM)  # not a review of the installer's work
    rated(old, 1, datetime(2029, 12, 31, 23, tzinfo=UTC))  # before the period
    rated(CompletedOrderFactory(), 1, jan)  # another installer's

    rows = rating_trend(
        provider=provider,
        start=datetime(2030, 1, 1, tzinfo=UTC),
        end=datetime(2030, 3, 1, tzinfo=UTC),
    )

    assert [(row["month"].date().isoformat(), row["average"], row["count"]) for row in rows] == [
        ("2030-01-01", Decimal("2"), 1),
        ("2030-02-01", Decimal("5"), 2),
    ]


@pytest.mark.usefixtures("celery_worker", "demo_catalog")
def test_the_funnel_of_real_signed_beckn_transactions(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    url = live_server.url

    def exchange(action: str, transaction_id: str, **message: Any) -> dict:
        payload = bap.request(action, transaction_id=transaction_id)
        if message:
            payload["message"]["intent"] = message
        return bap.exchange(url, payload, bpp_public_key)

    ordered, selected_only, searched_only, elsewhere, no_search = (
        str(uuid.uuid4()) for _ in range(5)
    )
    # The guide's search (it lists sunpower_sf), select and confirm, in one transaction.
    exchange("search", ordered)
    exchange("select", ordered)
    placed = exchange("confirm", ordered)
    assert placed["message"]["order"]["id"].startswith("IR-")
    exchange("search", selected_only)
    exchange("search", selected_only)  # a second search in the transaction counts once
    exchange("select", selected_only)
    exchange("search", searched_only)
    found = exchange("search", elsewhere, provider={"id": "lonestar_grid_atx"})
    assert [p["id"] for p in found["message"]["catalog"]["providers"]] == ["lonestar_grid_atx"]
    exchange("select", no_search)  # selected without a search of ours: not in the funnel

    sunpower = Provider.objects.get(external_id="sunpower_sf")
    start, end = insight_period(4)
    funnel = network_funnel(provider=sunpower, start=start, end=end)
    assert (funnel.searched, funnel.selected, funnel.confirmed) == (3, 2, 1)
    assert (funnel.select_rate, funnel.confirm_rate, funnel.conversion_rate) == (67, 50, 33)
    lonestar = Provider.objects.get(external_id="lonestar_grid_atx")
    assert network_funnel(provider=lonestar, start=start, end=end).searched == 1
    # Another period: nothing.
    assert network_funnel(provider=sunpower, start=start - 8 * DAY, end=start).searched == 0

    # The insights page loads the same numbers with htmx.
    client = client_of(member(sunpower).user)
    page = client.get(reverse("workspace:insights"), {"weeks": "4"}).content.decode()
    funnel_url = reverse("workspace:network-funnel") + "?weeks=4"
    assert f'hx-get="{funnel_url}"' in page
    partial = client.get(funnel_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<section id="network-funnel"')
    assert re.search(r'id="funnel-searched">3<', partial)
    assert re.search(r'id="funnel-selected">2 <span class="muted">\(67%\)', partial)
    assert re.search(r'id="funnel-confirmed">1 <span class="muted">\(50%', partial)
    assert chart_data(partial, "funnel-data")["datasets"][0]["data"] == [3, 2, 1]
    # Without htmx, it is a page of its own.
    whole = client.get(funnel_url).content.decode()
    assert "<html" in whole and 'id="funnel-searched">3<' in whole


def chart_data(html: str, data_id: str) -> dict:
    match = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no chart data {data_id}"
    return json.loads(match.group(1))


def business(provider: Provider, *, orders: int) -> None:
    """`orders` orders over the last weeks, each through two phases and reviewed."""
    now = timezone.now()
    for n in range(orders):
        when = now - timedelta(days=3 * n, hours=1)
        order = order_at(provider, when, InstallationStatus.IN_PROGRESS)
        events(
            order,
            (Kind.PHASE, InstallationPhase.SITE_SURVEY, when),
            (Kind.PHASE, InstallationPhase.PREPARATION, when + timedelta(hours=36)),
        )
        order.status = InstallationStatus.COMPLETED
        order.save(update_fields=["status"])
        rated(order, 1 + n % 5, when)
        SearchListing.objects.create(
            provider=provider, bap_id="bap.test", transaction_id=str(uuid.uuid4()), listed_at=when
        )


@pytest.mark.django_db
def test_the_insights_page_draws_the_numbers_of_the_period() -> None:
    provider = ProviderFactory()
    now = timezone.now()
    this_week = now - timedelta(days=now.weekday())
    order_at(provider, this_week, InstallationStatus.SCHEDULED)
    order_at(provider, this_week, InstallationStatus.CANCELLED)
    order_at(provider, this_week - 21 * DAY, InstallationStatus.COMPLETED)
    order_at(provider, this_week - 12 * 7 * DAY, InstallationStatus.COMPLETED)  # too old
    done = order_at(provider, this_week - 14 * DAY, InstallationStatus.COMPLETED)
    events(
        done,
        (Kind.PHASE, InstallationPhase.SITE_SURVEY, this_week - 14 * DAY),
        (Kind.PHASE, InstallationPhase.PREPARATION, this_week - 11 * DAY),
    )
    rated(CompletedOrderFactory(provider=provider), 4, now)
    client = client_of(member(provider).user)

    response = client.get(reverse("workspace:insights"))

    assert response.status_code == 200
    html = response.content.decode()
    orders = chart_data(html, "orders-data")
    assert len(orders["labels"]) == 12
    by_status = {d["key"]: d["data"] for d in orders["datasets"]}
    assert by_status["SCHEDULED"][-1] == 1 and by_status["CANCELLED"][-1] == 1
    assert by_status["COMPLETED"][-4] == 1  # three weeks ago
    # The rated order's own row was created now; the 12-week-old one is out of the period.
    assert orders["total"] == 5
    phases = chart_data(html, "phases-data")
    assert phases["labels"] == ["Site survey"]
    assert phases["datasets"][0]["data"] == [3.0]
    ratings = chart_data(html, "ratings-data")
    assert ratings["datasets"][0]["data"][-1] == 4.0
    assert "vendor/chartjs-4.5.1/chart.umd.min.js" in html and "js/charts.js" in html
    assert '<canvas data-chart="orders-data"' in html

    # A shorter period.
    html = client.get(reverse("workspace:insights"), {"weeks": "4"}).content.decode()
    assert len(chart_data(html, "orders-data")["labels"]) == 4


@pytest.mark.django_db
def test_the_insights_are_the_owners() -> None:
    provider = ProviderFactory()
    for role in (Role.DISPATCHER, Role.TECHNICIAN):
        client = client_of(member(provider, role).user)
        assert client.get(reverse("workspace:insights")).status_code == 403
        assert client.get(reverse("workspace:network-funnel")).status_code == 403


@pytest.mark.django_db
def test_the_insights_take_the_same_queries_however_much_data(django_assert_num_queries) -> None:
    provider = ProviderFactory()
    business(provider, orders=2)
    business(ProviderFactory(), orders=3)
    client = client_of(member(provider).user)
    pages = [reverse("workspace:insights"), reverse("workspace:network-funnel")]
    counted = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
        counted.append(len(queries))

    business(provider, orders=25)

    for url, count in zip(pages, counted, strict=True):
        with django_assert_num_queries(count):
            response = client.get(url, headers={"HX-Request": "true"})
    assert 'id="funnel-searched">27<' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_charts_are_drawn_in_the_browser(page: Any, sign_in: Any, screenshot: Any) -> None:
    provider = ProviderFactory()
    business(provider, orders=12)
    sign_in(member(provider).user)

    page.goto(reverse("workspace:insights"))
    # The funnel arrives with htmx, and its chart is drawn too.
    page.wait_for_selector("#funnel-searched")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && Chart.getChart(c))"
    )
    drawn = page.eval_on_selector_all(
        "canvas[data-chart]", "cs => cs.map(c => [c.dataset.chart, Chart.getChart(c).config.type])"
    )
    assert sorted(drawn) == [
        ["funnel-data", "bar"],
        ["orders-data", "bar"],
        ["phases-data", "bar"],
        ["ratings-data", "line"],
    ]
    assert page.text_content("#funnel-searched").strip() == "12"
    screenshot("insights")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("insights-phone")
