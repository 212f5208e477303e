"""The checks the simulator makes of a BPP's answers; each gives the first difference it finds.

A check is a `Check(name, result, detail)`; `result` is "pass", "fail" or "skip". The names are
stable (they appear in `--json`): `ack`, `nack`, `callback`, `signature`, `context`, `schema`,
`deg`, `form`, `submission`, `no_callback`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from beckn import signing
from beckn.conformance import DEG_TAG_GROUPS, order_violations
from beckn.openapi import SpecSchemas, summary
from beckn.peers import ReceivedCallback

JSON = dict[str, Any]
PASS, FAIL, SKIP = "pass", "fail", "skip"

DEG_CATEGORY = "solar_panel_installation"


@dataclass
class Check:
    name: str
    result: str
    detail: str = ""

    def as_json(self) -> JSON:
        return {"name": self.name, "result": self.result, "detail": self.detail}


def passed(name: str, detail: str = "") -> Check:
    return Check(name, PASS, detail)


def failed(name: str, detail: str) -> Check:
    return Check(name, FAIL, detail)


def skipped(name: str, detail: str) -> Check:
    return Check(name, SKIP, detail)


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _header(headers: dict[str, str], name: str) -> str:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), "")


# -- the synchronous answer ---------------------------------------------------------------------


def describe_answer(response: requests.Response) -> str:
    """`HTTP 401 NACK 30000: <message>` or an excerpt of whatever came back."""
    body = _json_or_none(response)
    if isinstance(body, dict):
        status = ((body.get("message") or {}).get("ack") or {}).get("status")
        error = body.get("error") or {}
        if status or error:
            text = f"HTTP {response.status_code} {status or '(no ack status)'}"
            if isinstance(error, dict) and (error.get("code") or error.get("message")):
                text += f" {error.get('code', '')}: {error.get('message', '')}".rstrip(": ")
            return text
    return f"HTTP {response.status_code}: {_excerpt(response.text) or '(empty body)'}"


def check_ack(response: requests.Response, action: str, schemas: SpecSchemas | None) -> Check:
    """HTTP 200 with `{"message": {"ack": {"status": "ACK"}}}` (and the spec's ACK schema)."""
    body = _json_or_none(response)
    status = (
        ((body.get("message") or {}).get("ack") or {}).get("status")
        if isinstance(body, dict) and isinstance(body.get("message"), dict)
        else None
    )
    if response.status_code != 200 or status != "ACK":
        hint = ""
        if response.status_code == 404 and status is None:
            hint = " (is --bpp-url the BPP's bpp_uri, e.g. http://host:8000/beckn for Sunbeckn?)"
        return failed("ack", f"expected HTTP 200 ACK, got {describe_answer(response)}{hint}")
    if body.get("error"):
        return failed("ack", f"an ACK must not carry an error: {json.dumps(body['error'])}")
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type:
        return failed("ack", f"Content-Type is {content_type!r}, not application/json")
    if schemas is not None:
        violations = schemas.ack(action, body)
        if violations:
            return failed("ack", f"the ACK breaks the spec: {summary(violations)}")
    return passed("ack", f"HTTP 200 ACK in {response.elapsed.total_seconds() * 1000:.0f} ms")


def check_nack(response: requests.Response, *, statuses: Iterable[int]) -> Check:
    """A refusal as BECKN-006/005 say: the HTTP status expected, a NACK body with an error
    code, and `WWW-Authenticate` on a 401."""
    allowed = tuple(statuses)
    body = _json_or_none(response)
    got = describe_answer(response)
    expected = " or ".join(str(s) for s in allowed)
    if response.status_code not in allowed:
        return failed("nack", f"expected HTTP {expected} NACK, got {got}")
    ack = (
        ((body.get("message") or {}).get("ack") or {}).get("status")
        if isinstance(body, dict) and isinstance(body.get("message"), dict)
        else None
    )
    if ack != "NACK":
        return failed("nack", f"expected a NACK body, got {got}")
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("code"):
        return failed("nack", f"the NACK has no error.code: {got}")
    if response.status_code == 401 and not response.headers.get("WWW-Authenticate"):
        return failed("nack", f"a 401 must carry WWW-Authenticate (BECKN-006): {got}")
    return passed("nack", got)


# -- who signed the callback --------------------------------------------------------------------


class KeyLookupFailed(Exception):
    pass


class KeyResolver:
    """The BPP's signing public key: given once (`public_key`), or looked up in a registry
    (`POST <registry>/lookup` with subscriber_id and key_id; answers cached)."""

    def __init__(
        self, *, public_key: str | None = None, registry_url: str | None = None, timeout: float = 5
    ) -> None:
        self.public_key = public_key
        self.registry_url = registry_url.rstrip("/") if registry_url else None
        self.timeout = timeout
        self._cache: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        if self.public_key:
            return "the given --bpp-public-key"
        return f"the registry {self.registry_url}" if self.registry_url else "nowhere"

    def key(self, subscriber_id: str, key_id: str) -> str:
        if self.public_key:
            return self.public_key
        if not self.registry_url:
            raise KeyLookupFailed("no BPP key: give --bpp-public-key or --registry-url")
        with self._lock:
            if (subscriber_id, key_id) in self._cache:
                return self._cache[(subscriber_id, key_id)]
        url = self.registry_url + "/lookup"
        try:
            response = requests.post(
                url, json={"subscriber_id": subscriber_id, "key_id": key_id}, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise KeyLookupFailed(f"{url} unreachable: {type(exc).__name__}") from None
        entries = _json_or_none(response)
        if response.status_code != 200 or not isinstance(entries, list):
            raise KeyLookupFailed(f"{url} answered {describe_answer(response)}")
        statuses = []
        for entry in entries:
            if not isinstance(entry, dict) or entry.get("subscriber_id") != subscriber_id:
                continue
            if signing.entry_key_id(entry) != key_id:
                continue
            if entry.get("status", "SUBSCRIBED") != "SUBSCRIBED":
                statuses.append(str(entry.get("status")))
                continue
            if entry.get("signing_public_key"):
                with self._lock:
                    self._cache[(subscriber_id, key_id)] = entry["signing_public_key"]
                return entry["signing_public_key"]
        why = f" (status {', '.join(statuses)})" if statuses else ""
        raise KeyLookupFailed(f"the registry has no usable key {key_id} for {subscriber_id}{why}")


def check_signature(callback: ReceivedCallback, resolver: KeyResolver, *, skew: int = 60) -> Check:
    """BECKN-006: the callback is signed by the BPP its context names (`bpp_id`), with a key
    the registry (or the user) vouches for, and is within its validity."""
    value = _header(callback.headers, "Authorization")
    if not value:
        return failed("signature", "the callback has no Authorization header")
    try:
        header = signing.parse_header(value)
    except signing.SignatureError as exc:
        return failed("signature", f"malformed Authorization header: {exc}")
    try:
        bpp_id = (json.loads(callback.body).get("context") or {}).get("bpp_id")
    except (ValueError, AttributeError):
        bpp_id = None
    if bpp_id and header.subscriber_id != bpp_id:
        return failed(
            "signature",
            f"signed by {header.subscriber_id!r} but context.bpp_id is {bpp_id!r}",
        )
    try:
        signing.check_times(header, skew=skew)
        public_key = resolver.key(header.subscriber_id, header.unique_key_id)
        signing.verify(header, callback.body, public_key)
    except KeyLookupFailed as exc:
        return failed("signature", f"cannot get the signer's key: {exc}")
    except signing.SignatureError as exc:
        return failed(
            "signature",
            f"{exc} (keyId {header.subscriber_id}|{header.unique_key_id}, key from "
            f"{resolver.source})",
        )
    return passed("signature", f"{header.subscriber_id}|{header.unique_key_id} verified")


# -- the callback's context -----------------------------------------------------------------------


def callback_path_check(callback: ReceivedCallback, bap_uri: str, action: str) -> str | None:
    expected = urlsplit(bap_uri).path.rstrip("/") + f"/on_{action}"
    got = callback.path.split("?", 1)[0]
    if got != expected:
        return f"the callback went to {got!r}, not {expected!r} (bap_uri + /on_{action})"
    return None


def check_context(payload: object, request_context: JSON, action: str) -> Check:
    if not isinstance(payload, dict) or not isinstance(payload.get("context"), dict):
        return failed("context", "the callback has no context object")
    context = payload["context"]
    expectations = [
        ("action", f"on_{action}"),
        ("transaction_id", request_context["transaction_id"]),
        ("message_id", request_context["message_id"]),
        ("bap_id", request_context["bap_id"]),
        ("domain", request_context["domain"]),
        ("version", request_context["version"]),
    ]
    for name, expected in expectations:
        if context.get(name) != expected:
            return failed(
                "context", f"context.{name} is {context.get(name)!r}, expected {expected!r}"
            )
    if "bap_uri" in context and context["bap_uri"] != request_context["bap_uri"]:
        return failed(
            "context",
            f"context.bap_uri is {context['bap_uri']!r}, expected {request_context['bap_uri']!r}",
        )
    for name in ("bpp_id", "bpp_uri"):
        if not context.get(name):
            return failed("context", f"context.{name} is missing")
    if request_context.get("bpp_id") and context["bpp_id"] != request_context["bpp_id"]:
        return failed(
            "context",
            f"context.bpp_id is {context['bpp_id']!r}, but the transaction is with "
            f"{request_context['bpp_id']!r}",
        )
    try:
        stamp = datetime.fromisoformat(str(context.get("timestamp")))
        if stamp.tzinfo is None:
            raise ValueError
    except ValueError:
        return failed(
            "context", f"context.timestamp {context.get('timestamp')!r} is not RFC 3339 with a zone"
        )
    return passed("context", "action, transaction_id, message_id, bap_id echoed")


def check_schema(schemas: SpecSchemas | None, action: str, payload: object) -> Check:
    if schemas is None:
        return skipped("schema", "no --spec (the Beckn 1.1.0 transaction.yaml) to validate with")
    callback_action = f"on_{action}"
    if not schemas.describes(callback_action):
        return skipped("schema", f"the spec does not describe /{callback_action}")
    violations = schemas.callback(callback_action, payload)
    if violations:
        return failed("schema", f"/{callback_action}: {summary(violations)}")
    return passed("schema", f"conforms to /{callback_action} of the spec")


# -- DEG installation specifics -------------------------------------------------------------------


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> JSON:
    return value if isinstance(value, dict) else {}


def _code(node: object) -> object:
    return _dict(_dict(node).get("descriptor")).get("code")


def business_error(payload: object) -> str | None:
    error = _dict(payload).get("error")
    if not error:
        return None
    error = _dict(error)
    return f"the BPP answered with error {error.get('code')}: {error.get('message', '')}".strip()


@dataclass
class Choice:
    """What Emily picks from the catalog: the first item of the first provider."""

    provider_id: str
    item_id: str
    fulfillment_id: str
    item: JSON
    bpp_id: str
    bpp_uri: str


def _choose(payload: JSON) -> Choice | None:
    """The first item of the first provider, if the catalog has one with ids."""
    providers = _list(_dict(_dict(_dict(payload.get("message")).get("catalog"))).get("providers"))
    provider = _dict(providers[0]) if providers else {}
    items = _list(provider.get("items"))
    item = _dict(items[0]) if items else {}
    if not provider.get("id") or not item.get("id"):
        return None
    fulfillment_id = next(iter(_list(item.get("fulfillment_ids"))), None) or next(
        (f.get("id") for f in _list(provider.get("fulfillments")) if _dict(f).get("id")), "1"
    )
    context = _dict(payload.get("context"))
    return Choice(
        provider_id=str(provider["id"]),
        item_id=str(item["id"]),
        fulfillment_id=str(fulfillment_id),
        item=item,
        bpp_id=str(context.get("bpp_id", "")),
        bpp_uri=str(context.get("bpp_uri", "")),
    )


def deg_on_search(payload: JSON) -> tuple[Check, Choice | None]:
    """The DEG check of a catalog, and Emily's choice (made even when the check fails, so that
    the rest of the story still runs)."""
    error = business_error(payload)
    if error:
        return failed("deg", error), None
    choice = _choose(payload)
    return _deg_catalog(payload, choice), choice


def _deg_catalog(payload: JSON, choice: Choice | None) -> Check:
    catalog = _dict(_dict(payload.get("message")).get("catalog"))
    providers = _list(catalog.get("providers"))
    if not providers:
        return failed("deg", "message.catalog.providers is empty: no installer found")
    provider = _dict(providers[0])
    categories = _list(provider.get("categories"))
    solar = [c for c in categories if _code(c) == DEG_CATEGORY]
    if not solar:
        codes = [_code(c) for c in categories]
        return failed(
            "deg", f"providers[0].categories has no code {DEG_CATEGORY!r} (codes: {codes})"
        )
    items = _list(provider.get("items"))
    if not items:
        return failed("deg", "providers[0].items is empty")
    for index, item in enumerate(items):
        groups = {_code(tag) for tag in _list(_dict(item).get("tags"))}
        missing = [g for g in DEG_TAG_GROUPS if g not in groups]
        if missing:
            return failed(
                "deg",
                f"providers[0].items[{index}] ({_dict(item).get('id')}) lacks the tag group(s) "
                f"{', '.join(missing)}",
            )
    solar_ids = {c.get("id") for c in solar}
    category_ids = _list(_dict(items[0]).get("category_ids"))
    if category_ids and not solar_ids.intersection(category_ids):
        return failed(
            "deg",
            f"providers[0].items[0].category_ids {category_ids} do not name the "
            f"{DEG_CATEGORY} category (id {sorted(map(str, solar_ids))})",
        )
    if choice is None:
        return failed("deg", "providers[0] or its items[0] has no id")
    count = sum(len(_list(_dict(p).get("items"))) for p in providers)
    return passed(
        "deg",
        f"provider {choice.provider_id}, item {choice.item_id} "
        f"({len(providers)} provider(s), {count} item(s))",
    )


def _order_echo(payload: JSON, choice: Choice) -> tuple[JSON, str | None]:
    error = business_error(payload)
    if error:
        return {}, error
    order = _dict(_dict(payload.get("message")).get("order"))
    if not order:
        return {}, "message.order is missing"
    if _dict(order.get("provider")).get("id") != choice.provider_id:
        return order, (
            f"order.provider.id is {_dict(order.get('provider')).get('id')!r}, "
            f"expected {choice.provider_id!r}"
        )
    item_ids = [_dict(i).get("id") for i in _list(order.get("items"))]
    if item_ids and choice.item_id not in item_ids:
        return order, f"order.items are {item_ids}, expected {choice.item_id!r} among them"
    return order, None


def deg_on_select(payload: JSON, choice: Choice) -> Check:
    order, problem = _order_echo(payload, choice)
    if problem:
        return failed("deg", problem)
    items = [_dict(i) for i in _list(order.get("items")) if _dict(i).get("id") == choice.item_id]
    if not items:
        return failed("deg", f"order.items does not include {choice.item_id!r}")
    if not _dict(items[0].get("price")):
        return failed("deg", f"the item {choice.item_id} has no price")
    price = _dict(items[0]["price"])
    amount = price.get("value") or price.get("estimated_value")
    return passed("deg", f"{choice.item_id} at {amount} {price.get('currency', '')}".strip())


def deg_on_init(payload: JSON, choice: Choice) -> Check:
    order, problem = _order_echo(payload, choice)
    if problem:
        return failed("deg", problem)
    problems = order_violations(order, terms=True)
    if problems:
        return failed("deg", problems[0])
    payments, quote = _list(order.get("payments")), _dict(order.get("quote"))
    first = _dict(payments[0])
    return passed(
        "deg",
        f"quote {quote['price']['value']} {_dict(quote['price']).get('currency', '')}, payment "
        f"{first['type']} collected by {first['collected_by']}, "
        f"{len(order['cancellation_terms'])} cancellation term(s)",
    )


def deg_on_confirm(payload: JSON, choice: Choice) -> tuple[Check, str | None]:
    """The DEG check of the placed order, and its id (kept even when the check fails)."""
    order, problem = _order_echo(payload, choice)
    order_id = str(order["id"]) if order.get("id") else None
    if problem:
        return failed("deg", problem), order_id
    if not order_id:
        return failed("deg", "order.id is missing: no Installation Request ID"), None
    return passed("deg", f"order {order_id}"), order_id


def deg_on_status(payload: JSON, order_id: str) -> Check:
    error = business_error(payload)
    if error:
        return failed("deg", error)
    order = _dict(_dict(payload.get("message")).get("order"))
    if order.get("id") != order_id:
        return failed("deg", f"order.id is {order.get('id')!r}, expected {order_id!r}")
    fulfillments = _list(order.get("fulfillments"))
    state = (
        _dict(_dict(_dict(fulfillments[0]).get("state")).get("descriptor")) if fulfillments else {}
    )
    if not state.get("code"):
        return failed("deg", "order.fulfillments[0].state.descriptor.code is missing")
    return passed("deg", f"order {order_id} is {state['code']}")


def deg_on_rating(payload: JSON) -> Check:
    error = business_error(payload)
    if error:
        return skipped(
            "deg", f"rating refused: {error} (expected while the order is not completed)"
        )
    return passed("deg", "rating accepted")
