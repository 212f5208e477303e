"""Emily's journey as a BAP lives it: search, select, init (with the documents form, filled
and submitted), confirm and status with the guide's messages, the installer verifying the
documents and moving the order through every phase, and what the BAP hears of it, down to the
installation certificate and the invoice."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from catalog.taxonomy import SafetyStatus, TechnicianType
from documents import services as document_services
from documents.models import Certificate, Document, Invoice
from orders import services
from orders.models import Order
from tests.beckn.test_search_callbacks import assert_contains
from tests.conftest import Bap
from tests.documents.factories import fill_form_as_bap
from tests.orders.factories import TechnicianFactory, appointments_passed

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

    # Emily fills the item's form in her app and uploads the five documents.
    xinput = draft["items"][0]["xinput"]
    assert xinput["head"] == expected["items"][0]["xinput"]["head"]
    assert xinput["required"] is False
    assert xinput["form"]["mime_type"] == "text/html"
    submitted = fill_form_as_bap(xinput, url)
    assert submitted["status"] is True and submitted["complete"] is True

    confirm = bap.request("confirm", **transaction)
    confirm["message"]["order"]["items"][0]["xinput"] = {
        "form": {"submission_id": submitted["submission_id"]}
    }
    confirmed = bap.exchange(url, confirm, bpp_public_key)
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
    assert order.documentation_status == "COMPLETED"
    assert Document.objects.filter(order=order).count() == 5

    status_request = bap.request("status", **transaction)
    status_request["message"]["order_id"] = order_id
    status = bap.exchange(url, status_request, bpp_public_key)["message"]["order"]
    assert status["id"] == order_id
    assert status["billing"] == seed("on_status")["message"]["order"]["billing"]

    # The installer verifies the documents; the BAP hears when they all are.
    for document in Document.objects.filter(order=order):
        document_services.document_verify(document=document, status="VERIFIED", reviewer=INSTALLER)
    verified = next_unsolicited(bap, bpp_public_key)
    assert verified["context"]["action"] == "on_update"
    state_tags = verified["message"]["order"]["fulfillments"][0]["tags"][0]["list"]
    assert {"descriptor": {"code": "documentation-status"}, "value": "VERIFIED"} in state_tags

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
    order = appointments_passed(order)
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
    # The completing on_status; then, once the worker issued them after the completion, an
    # on_update brings the installation certificate and the invoice (in either order).
    told = {
        pushed["context"]["action"]: pushed["message"]["order"]
        for pushed in [next_unsolicited(bap, bpp_public_key) for _ in range(2)]
    }
    done, with_documents = told["on_status"], told["on_update"]
    assert done["status"] == with_documents["status"] == "COMPLETE"
    assert done["fulfillments"][0]["state"]["descriptor"]["code"] == "Completed"

    certificate, invoice = Certificate.objects.get(order=order), Invoice.objects.get(order=order)
    media = with_documents["fulfillments"][0]["state"]["descriptor"]["media"]
    assert [m["mimetype"] for m in media] == ["application/pdf", "application/pdf"]
    issued = {e["descriptor"]["code"]: e for e in with_documents["tags"][0]["list"]}
    assert with_documents["tags"][0]["descriptor"]["code"] == "issued_documents"
    assert issued["installation_certificate"]["descriptor"]["name"] == (
        f"Installation certificate {certificate.number}"
    )
    assert issued["invoice"]["descriptor"]["name"] == f"Invoice {invoice.number}"
    assert [m["url"] for m in media] == [
        issued["installation_certificate"]["value"],
        issued["invoice"]["value"],
    ]
    for link in media:
        pdf = requests.get(link["url"].replace("http://127.0.0.1:8000", url), timeout=10)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    check = requests.get(
        issued["certificate_verification"]["value"].replace("http://127.0.0.1:8000", url),
        timeout=10,
    )
    assert check.status_code == 200 and "Genuine" in check.text

    track = bap.request("track", message={"order_id": order_id}, **transaction)
    tracking = bap.exchange(url, track, bpp_public_key)["message"]["tracking"]
    assert tracking["status"] == "inactive"
    page = requests.get(tracking["url"].replace("http://127.0.0.1:8000", url), timeout=10)
    assert page.status_code == 200
    assert order_id in page.text and "Completed" in page.text
    assert certificate.number in page.text and invoice.number in page.text


def test_a_repeated_confirm_of_the_same_transaction_finds_the_same_order(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    transaction = {"transaction_id": str(uuid.uuid4())}
    first = bap.exchange(live_server.url, bap.request("confirm", **transaction), bpp_public_key)
    again = bap.exchange(live_server.url, bap.request("confirm", **transaction), bpp_public_key)

    assert first["message"]["order"]["id"] == again["message"]["order"]["id"]
    assert Order.objects.count() == 1
