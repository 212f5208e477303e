"""A dispatcher in the browser: the orders board, an order's page, the installation moved to
its next phase with an htmx button (the panels change, the page does not reload), and a
technician's phone-sized view of their job. Screenshots go to artifacts/browser/<test>/."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from catalog.taxonomy import InstallationPhase, InstallationStatus
from orders.models import OrderEvent
from tests.orders.factories import TechnicianFactory
from tests.web.workspace.helpers import Role, field_technician, installer, member, order_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dispatcher_opens_an_order_from_the_board_and_advances_its_phase(
    page: Any, sign_in: Callable[[Any], None], screenshot: Callable[[str], Path]
) -> None:
    provider = installer("SunPower Installers")
    david = TechnicianFactory(provider=provider, name="David C")
    order = order_for(provider, customer_name="Emily Tran", technician=david, priority="HIGH")
    order_for(provider, customer_name="Raj Patel")
    order_for(
        provider,
        customer_name="Ana Ruiz",
        status=InstallationStatus.IN_PROGRESS,
        phase=InstallationPhase.TESTING,
    )
    sign_in(member(provider, Role.DISPATCHER))

    page.goto("/installer/")
    scheduled = page.locator('[data-column="scheduled"]')
    assert scheduled.locator("[data-count]").inner_text() == "2"
    assert page.locator('[data-column="testing"] [data-count]').inner_text() == "1"
    assert scheduled.locator("article").first.get_attribute("data-order") == (
        order.installation_request_id  # high priority first
    )
    screenshot("01-board")

    page.get_by_label("Search").fill("raj")
    page.locator("[data-total]").filter(has_text="1").wait_for()
    assert "q=raj" in page.url  # htmx pushed the filter into the address bar
    page.get_by_role("link", name="Clear").click()
    page.locator("[data-total]").filter(has_text="3").wait_for()

    page.get_by_role("link", name=order.installation_request_id).click()
    page.get_by_role("heading", name=order.installation_request_id).wait_for()
    assert page.locator('[data-field="phase"]').inner_text() == "Not started"
    page.evaluate("window.sameDocument = true")
    screenshot("02-order")

    page.get_by_label("Note for the timeline").fill("Crew on site at 10:05")
    page.get_by_role("button", name="Start the site survey").click()
    page.locator('[data-field="phase"]').filter(has_text="Site survey").wait_for()

    assert page.evaluate("window.sameDocument") is True  # swapped by htmx, no reload
    assert page.get_by_role("status").first.inner_text() == (
        "The installation is now in site survey."
    )
    assert page.locator('.ws-step[aria-current="step"]').inner_text() == "Site survey"
    assert page.get_by_role("button", name="Move to preparation").is_visible()
    assert "Crew on site at 10:05" in page.locator("#panel-timeline").inner_text()
    phase = order.events.get(kind=OrderEvent.Kind.PHASE)
    assert (phase.to_value, phase.reason) == ("SITE_SURVEY", "Crew on site at 10:05")
    page.locator("#callbacks").get_by_text("No buyer app placed this order").wait_for()
    screenshot("03-site-survey-started")


def test_a_technician_works_their_job_from_a_phone(
    page: Any, sign_in: Callable[[Any], None], screenshot: Callable[[str], Path]
) -> None:
    provider = installer("SunPower Installers")
    user, technician = field_technician(provider)
    job = order_for(provider, technician=technician, customer_phone="+14155556666")
    order_for(provider)  # not theirs
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(user)

    page.goto("/installer/")
    assert page.locator("article[data-order]").count() == 1
    page.get_by_role("link", name=job.installation_request_id).click()
    assert page.get_by_role("link", name="+14155556666").get_attribute("href") == (
        "tel:+14155556666"
    )
    button = page.get_by_role("button", name="Start the site survey")
    box = button.bounding_box()
    assert box["width"] > 300  # a full-width button for a thumb
    button.click()
    page.locator('[data-field="phase"]').filter(has_text="Site survey").wait_for()
    page.get_by_role("textbox", name="Site note").fill("Panel board is in the garage")
    page.get_by_role("button", name="Add the note").click()
    page.locator("#panel-timeline").get_by_text("Panel board is in the garage").wait_for()
    assert page.locator("#panel-payment").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot("01-technician-phone")
