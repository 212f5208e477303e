"""Business errors are ACKed and reported in the callback's error, with their BECKN-005 code."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from catalog.models import Item
from catalog.taxonomy import InstallationPhase, InstallationStatus
from orders.models import Order
from orders.policies import Slot
from tests.conftest import Bap
from tests.orders.factories import OrderFactory, working_slot

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked")]


def sunpower_order(bap: Bap, buyer: str = "", **fields: Any) -> Order:
    """An order of the guide's item, placed by `bap` (or by the buyer app `buyer`)."""
    item = Item.objects.get(external_id="sp-resi-001")
    return OrderFactory(
        provider=item.provider,
        fulfillment=item.fulfillments.get(),
        items=[item],
        buyer_reference=buyer or bap.subscriber_id,
        **fields,
    )


def at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def order_message(bap: Bap, action: str, **changes: Any) -> dict:
    order = bap.request(action)["message"]["order"]
    order.update(changes)
    return {"order": order}


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def time_range(slot: Slot) -> dict[str, Any]:
    return {"range": {"start": stamp(slot.start), "end": stamp(slot.end)}}


def saturday() -> Slot:
    """10:00 to 12:00 on a Saturday in San Francisco: SunPower works Monday to Friday."""
    start = working_slot(2).start + timedelta(days=1)
    while start.isoweekday() != 6:
        start += timedelta(days=1)
    return Slot(start, start + timedelta(hours=2))


def asking_for(bap: Bap, action: str, slot: Slot) -> dict:
    """The guide's init/confirm, asking for the site survey at `slot`."""
    message = order_message(bap, action)
    message["order"]["fulfillments"][0]["stops"][0]["time"] = time_range(slot)
    return message


CASES = [
    ("select", lambda bap: order_message(bap, "select", provider={"id": "nobody"}), "30001"),
    ("select", lambda bap: order_message(bap, "select", items=[{"id": "sp-x"}]), "30004"),
    ("init", lambda bap: order_message(bap, "init", fulfillments=[{"id": "9"}]), "30008"),
    ("init", lambda bap: order_message(bap, "init", payments=[{"type": "PRE-ORDER"}]), "40004"),
    (
        "confirm",
        lambda bap: order_message(
            bap, "confirm", quote={"price": {"value": "80000", "currency": "USD"}}
        ),
        "40003",
    ),
    ("status", lambda bap: {"order_id": "IR-0000-NOSUCH"}, "30010"),
    (
        "status",
        lambda bap: {"order_id": sunpower_order(bap, buyer="other.bap").installation_request_id},
        "30010",
    ),
    (
        "cancel",
        lambda bap: {
            "order_id": sunpower_order(bap).installation_request_id,
            "cancellation_reason_id": "99",
        },
        "30011",
    ),
    (
        "cancel",
        lambda bap: {
            "order_id": sunpower_order(
                bap, status=InstallationStatus.IN_PROGRESS, phase=InstallationPhase.INSTALLATION
            ).installation_request_id,
            "cancellation_reason_id": "1",
        },
        "50001",
    ),
    (
        "update",
        lambda bap: {
            "update_target": "order.provider",
            "order": {"id": sunpower_order(bap).installation_request_id},
        },
        "30012",
    ),
    (
        "update",
        lambda bap: {
            "update_target": "order.billing",
            "order": {
                "id": sunpower_order(bap).installation_request_id,
                "billing": {"name": "E", "address": "Elsewhere", "email": "e@example.com"},
                "payments": [{"status": "PAID"}],
            },
        },
        "30013",
    ),
    (
        "update",
        lambda bap: {
            "update_target": "order.fulfillments[0].stops[0].time",
            "order": {
                "id": sunpower_order(
                    bap, status=InstallationStatus.IN_PROGRESS, phase=InstallationPhase.TESTING
                ).installation_request_id,
                "fulfillments": [
                    {"stops": [{"time": {"range": {"start": at(48), "end": at(50)}}}]}
                ],
            },
        },
        "50002",
    ),
    (
        "update",
        lambda bap: {
            "update_target": "order.fulfillments[0].stops[0].time",
            "order": {
                "id": sunpower_order(bap).installation_request_id,
                "fulfillments": [
                    {"stops": [{"time": {"range": {"start": at(-5), "end": at(-3)}}}]}
                ],
            },
        },
        "50002",
    ),
    (
        "update",
        lambda bap: {
            "update_target": "order.fulfillments[0].stops[0].time",
            "order": {
                "id": sunpower_order(bap).installation_request_id,
                "fulfillments": [{"stops": [{"time": time_range(saturday())}]}],
            },
        },
        "50002",
    ),
    ("init", lambda bap: asking_for(bap, "init", saturday()), "50002"),
    ("confirm", lambda bap: asking_for(bap, "confirm", saturday()), "50002"),
    ("support", lambda bap: {"support": {"ref_id": "nothing-here"}}, "50004"),
]


