"""A payment the installer collects, as the buyer app lives it: on_init names no page yet,
on_confirm gives our pay page as `payments[0].url`, the homeowner pays there by card on the
test gateway, and the BAP hears of it unasked (an on_update with PAID, the transaction id, the
amount and the time, signed). A cancellation then refunds it: on_cancel tells the refund under
way, and an on_update tells it done. Every callback conforms to the core specification."""

import re
import uuid
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from catalog.taxonomy import PaymentStatus
from orders.models import Order
from payments.models import Payment
from payments.selectors import payment_page_url
from tests.beckn.test_order_journey import next_unsolicited
from tests.conftest import Bap
from tests.payments.conftest import embedded_gateway
from tests.payments.test_test_gateway_http import CARD, Browser, text

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked"),
]

__all__ = ["embedded_gateway"]  # autouse here too: the test gateway takes the payments


def tags_of(payment: dict[str, Any], group: str) -> dict[str, str]:
    found = [t for t in payment.get("tags", []) if t["descriptor"]["code"] == group]
    assert found, payment
    return {entry["descriptor"]["code"]: entry["value"] for entry in found[0]["list"]}


def stamp(payment: Payment) -> str:
    return payment.paid_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_the_bap_hears_of_a_card_payment_and_of_its_refund(
    live_server: Any, settings: Any, bap: Bap, bpp_public_key: str
) -> None:
    settings.SITE_URL = url = live_server.url
    transaction = {"transaction_id": str(uuid.uuid4())}

    initialised = bap.exchange(url, bap.request("init", **transaction), bpp_public_key)
    # No order yet, so no page to pay on: the url comes with the placed order.
    assert "url" not in initialised["message"]["order"]["payments"][0]

    confirmed = bap.exchange(url, bap.request("confirm", **transaction), bpp_public_key)
    order = Order.objects.get(installation_request_id=confirmed["message"]["order"]["id"])
    pay_page = payment_page_url(order=order)
    assert pay_page == f"{url}/payments/orders/{order.tracking_token}/pay"
    assert confirmed["message"]["order"]["payments"] == [
        {
            "type": "ON-FULFILLMENT",
            "collected_by": "BPP",
            "status": "NOT-PAID",
            "params": {"amount": "85000", "currency": "USD"},
            "url": pay_page,
        }
    ]

    # The homeowner follows the url: the installer, the order, the amount and when it is due.
    browser = Browser()
    page = text(browser.get(pay_page))
    assert "SunPower Installers" in page and order.installation_request_id in page
    assert "85,000.00 USD" in page and "Payable now" in page
    browser.submit()
    back = browser.submit(number="4242 4242 4242 4242", **CARD)
    assert back.url == f"{pay_page}?checkout=done"

    paid = next_unsolicited(bap, bpp_public_key)  # signed: verified with our key
    assert paid["context"]["action"] == "on_update"
    assert paid["context"]["transaction_id"] == transaction["transaction_id"]
    payment = Payment.objects.get(order=order)
    assert paid["message"]["order"]["payments"] == [
        {
            "type": "ON-FULFILLMENT",
            "collected_by": "BPP",
            "status": "PAID",
            "params": {
                "amount": "85000",
                "currency": "USD",
                "transaction_id": payment.gateway_reference,
            },
            "url": pay_page,
            "time": {"label": "PAID", "timestamp": stamp(payment)},
        }
    ]

    status_request = bap.request("status", message={"order_id": order.installation_request_id})
    status_request["context"]["transaction_id"] = transaction["transaction_id"]
    status = bap.exchange(url, status_request, bpp_public_key)["message"]["order"]
    assert status["payments"] == paid["message"]["order"]["payments"]

    # Cancelled within the terms: on_cancel says the refund is under way...
    cancel = bap.request(
        "cancel",
        message={"order_id": order.installation_request_id, "cancellation_reason_id": "1"},
        **transaction,
    )
    cancelled = bap.exchange(url, cancel, bpp_public_key)["message"]["order"]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["payments"][0]["status"] == "PAID"
    assert tags_of(cancelled["payments"][0], "refund") == {"refund-status": "PENDING"}

    # ...and once the worker had the gateway refund it, an on_update says it is done.
    refunded = next_unsolicited(bap, bpp_public_key)
    assert refunded["context"]["action"] == "on_update"
    told = refunded["message"]["order"]["payments"][0]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert told["status"] == "NOT-PAID"
    assert told["params"]["transaction_id"] == payment.gateway_reference
    assert tags_of(told, "refund") == {
        "refund-status": "REFUNDED",
        "refund-amount": "85000",
        "refunded-at": payment.refunded_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "refund-transaction-id": payment.refund_reference,
    }
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.REFUNDED


