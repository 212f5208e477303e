"""The installer's orders board: a column per status and phase with its count, filters and
search, only the member's own orders, and the same few queries however many orders there are."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.taxonomy import InstallationPhase, InstallationPriority, InstallationStatus
from orders.selectors import board as board_selectors
from tests.orders.factories import TechnicianFactory
from tests.web.workspace.helpers import (
    Role,
    field_technician,
    htmx,
    installer,
    member,
    next_weekday,
    order_for,
)

pytestmark = pytest.mark.django_db
BOARD = "/installer/"


def columns(page: Any) -> dict[str, tuple[int, list[str]]]:
    """Each column of the board: its count and the ids of the orders it shows."""
    html = page.content.decode()
    found = {}
    for key, body in re.findall(
        r'<section class="ws-column" data-column="([a-z_]+)".*?>(.*?)</section>', html, re.S
    ):
        count = int(re.search(r"data-count>(\d+)<", body).group(1))
        found[key] = (count, re.findall(r'data-order="([^"]+)"', body))
    return found


def shown(page: Any) -> set[str]:
    return {order for _, orders in columns(page).values() for order in orders}


def test_the_board_has_a_column_per_status_and_phase_with_its_orders_and_count(
    client: Client,
) -> None:
    provider = installer()
    scheduled = [order_for(provider) for _ in range(2)]
    testing = order_for(
        provider, status=InstallationStatus.IN_PROGRESS, phase=InstallationPhase.TESTING
    )
    done = order_for(provider, status=InstallationStatus.COMPLETED, phase="COMMISSIONING")
    cancelled = order_for(provider, status=InstallationStatus.CANCELLED)
    order_for(installer())  # another installer's
    client.force_login(member(provider, Role.DISPATCHER))

    page = client.get(BOARD)

    assert page.status_code == 200
    board = columns(page)
    assert list(board) == [
        "pending",
        "scheduled",
        "site_survey",
        "preparation",
        "installation",
        "testing",
        "commissioning",
        "completed",
        "closed",
    ]
    assert board["scheduled"][0] == 2
    assert sorted(board["scheduled"][1]) == sorted(o.installation_request_id for o in scheduled)
    assert board["testing"] == (1, [testing.installation_request_id])
    assert board["completed"] == (1, [done.installation_request_id])
    assert board["closed"] == (1, [cancelled.installation_request_id])
    assert board["site_survey"] == (0, [])
    assert re.search(r"data-total>5</span> orders", page.content.decode())


def test_the_most_urgent_orders_come_first_in_a_column(client: Client) -> None:
    provider = installer()
    low = order_for(provider, priority=InstallationPriority.LOW)
    emergency = order_for(provider, priority=InstallationPriority.EMERGENCY)
    medium = order_for(provider)
    client.force_login(member(provider))

    board = columns(client.get(BOARD))

    assert board["scheduled"][1] == [
        emergency.installation_request_id,
        medium.installation_request_id,
        low.installation_request_id,
    ]


def test_filters_narrow_the_board_and_counts_follow(client: Client) -> None:
    provider = installer(city="San Francisco")
    david = TechnicianFactory(provider=provider, name="David C")
    monday = next_weekday(days_ahead=7)
    sf_high = order_for(
        provider,
        priority=InstallationPriority.HIGH,
        site_address="1 Market St, San Francisco, CA",
        technician=david,
        survey_start=monday,
        customer_name="Raj Patel",
        billing_name="Raj Patel",
    )
    oakland = order_for(
        provider,
        site_address="9 Broadway, Oakland, CA",
        customer_name="Ana Ruiz",
        billing_name="Ruiz Holdings",
    )
    emily = order_for(provider, customer_name="Emily Tran", site_address="San Francisco")
    client.force_login(member(provider, Role.DISPATCHER))

    assert shown(client.get(BOARD, {"priority": "HIGH"})) == {sf_high.installation_request_id}
    assert shown(client.get(BOARD, {"city": "San Francisco"})) == {
        sf_high.installation_request_id,
        emily.installation_request_id,
    }
    assert shown(client.get(BOARD, {"technician": david.pk})) == {sf_high.installation_request_id}
    assert shown(client.get(BOARD, {"technician": "none"})) == {
        oakland.installation_request_id,
        emily.installation_request_id,
    }
    assert shown(client.get(BOARD, {"day": monday.date().isoformat()})) == {
        sf_high.installation_request_id
    }
    assert shown(client.get(BOARD, {"q": "emily"})) == {emily.installation_request_id}
    assert shown(client.get(BOARD, {"q": "holdings"})) == {oakland.installation_request_id}
    by_id = client.get(BOARD, {"q": oakland.installation_request_id[-6:].lower()})
    assert shown(by_id) == {oakland.installation_request_id}
    assert columns(by_id)["scheduled"][0] == 1


def test_a_filter_naming_another_installers_technician_is_refused_not_applied(
    client: Client,
) -> None:
    provider = installer()
    mine = order_for(provider)
    theirs = TechnicianFactory(provider=installer())
    client.force_login(member(provider))

    page = client.get(BOARD, {"technician": theirs.pk})

    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert shown(page) == {mine.installation_request_id}
    assert theirs.name not in page.content.decode()


def test_htmx_gets_only_the_board_when_the_filters_change(client: Client) -> None:
    provider = installer()
    order = order_for(provider, priority=InstallationPriority.HIGH)
    client.force_login(member(provider))

    page = client.get(BOARD, {"priority": "HIGH"}, headers=htmx(**{"HX-Target": "board"}))

    html = page.content.decode()
    assert html.lstrip().startswith('<section id="board"') or '<section id="board"' in html
    assert "<html" not in html and "ws-filters" not in html
    assert order.installation_request_id in html


def test_a_technician_sees_only_the_jobs_assigned_to_them(client: Client) -> None:
    provider = installer()
    user, technician = field_technician(provider)
    mine = order_for(provider, technician=technician)
    order_for(provider, technician=TechnicianFactory(provider=provider))
    order_for(provider)
    client.force_login(user)

    page = client.get(BOARD)

    assert shown(page) == {mine.installation_request_id}
    html = page.content.decode()
    assert "My jobs" in html
    assert 'name="technician"' not in html  # no technician filter for them


def test_a_column_shows_its_first_orders_and_says_how_many_more(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(board_selectors, "BOARD_COLUMN_LIMIT", 3)
    provider = installer()
    for _ in range(5):
        order_for(provider)
    order_for(provider, status=InstallationStatus.COMPLETED)
    client.force_login(member(provider))

    page = client.get(BOARD)

    board = columns(page)
    assert board["scheduled"][0] == 5 and len(board["scheduled"][1]) == 3
    assert board["completed"] == (1, board["completed"][1]) and len(board["completed"][1]) == 1
    assert "2 more" in page.content.decode()


def board_queries(client: Client, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BOARD, params).status_code == 200
    return len(queries)


def test_the_board_takes_the_same_queries_for_2_or_10_orders(
    client: Client, django_assert_num_queries: Any
) -> None:
    provider = installer()
    technicians = [TechnicianFactory(provider=provider) for _ in range(3)]
    phases = [None, *InstallationPhase.values]

    def add_orders(count: int) -> None:
        for n in range(count):
            phase = phases[n % len(phases)]
            order_for(
                provider,
                technician=technicians[n % 3],
                status=InstallationStatus.IN_PROGRESS if phase else InstallationStatus.SCHEDULED,
                phase=phase or "",
                installation_start=next_weekday(9) if n % 2 else None,
                installation_end=next_weekday(9) + timedelta(hours=4) if n % 2 else None,
            )

    add_orders(2)
    client.force_login(member(provider, Role.DISPATCHER))
    with_two = board_queries(client)
    with_two_filtered = board_queries(client, priority="MEDIUM", q="Emily")
    add_orders(8)

    with django_assert_num_queries(with_two):
        client.get(BOARD)
    with django_assert_num_queries(with_two_filtered):
        client.get(BOARD, {"priority": "MEDIUM", "q": "Emily"})
    assert with_two <= 10
