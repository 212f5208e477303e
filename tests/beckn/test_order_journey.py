"""Emily's journey as a BAP lives it: search, select, init, confirm and status with the guide's
messages, the installer moving the order through every phase, and what the BAP hears of it."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from catalog.taxonomy import SafetyStatus, TechnicianType
from orders import services
from orders.models import Order
from tests.beckn.test_search_callbacks import assert_contains
from tests.conftest import Bap
from tests.orders.factories import TechnicianFactory

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked")]

DATA = Path(__file__).parent / "data"
INSTALLER = "user:dispatcher@sunpower"


def seed(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"seed_{name}.json").read_text())


def next_unsolicited(bap: Bap, public_key: str) -> dict[str, Any]:
    callback = bap.server.wait(timeout=20)
    callback.verify(public_key)
    return callback.payload


def test_emilys_whole_journey(live_server: Any, bap: Bap, bpp_public_key: str) -> None:
    url = live_server.url
    transaction = {"transaction_id": str(uuid.uuid4())}

    found = bap.exchange(url, bap.request("search", **transaction), bpp_public_key)
    assert [p["id"] for p in found["message"]["catalog"]["providers"]] == ["sunpower_sf"]

    selected = bap.exchange(url, bap.request("select", **transaction), bpp_public_key)
    order = selected["message"]["order"]
    assert_contains(order["provider"], seed("on_select")["message"]["order"]["provider"])
    assert order["items"][0]["id"] == "sp-resi-001"
    assert order["items"][0]["price"] == {"estimated_value": "85000", "currency": "USD"}
    assert order["quote"]["price"] == {"value": "85000", "currency": "USD"}

    initialised = bap.exchange(url, bap.request("init", **transaction), bpp_public_key)
    draft = initialised["message"]["order"]
    expected = seed("on_init")["message"]["order"]
    for name in ("billing", "quote"):
        assert draft[name] == expected[name]
    fulfillment = draft["fulfillments"][0]
    for name in ("id", "type", "tracking", "state", "customer", "stops", "contact"):
        assert fulfillment[name] == expected["fulfillments"][0][name], name
    assert draft["payments"] == [
        {
            "type": "ON-FULFILLMENT",
            "collected_by": "BPP",
            "status": "NOT-PAID",
            "params": {"amount": "85000", "currency": "USD"},
        },
    ]
    assert draft["cancellation_terms"][0]["fulfillment_state"]["descriptor"]["code"] == "Scheduled"

    confirmed = bap.exchange(url, bap.request("confirm", **transaction), bpp_public_key)
    placed = confirmed["message"]["order"]
    order_id = placed["id"]
    assert order_id.startswith("IR-")
    assert_contains(placed["provider"], seed("on_confirm")["message"]["order"]["provider"])
    assert placed["status"] == "ACTIVE"
    assert placed["fulfillments"][0]["state"]["descriptor"]["code"] == "Scheduled"
    assert placed["fulfillments"][0]["stops"][0]["time"]["range"]["start"]
    order = Order.objects.get(installation_request_id=order_id)
    assert (order.status, order.scheduling_status) == ("SCHEDULED", "CONFIRMED")
    assert order.buyer_reference == bap.subscriber_id

    status_request = bap.request("status", **transaction)
    status_request["message"]["order_id"] = order_id
    status = bap.exchange(url, status_request, bpp_public_key)["message"]["order"]
    assert status["id"] == order_id
    assert status["billing"] == seed("on_status")["message"]["order"]["billing"]

    # The installer works the order; the BAP hears of each change, unasked.
    technician = TechnicianFactory(
        provider=order.provider,
        name="David C",
        phone="+1423452345",
        technician_type=TechnicianType.SOLAR_TECHNICIAN,
    )
    services.order_technician_assign(order=order, technician=technician, actor=INSTALLER)
    pushed = next_unsolicited(bap, bpp_public_key)
    assert pushed["context"]["action"] == "on_status"
    assert pushed["context"]["message_id"] != status_request["context"]["message_id"]
    assert pushed["context"]["transaction_id"] == transaction["transaction_id"]
    fulfillment = pushed["message"]["order"]["fulfillments"][0]
    assert fulfillment["state"]["descriptor"] == {
        "code": "Technician-dispatched",
        "name": "Technician Dispatched",
        "long_desc": fulfillment["state"]["descriptor"]["long_desc"],
    }
    assert fulfillment["agent"] == seed("on_status")["message"]["order"]["fulfillments"][0]["agent"]

    seen = []
    for _ in range(5):
        services.order_phase_advance(order=order, actor=INSTALLER)
        pushed = next_unsolicited(bap, bpp_public_key)
        assert pushed["context"]["action"] == "on_status"
        seen.append(pushed["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"])
    assert seen == [
        "Site-survey",
        "Preparation",
        "Installation-in-progress",
        "Testing",
        "Commissioning",
    ]

    cancel = bap.request(
        "cancel", message={"order_id": order_id, "cancellation_reason_id": "1"}, **transaction
    )
    refused = bap.exchange(url, cancel, bpp_public_key)
    assert refused["error"]["code"] == "50001"

    services.order_safety_record(order=order, safety_status=SafetyStatus.VERIFIED, actor=INSTALLER)
    assert next_unsolicited(bap, bpp_public_key)["context"]["action"] == "on_status"
    services.order_payment_record(order=order, status="PAID", actor=INSTALLER, reference="R-1")
    paid = next_unsolicited(bap, bpp_public_key)
    assert paid["context"]["action"] == "on_update"
    assert paid["message"]["order"]["payments"][0]["status"] == "PAID"
    services.order_complete(order=order, actor=INSTALLER)
    done = next_unsolicited(bap, bpp_public_key)["message"]["order"]
    assert done["status"] == "COMPLETE"
    assert done["fulfillments"][0]["state"]["descriptor"]["code"] == "Completed"

    track = bap.request("track", message={"order_id": order_id}, **transaction)
    tracking = bap.exchange(url, track, bpp_public_key)["message"]["tracking"]
    assert tracking["status"] == "inactive"
    page = __import__("requests").get(
        tracking["url"].replace("http://127.0.0.1:8000", url), timeout=10
    )
    assert page.status_code == 200
    assert order_id in page.text and "Completed" in page.text


def test_a_repeated_confirm_of_the_same_transaction_finds_the_same_order(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    transaction = {"transaction_id": str(uuid.uuid4())}
    first = bap.exchange(live_server.url, bap.request("confirm", **transaction), bpp_public_key)
    again = bap.exchange(live_server.url, bap.request("confirm", **transaction), bpp_public_key)

    assert first["message"]["order"]["id"] == again["message"]["order"]["id"]
    assert Order.objects.count() == 1
