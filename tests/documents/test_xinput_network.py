"""XInput as a buyer app lives it over the network: the form offered in on_select and on_init,
filled and submitted, its submission_id quoted in confirm; documents required first or collected
after the order; and what the BAP hears when the installer asks for a revision."""

import uuid
from typing import Any

import pytest
import requests

from catalog.models import Item
from documents import services
from documents.models import Document, Submission
from orders.models import Order
from tests.beckn.test_order_journey import next_unsolicited
from tests.conftest import Bap
from tests.documents.factories import fill_form_as_bap

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked")]
SEED_DOCUMENTS = [
    "ID proof",
    "Ownership certificate",
    "Electricity bill",
    "Net metering form",
    "Wiring diagram",
]
INSTALLER = "user:dispatcher@sunpower"


def tags(group: dict[str, Any]) -> dict[str, Any]:
    return {entry["descriptor"]["code"]: entry for entry in group["list"]}


def fulfillment_group(order: dict[str, Any], code: str) -> dict[str, Any]:
    groups = order["fulfillments"][0]["tags"]
    return tags(next(g for g in groups if g["descriptor"]["code"] == code))


def confirm_with(bap: Bap, transaction: dict[str, str], submission_id: str = "") -> dict:
    request = bap.request("confirm", **transaction)
    if submission_id:
        request["message"]["order"]["items"][0]["xinput"] = {
            "form": {"submission_id": submission_id}
        }
    return request


def test_select_and_init_offer_the_items_form(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    transaction = {"transaction_id": str(uuid.uuid4())}
    selected = bap.exchange(live_server.url, bap.request("select", **transaction), bpp_public_key)
    initialised = bap.exchange(live_server.url, bap.request("init", **transaction), bpp_public_key)

    for answer in (selected, initialised):
        xinput = answer["message"]["order"]["items"][0]["xinput"]
        assert xinput["required"] is False  # the guide's item: documents may follow the order
        assert xinput["head"] == {
            "descriptor": {"name": "Details Form"},
            "index": {"min": 0, "cur": 0, "max": 1},
            "headings": ["Customer Details", "Technical Details"],
        }
        form = xinput["form"]
        assert form["mime_type"] == "text/html" and form["resubmit"] is True
        assert form["url"] == "http://127.0.0.1:8000/documents/forms/sunpower_sf/sp-resi-001"
        assert form["auth"]["descriptor"] == {"code": "jwt"}
        assert "submission_id" not in form
    page = requests.get(
        form["url"].replace("http://127.0.0.1:8000", live_server.url),
        headers={"Authorization": f"Bearer {form['auth']['value']}"},
        timeout=10,
    )
    assert page.status_code == 200
    for name in [*SEED_DOCUMENTS, "Customer Details", "Technical Details"]:
        assert name in page.text


@pytest.fixture
def documents_first(demo_catalog: None) -> Item:
    item = Item.objects.get(external_id="sp-resi-001")
    item.documents_required_before_confirm = True
    item.save()
    return item


def test_an_item_that_needs_its_documents_first_is_not_confirmed_without_them(
    live_server: Any, bap: Bap, bpp_public_key: str, documents_first: Item
) -> None:
    transaction = {"transaction_id": str(uuid.uuid4())}
    init = bap.exchange(live_server.url, bap.request("init", **transaction), bpp_public_key)
    xinput = init["message"]["order"]["items"][0]["xinput"]
    assert xinput["required"] is True

    refused = bap.exchange(live_server.url, confirm_with(bap, transaction), bpp_public_key)
    assert refused["error"]["code"] == "40000"
    for name in [*SEED_DOCUMENTS, "sp-resi-001", "submission_id"]:
        assert name in refused["error"]["message"]
    assert "message" not in refused
    assert not Order.objects.exists()

    submitted = fill_form_as_bap(xinput, live_server.url)
    assert submitted["status"] is True and submitted["complete"] is True
    confirmed = bap.exchange(
        live_server.url, confirm_with(bap, transaction, submitted["submission_id"]), bpp_public_key
    )

    placed = confirmed["message"]["order"]
    order = Order.objects.get(installation_request_id=placed["id"])
    assert order.documentation_status == "COMPLETED"
    assert Submission.objects.get(pk=submitted["submission_id"]).order == order
    assert Document.objects.filter(order=order).count() == 5
    assert fulfillment_group(placed, "installation_state")["documentation-status"]["value"] == (
        "COMPLETED"
    )
    assert {code: e["value"] for code, e in fulfillment_group(placed, "documents").items()} == {
        "id_proof": "PENDING",
        "ownership_certificate": "PENDING",
        "electricity_bill": "PENDING",
        "net_metering_form": "PENDING",
        "wiring_diagram": "PENDING",
    }
    assert placed["items"][0]["xinput"]["form"]["submission_id"] == submitted["submission_id"]


def test_a_submission_of_another_transaction_is_refused(
    live_server: Any, bap: Bap, bpp_public_key: str, documents_first: Item
) -> None:
    other = {"transaction_id": str(uuid.uuid4())}
    init = bap.exchange(live_server.url, bap.request("init", **other), bpp_public_key)
    submitted = fill_form_as_bap(init["message"]["order"]["items"][0]["xinput"], live_server.url)

    transaction = {"transaction_id": str(uuid.uuid4())}
    refused = bap.exchange(
        live_server.url, confirm_with(bap, transaction, submitted["submission_id"]), bpp_public_key
    )
    assert refused["error"]["code"] == "40000"
    assert submitted["submission_id"] in refused["error"]["message"]
    assert not Order.objects.exists()


def test_documents_can_follow_the_order_and_a_revision_is_told_to_the_bap(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    transaction = {"transaction_id": str(uuid.uuid4())}
    confirmed = bap.exchange(live_server.url, confirm_with(bap, transaction), bpp_public_key)
    placed = confirmed["message"]["order"]
    order = Order.objects.get(installation_request_id=placed["id"])
    assert order.documentation_status == "PENDING"
    assert fulfillment_group(placed, "documents")["electricity_bill"] == {
        "descriptor": {
            "code": "electricity_bill",
            "name": "Electricity bill",
            "short_desc": "Not submitted yet",
        },
        "value": "PENDING",
        "display": True,
    }

    # The form of the order (linked from on_confirm, on_status and the tracking page).
    submitted = fill_form_as_bap(placed["items"][0]["xinput"], live_server.url)
    assert submitted["complete"] is True
    pushed = next_unsolicited(bap, bpp_public_key)
    assert pushed["context"]["action"] == "on_update"
    state = fulfillment_group(pushed["message"]["order"], "installation_state")
    assert state["documentation-status"]["value"] == "COMPLETED"

    bill = Document.objects.get(order=order, document_type__code="electricity_bill")
    services.document_verify(
        document=bill, status="NEEDS_REVISION", reviewer=INSTALLER, reason="The scan is cut off"
    )
    pushed = next_unsolicited(bap, bpp_public_key)
    assert pushed["context"]["action"] == "on_update"
    told = pushed["message"]["order"]
    assert fulfillment_group(told, "documents")["electricity_bill"]["value"] == "NEEDS_REVISION"
    assert fulfillment_group(told, "documents")["electricity_bill"]["descriptor"]["short_desc"] == (
        "The scan is cut off"
    )
    assert told["items"][0]["xinput"]["form"]["resubmit"] is True
    assert fulfillment_group(told, "installation_state")["documentation-status"]["value"] == (
        "PENDING"
    )
