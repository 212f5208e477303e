"""Our own structural checks of a callback, which need no copy of the Beckn specification.

`violations(action, payload)` lists how an `on_<action>` body breaks what the DEG installation
guide and the Beckn core rules promise a buyer app, whatever the OpenAPI document says:
the context a callback must carry, the DEG tag groups of every catalog item, a quote whose
breakup adds up to its price, payments with a type, a collector and a status, and cancellation
terms on on_init, where the guide settles them. The tests' checked callback server
and the simulator both use them; the OpenAPI comparison (beckn/openapi.py) comes on top where the
specification is at hand.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

JSON = dict[str, Any]

DEG_TAG_GROUPS = (
    "system_specification",
    "installation_context",
    "installer_details",
    "financial_details",
    "documentation",
)
# Installations with a system capacity (kW or kWh), which the guide puts in system_specification.
CAPACITY_CATEGORIES = {
    "solar_panel_installation",
    "battery_system_installation",
    "ev_charger_installation",
}
CONTEXT_FIELDS = ("domain", "action", "version", "bap_id", "bpp_id", "bpp_uri")
CONTEXT_IDS = ("transaction_id", "message_id", "timestamp")
# The order callback whose order, in the guide, carries the quote, payment and cancellation terms.
TERMS_ACTIONS = ("on_init",)
ORDER_ACTIONS = ("on_select", "on_init", "on_confirm", "on_status", "on_update", "on_cancel")


def _dict(value: object) -> JSON:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _code(node: object) -> object:
    return _dict(_dict(node).get("descriptor")).get("code")


def _amount(price: object) -> Decimal | None:
    value = _dict(price).get("value")
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def violations(action: str, payload: object) -> list[str]:
    """How the `action` callback (e.g. "on_search") breaks our structural rules; [] if none."""
    body = _dict(payload)
    context = _dict(body.get("context"))
    found = [
        f"context.{name} is missing"
        for name in (*CONTEXT_FIELDS, *CONTEXT_IDS)
        if not context.get(name)
    ]
    if context.get("action") and context["action"] != action:
        found.append(f"context.action is {context['action']!r}, expected {action!r}")
    if body.get("error"):
        return found  # a business error carries no catalog or order to check
    message = _dict(body.get("message"))
    if action == "on_search":
        found += catalog_violations(_dict(message.get("catalog")))
    elif action in ORDER_ACTIONS:
        found += order_violations(_dict(message.get("order")), terms=action in TERMS_ACTIONS)
    return found


def catalog_violations(catalog: JSON) -> list[str]:
    """Every item has the guide's tag groups; a meter or smart-device installation, which has no
    system capacity, may leave out `system_specification`."""
    found = []
    for p, provider in enumerate(_list(catalog.get("providers"))):
        provider = _dict(provider)
        if not provider.get("id"):
            found.append(f"catalog.providers[{p}].id is missing")
        codes = {_dict(c).get("id"): _code(c) for c in _list(provider.get("categories"))}
        for i, item in enumerate(_list(provider.get("items"))):
            item = _dict(item)
            where = f"catalog.providers[{p}].items[{i}]"
            if not item.get("id"):
                found.append(f"{where}.id is missing")
            categories = {codes.get(c) for c in _list(item.get("category_ids"))}
            required = [
                group
                for group in DEG_TAG_GROUPS
                if group != "system_specification" or categories & CAPACITY_CATEGORIES
            ]
            groups = {_code(tag) for tag in _list(item.get("tags"))}
            missing = [g for g in required if g not in groups]
            if missing:
                found.append(f"{where} lacks the tag group(s) {', '.join(missing)}")
    return found


def order_violations(order: JSON, *, terms: bool) -> list[str]:
    """The quote adds up, payments say who collects what, the terms are there where due."""
    if not order:
        return ["message.order is missing"]
    found = []
    if not _dict(order.get("provider")).get("id"):
        found.append("order.provider.id is missing")
    quote = _dict(order.get("quote"))
    if quote:
        total = _amount(quote.get("price"))
        breakup = [_amount(_dict(line).get("price")) for line in _list(quote.get("breakup"))]
        if total is None:
            found.append("order.quote.price.value is missing or not a number")
        elif breakup and None not in breakup and sum(breakup, Decimal(0)) != total:
            found.append(
                f"order.quote.breakup adds up to {sum(breakup, Decimal(0))}, not the quoted {total}"
            )
        elif None in breakup:
            found.append("order.quote.breakup has a line without a numeric price")
    for index, payment in enumerate(_list(order.get("payments"))):
        missing = [n for n in ("type", "collected_by", "status") if not _dict(payment).get(n)]
        if missing:
            found.append(f"order.payments[{index}] lacks {', '.join(missing)}")
    if terms:
        if not _list(order.get("payments")):
            found.append("order.payments is empty")
        if not _list(order.get("cancellation_terms")):
            found.append("order.cancellation_terms is empty")
        if not quote:
            found.append("order.quote is missing")
    return found
