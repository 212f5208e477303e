"""A homeowner in the browser: discover installers, tick two offers, compare them; and the
"Use my location" button. Screenshots go to artifacts/browser/<test>/."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.browser import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("load_demo_catalog", verbosity=0)


def card(page: Any, provider: str, item: str) -> Any:
    return page.locator("article.offer-card").filter(has_text=provider).filter(has_text=item)


def test_discover_tick_two_offers_and_compare_them(
    page: Any, screenshot: Callable[[str], Path], demo: None
) -> None:
    page.goto("/")
    page.get_by_label("Where").fill("San Francisco")
    page.get_by_label("Installation type").select_option(label="Solar panel")
    page.get_by_role("button", name="Search").click()

    page.get_by_role("heading", name="6 offers near San Francisco, CA").wait_for()
    assert "type=SOLAR_PANEL" in page.url  # htmx pushed the search into the address bar
    sunpower = card(page, "SunPower Installers", "2kW Rooftop Solar Setup")
    assert "$85,000" in sunpower.inner_text()
    assert "Government-approved installer" in sunpower.inner_text()
    screenshot("01-discover-results")

    page.get_by_label("Sort by").select_option(label="Lowest price")
    page.wait_for_url("**sort=price**")
    first = page.locator("article.offer-card h3").first
    assert first.inner_text() == "Mission Rooftop Energy"  # $21,500, the cheapest

    sunpower.get_by_label("Compare").check()
    card(page, "Golden Gate Solar Co.", "8kW Residential Rooftop Solar").get_by_label(
        "Compare"
    ).check()
    assert page.locator(".compare-count").first.inner_text() == "2 selected."
    page.get_by_role("button", name="Compare selected").click()

    page.wait_for_url("**/compare/?offer=*")
    table = page.get_by_role("table")
    headers = table.locator("thead th").all_inner_texts()
    assert any("Golden Gate Solar Co." in h for h in headers)
    assert any("SunPower Installers" in h for h in headers)
    assert "Lowest price" in table.inner_text()
    assert page.get_by_role("link", name="Order this installation").count() == 2
    screenshot("02-compare")

    page.get_by_role("link", name="View offer").first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_role("link", name="Order this installation").is_visible()
    screenshot("03-offer")


def test_unknown_place_and_use_my_location_on_a_phone(
    browser: Any, live_server: Any, request: pytest.FixtureRequest, demo: None
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 30.2672, "longitude": -97.7431},  # Austin
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    folder = ARTIFACTS / "browser" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.goto("/?where=Atlantis")
        error = page.get_by_role("alert").filter(has_text="We don't know that place yet")
        assert error.is_visible()
        page.screenshot(path=str(folder / "01-unknown-place.png"), full_page=True)

        page.get_by_role("button", name="Use my location").click()
        page.get_by_role("heading", name="near your location").wait_for()
        assert page.get_by_label("Where").input_value() == ""
        cards = page.locator("article.offer-card")
        assert cards.count() == 4
        assert cards.first.locator("h3").inner_text() == "Hill Country Solar"  # rated 4.8
        # Mobile first: the cards stack in one column.
        boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
        assert len({round(box["x"]) for box in boxes}) == 1
        page.screenshot(path=str(folder / "02-near-me-phone.png"), full_page=True)
    finally:
        context.close()
