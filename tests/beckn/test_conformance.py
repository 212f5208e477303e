"""Our own structural checks of callbacks (beckn/conformance.py), which run with or without the
official specification: each rule is shown to catch what it is for."""

import copy
import json
from pathlib import Path

import pytest

from beckn import conformance

DATA = Path(__file__).parent / "data"


def seed(name: str) -> dict:
    body = json.loads((DATA / f"seed_{name}.json").read_text())
    if name == "on_init":  # the guide's example leaves out the terms our on_init always gives
        body["message"]["order"]["cancellation_terms"] = [
            {"fulfillment_state": {"descriptor": {"code": "SCHEDULED"}}, "cancellation_fee": {}}
        ]
    return body


@pytest.mark.parametrize("name", ["on_search", "on_select", "on_init", "on_confirm", "on_status"])
def test_the_guides_own_callbacks_conform(name: str) -> None:
    assert conformance.violations(name, seed(name)) == []


def test_a_missing_context_field_and_a_wrong_action_are_named() -> None:
    body = seed("on_select")
    del body["context"]["bpp_id"]
    assert conformance.violations("on_status", body) == [
        "context.bpp_id is missing",
        "context.action is 'on_select', expected 'on_status'",
    ]


def test_an_item_without_a_deg_tag_group_is_named() -> None:
    body = seed("on_search")
    item = body["message"]["catalog"]["providers"][0]["items"][0]
    item["tags"] = [t for t in item["tags"] if t["descriptor"]["code"] != "documentation"]
    [problem] = conformance.violations("on_search", body)
    assert problem.endswith("lacks the tag group(s) documentation")


def test_a_quote_whose_breakup_does_not_add_up_is_named() -> None:
    body = seed("on_init")
    body["message"]["order"]["quote"]["breakup"].append(
        {"title": "Permit", "price": {"value": "150", "currency": "USD"}}
    )
    assert conformance.violations("on_init", body) == [
        "order.quote.breakup adds up to 85150, not the quoted 85000"
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda o: o["payments"][0].pop("collected_by"), "order.payments[0] lacks collected_by"),
        (lambda o: o.update(payments=[]), "order.payments is empty"),
        (lambda o: o.update(cancellation_terms=[]), "order.cancellation_terms is empty"),
        (lambda o: o.pop("quote"), "order.quote is missing"),
        (lambda o: o["provider"].pop("id"), "order.provider.id is missing"),
    ],
)
def test_the_terms_the_guide_puts_on_an_order_are_required(change, expected: str) -> None:
    body = seed("on_init")
    assert conformance.violations("on_init", body) == []
    broken = copy.deepcopy(body)
    change(broken["message"]["order"])
    assert expected in conformance.violations("on_init", broken)


def test_a_business_error_carries_no_order_to_check() -> None:
    body = seed("on_init")
    body["message"] = {}
    body["error"] = {"code": "30004", "message": "Item not found"}
    assert conformance.violations("on_init", body) == []
