"""Every homeowner page at a phone's width (390 px) and a desktop's (1280 px): nothing is wider
than the window (no sideways scrolling). Each page is saved as a PNG at both widths in
$SCREENSHOTS_DIR (default artifacts/screenshots/), which is what `make screenshots` runs for."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from catalog.models import Item
from catalog.taxonomy import InstallationStatus
from orders.models import Order
from tests.browser import ARTIFACTS
from tests.web.homeowner.helpers import homeowner_client, place_web_order, sunpower_item

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_catalog", "private_storage"),
]

WIDTHS = {"phone": 390, "desktop": 1280}
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ARTIFACTS / "screenshots"))


# The elements that stick out on the right, for the failure's message.
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3).map((el) => `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`)"""


def offer(external_id: str) -> Item:
    return Item.objects.get(external_id=external_id)


@pytest.fixture
def homeowner_pages() -> Iterator[tuple[Any, list[tuple[str, str]], list[tuple[str, str]]]]:
    """Emily, with one order placed and one completed (to rate), and every page she sees."""
    client = homeowner_client()
    placed = place_web_order(client, sunpower_item())
    completed = place_web_order(client, offer("ggs-resi-001"))
    Order.objects.filter(pk=completed.pk).update(status=InstallationStatus.COMPLETED)
    compared = [offer(i).pk for i in ("sp-resi-001", "ggs-resi-001", "mrs-resi-001")]
    public = [
        ("discover", "/"),
        ("discover-results", "/?where=San+Francisco&type=SOLAR_PANEL"),
        ("installer", reverse("catalog:provider", args=["goldengate_solar_sf"])),
        ("offer", reverse("catalog:item", args=["goldengate_solar_sf", "ggs-resi-001"])),
        ("compare", "/compare/?" + "&".join(f"offer={pk}" for pk in compared)),
        ("track", reverse("orders:track", args=[placed.tracking_token])),
        ("rate", reverse("orders:track", args=[completed.tracking_token])),
        ("sign-up", reverse("orders:signup")),
        ("sign-in", reverse("login")),
    ]
    signed_in = [
        ("order-step-1", reverse("orders:order-new", args=[offer("mrs-resi-001").pk])),
        ("my-orders", reverse("orders:my-orders")),
        ("my-order", reverse("orders:order", args=[placed.installation_request_id])),
    ]
    yield client, public, signed_in


def test_every_homeowner_page_fits_a_phone_and_a_desktop(
    browser: Any, live_server: Any, homeowner_pages: Any
) -> None:
    client, public, signed_in = homeowner_pages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for device, width in WIDTHS.items():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 844 if width < 800 else 900},
        )
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        for name, url in public:
            too_wide += _visit(tab, name, url, device)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        for name, url in signed_in:
            too_wide += _visit(tab, name, url, device)
        context.close()
    assert not too_wide, too_wide


def _visit(tab: Any, name: str, url: str, device: str) -> list[str]:
    response = tab.goto(url)
    assert response.status == 200, (name, url, response.status)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}-{device}.png"), full_page=True)
    scroll, inner = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll <= inner:
        return []
    return [f"{name} at {device}: {scroll} px wide in {inner}: {tab.evaluate(WIDEST)}"]


def test_the_stars_are_rated_with_the_keyboard(page: Any, homeowner_pages: Any) -> None:
    _, public, _ = homeowner_pages
    page.goto(dict(public)["rate"])
    stars = page.get_by_role("group", name="Your rating")
    stars.get_by_role("radio", name="1 star", exact=True).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert stars.get_by_role("radio", name="4 stars").is_checked()
    page.get_by_role("button", name="Send my rating").click()
    page.get_by_text("Your rating: 4/5").wait_for()
    assert page.locator('[aria-label="4 out of 5 stars"]').count() >= 1
