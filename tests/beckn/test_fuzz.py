"""Property-based fuzzing of every /beckn/<action> (issue 24): JSON of any shape, depth, type and
Unicode, signed and unsigned, gets an ACK or a NACK, never a 5xx; and every callback an ACK puts
in the outbox can be composed.

Examples per action: HYPOTHESIS_PROFILE=ci (200, as CI runs it), "thorough" (2000), or the
default (30) for a quick local run.
"""

import json
import os
import uuid
from copy import deepcopy
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from beckn.delivery import engine
from beckn.inbound.serializers import MESSAGE_SERIALIZERS
from beckn.models import OutboundMessage
from beckn.peers import encode
from catalog.models import Item
from tests.conftest import Bap, in_ci, now_rfc3339
from tests.orders.factories import OrderFactory

_common = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("default", max_examples=30, **_common)
settings.register_profile("ci", max_examples=200, **_common)
settings.register_profile("thorough", max_examples=2000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "default"))

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
ACTIONS = sorted(MESSAGE_SERIALIZERS)

# Any text, lone surrogates and NUL included (json.dumps escapes them, as an attacker would).
texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too
    | texts
    | st.sampled_from(["", "1", "PT10M", "P999999999D", "2023-07-16T04:41:00Z", "PAID", "../"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            texts | st.sampled_from(["id", "name", "descriptor"]), children, max_size=4
        )
    ),
    max_leaves=16,
)
deep = st.integers(min_value=1, max_value=5000).map(lambda depth: "[" * depth + "]" * depth)
# Nested deep, yet within what Python's json module itself can write back.
deep_value = st.integers(min_value=1, max_value=300).map(
    lambda depth: json.loads("[" * depth + "]" * depth)
)


def dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=True).encode()


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside `value` (keys and indices)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, nested in value.items():
            found += paths(nested, (*prefix, key))
    elif isinstance(value, list):
        for index, nested in enumerate(value):
            found += paths(nested, (*prefix, index))
    return found


def mutated(payload: dict, data: st.DataObject) -> dict:
    """`payload` with one to three of its values replaced, removed, or given a new neighbour."""
    payload = deepcopy(payload)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(paths(payload)[1:]))
        *parent_path, last = path
        parent: Any = payload
        for step in parent_path:
            parent = parent[step]
        operation = data.draw(st.sampled_from(["replace", "remove", "add"]))
        if operation == "replace":
            parent[last] = data.draw(json_values | deep_value)
        elif operation == "remove":
            del parent[last]
        elif isinstance(parent, dict):
            parent[data.draw(texts)] = data.draw(json_values)
        else:
            parent.append(data.draw(json_values))
        if not paths(payload)[1:]:
            break
    return payload


def base_request(bap: Bap, action: str, order_id: str) -> dict:
    """A valid request of `action` from `bap` (about `order_id`, for an order's actions)."""
    messages = {
        "track": {"order_id": order_id},
        "cancel": {"order_id": order_id, "cancellation_reason_id": "1"},
        "update": {
            "update_target": "order.billing",
            "order": {
                "id": order_id,
                "billing": {"name": "E. Tran", "address": "1 Main St", "email": "e@example.com"},
            },
        },
        "support": {"support": {"order_id": order_id}},
        "rating": {"ratings": [{"rating_category": "Order", "id": order_id, "value": "5"}]},
        "status": {"order_id": order_id},
    }
    return bap.request(action, message=messages.get(action))


def post(client: Client, action: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        f"/beckn/{action}", data=body, content_type="application/json", headers=headers
    )


def assert_answered(response: Any) -> None:
    """An ACK, or a NACK with a BECKN-005 code; never a 5xx nor an HTML page."""
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"] == "application/json", response.content[:200]
    answer = response.json()
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics: how often each
    if response.status_code == 200:
        assert answer == {"message": {"ack": {"status": "ACK"}}}
    else:
        assert answer["message"] == {"ack": {"status": "NACK"}}
        assert answer["error"]["code"].isdigit() and len(answer["error"]["code"]) == 5


def assert_composable(after: int) -> None:
    """Every callback put in the outbox after row `after` composes (as the worker would, in
    this process) into a JSON body."""
    for outbound in OutboundMessage.objects.filter(pk__gt=after).select_related("request"):
        with transaction.atomic():
            payload = engine._compose(outbound)  # the worker's own composing step
        json.dumps(payload, allow_nan=False)


def last_outbox_id() -> int:
    return OutboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def answered_and_composable(
    client: Client, bap: Bap, action: str, body: bytes, *, signed: bool
) -> None:
    """POST `body` (signed by `bap` or not): answered, and its callback, if any, composable."""
    headers = {"Authorization": bap.identity.sign(body)} if signed else {}
    after = last_outbox_id()
    assert_answered(post(client, action, body, headers))
    assert_composable(after)


@pytest.fixture
def order_id(bap: Bap) -> str:
    item = Item.objects.get(external_id="sp-resi-001")
    order = OrderFactory(
        provider=item.provider,
        fulfillment=item.fulfillments.get(),
        items=[item],
        buyer_reference=bap.subscriber_id,
    )
    return order.installation_request_id


@pytest.mark.parametrize("action", ACTIONS)
def test_any_json_unsigned_or_signed_is_answered(client: Client, bap: Bap, action: str) -> None:
    @given(body=json_values.map(dumps) | deep.map(str.encode), signed=st.booleans())
    def check(body: bytes, signed: bool) -> None:
        answered_and_composable(client, bap, action, body, signed=signed)

    check()


@pytest.mark.parametrize("action", ACTIONS)
def test_a_valid_request_mutated_anywhere_is_answered_and_composable(
    client: Client, bap: Bap, order_id: str, action: str
) -> None:
    @given(data=st.data(), signed=st.sampled_from([True, True, True, False]))
    def check(data: st.DataObject, signed: bool) -> None:
        payload = base_request(bap, action, order_id)
        payload["context"].update(message_id=str(uuid.uuid4()), timestamp=now_rfc3339())
        body = encode(mutated(payload, data))
        answered_and_composable(client, bap, action, body, signed=signed)

    check()


@pytest.mark.parametrize("action", ACTIONS)
def test_the_valid_request_itself_is_acked_and_composable(
    client: Client, bap: Bap, order_id: str, action: str
) -> None:
    """The fuzzing starts from requests that are served (else it would only test refusals)."""
    body = encode(base_request(bap, action, order_id))
    after = last_outbox_id()
    response = post(client, action, body, {"Authorization": bap.identity.sign(body)})
    assert response.status_code == 200, response.content
    assert_composable(after)
    assert OutboundMessage.objects.filter(pk__gt=after).count() == 1