def test_a_payment_the_bap_collects_has_no_page_here(
    live_server: Any, settings: Any, bap: Bap, bpp_public_key: str
) -> None:
    settings.SITE_URL = url = live_server.url
    transaction = {"transaction_id": str(uuid.uuid4())}
    confirm = bap.request("confirm", **transaction)
    confirm["message"]["order"]["payments"] = [
        {"type": "ON-FULFILLMENT", "collected_by": "BAP", "status": "NOT-PAID"}
    ]
    placed = bap.exchange(url, confirm, bpp_public_key)["message"]["order"]
    assert placed["payments"][0]["collected_by"] == "BAP"
    assert placed["payments"][0]["url"] == ""
    assert "time" not in placed["payments"][0]
    order = Order.objects.get(installation_request_id=placed["id"])
    page = text(Browser().get(payment_page_url(order=order)))
    assert "The buyer&#x27;s app collects the payment of this order." in page
    assert not Payment.objects.exists()


def test_a_homeowner_pays_in_the_browser_and_the_bap_hears_of_it(
    page: Any,
    live_server: Any,
    settings: Any,
    bap: Bap,
    bpp_public_key: str,
    screenshot: Callable[[str], Path],
) -> None:
    """Emily ordered through her app; she opens the order's page (its tracking link), clicks
    Pay, types the good test card on the gateway's page and comes back to her receipt."""
    settings.SITE_URL = url = live_server.url
    transaction = {"transaction_id": str(uuid.uuid4())}
    confirmed = bap.exchange(url, bap.request("confirm", **transaction), bpp_public_key)
    order = Order.objects.get(installation_request_id=confirmed["message"]["order"]["id"])

    page.goto(f"/track/{order.tracking_token}")
    screenshot("01-order")
    page.get_by_role("button", name="Pay 85,000.00 USD by card").click()
    page.wait_for_url(re.compile(r"/payments/test-gateway/checkouts/tcs_\w+/$"))
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill(CARD["expiry"])
    page.get_by_label("CVC").fill(CARD["cvc"])
    page.get_by_label("Name on the card").fill(CARD["name"])
    screenshot("02-card")
    page.get_by_role("button", name="Pay 85,000.00 USD").click()
    page.wait_for_url(f"{payment_page_url(order=order)}?checkout=done")
    # The page looks again until the gateway's event reached us: then the receipt.
    page.locator('[data-field="transaction-id"]').wait_for()
    screenshot("03-receipt")
    payment = Payment.objects.get(order=order)
    assert page.locator('[data-field="transaction-id"]').inner_text() == payment.gateway_reference
    assert page.locator('[data-field="paid"]').inner_text().startswith("85,000.00 USD on ")

    paid = next_unsolicited(bap, bpp_public_key)  # signed: verified with our key
    assert paid["context"]["action"] == "on_update"
    told = paid["message"]["order"]["payments"][0]
    assert told["status"] == "PAID"
    assert told["params"]["transaction_id"] == payment.gateway_reference
    assert (told["params"]["amount"], told["params"]["currency"]) == ("85000", "USD")
    assert told["time"]["timestamp"] == stamp(payment)

    page.goto(f"/track/{order.tracking_token}")
    assert page.locator('[data-field="paid"]').inner_text().startswith("Paid 85,000.00 USD on ")