@pytest.mark.parametrize(
    "action, message, code",
    CASES,
    ids=[f"{action}-{code}-{n}" for n, (action, _, code) in enumerate(CASES)],
)
def test_business_errors_come_back_in_the_callback(
    live_server: Any, bap: Bap, bpp_public_key: str, action: str, message: Any, code: str
) -> None:
    payload = bap.request(action, message=message(bap))

    answer = bap.exchange(live_server.url, payload, bpp_public_key)

    assert answer["error"]["code"] == code
    assert answer["error"]["message"]


def test_a_survey_time_outside_the_installers_hours_is_refused_in_words(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    orders = Order.objects.count()
    for action in ("init", "confirm"):
        payload = bap.request(action, message=asking_for(bap, action, saturday()))

        error = bap.exchange(live_server.url, payload, bpp_public_key)["error"]

        assert error["code"] == "50002"
        assert error["message"].startswith(
            "SunPower Installers works Monday\u2013Friday, 08:00\u201317:00 P"  # PST or PDT
        )
        assert "(America/Los_Angeles)" in error["message"]
        assert "is outside those hours" in error["message"]
    assert Order.objects.count() == orders

    inside = working_slot(3)
    payload = bap.request("confirm", message=asking_for(bap, "confirm", inside))
    placed = bap.exchange(live_server.url, payload, bpp_public_key)["message"]["order"]
    assert placed["fulfillments"][0]["stops"][0]["time"] == time_range(inside)


def test_an_order_placed_by_one_bap_is_invisible_to_another(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    order = sunpower_order(bap, buyer="someone-else.example")
    for action, message in [
        ("status", {"order_id": order.installation_request_id}),
        ("track", {"order_id": order.installation_request_id}),
        ("cancel", {"order_id": order.installation_request_id, "cancellation_reason_id": "1"}),
    ]:
        answer = bap.exchange(live_server.url, bap.request(action, message=message), bpp_public_key)
        assert answer["error"]["code"] == "30010"
    order.refresh_from_db()
    assert order.status == InstallationStatus.SCHEDULED


def test_update_cancel_and_support_of_ones_own_order(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    order = sunpower_order(bap)
    order_id = order.installation_request_id
    url = live_server.url
    in_hours = working_slot(3)  # 10:00 to 12:00 on a weekday in San Francisco

    moved = bap.exchange(
        url,
        bap.request(
            "update",
            message={
                "update_target": "order.fulfillments[0].stops[0].time",
                "order": {
                    "id": order_id,
                    "fulfillments": [{"stops": [{"time": time_range(in_hours)}]}],
                },
            },
        ),
        bpp_public_key,
    )["message"]["order"]
    assert moved["fulfillments"][0]["stops"][0]["time"] == time_range(in_hours)
    order.refresh_from_db()
    assert order.scheduling_status == "RESCHEDULED"

    billed = bap.exchange(
        url,
        bap.request(
            "update",
            message={
                "update_target": "order.billing",
                "order": {
                    "id": order_id,
                    "billing": {
                        "name": "Emily T. Tran",
                        "address": "1 New St",
                        "phone": "+14155550000",
                    },
                },
            },
        ),
        bpp_public_key,
    )["message"]["order"]
    assert billed["billing"] == {
        "name": "Emily T. Tran",
        "phone": "+14155550000",
        "address": "1 New St",
    }

    support = bap.exchange(
        url, bap.request("support", message={"support": {"ref_id": order_id}}), bpp_public_key
    )["message"]["support"]
    assert support == {
        "ref_id": order_id,
        "phone": "+18005559999",
        "email": "install@sunpower.com",
        "url": "https://sunpower.com/support",
    }

    cancelled = bap.exchange(
        url,
        bap.request(
            "cancel",
            message={
                "order_id": order_id,
                "cancellation_reason_id": "3",
                "descriptor": {"short_desc": "Moving house"},
            },
        ),
        bpp_public_key,
    )["message"]["order"]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["fulfillments"][0]["state"]["descriptor"]["code"] == "Cancelled"
    assert cancelled["cancellation"] == {
        "cancelled_by": "CONSUMER",
        "reason": {"descriptor": {"short_desc": "The appointment does not suit me: Moving house"}},
    }
    assert [e.kind for e in Order.objects.get(pk=order.pk).events.all()] == [
        "SCHEDULE",
        "BILLING",
        "STATUS",
    ]
    assert bap.unsolicited == []  # the BAP's own changes come back only as their callbacks
