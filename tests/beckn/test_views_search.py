"""POST /beckn/search as a BAP calls it: ACK or NACK at once, and what is kept of each call."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from beckn.models import InboundMessage, OutboundMessage
from beckn.peers import BapIdentity, encode
from tests.beckn.factories import SubscriberKeyFactory
from tests.conftest import Bap

pytestmark = pytest.mark.django_db


def test_the_guides_search_is_acked_and_its_callback_put_in_the_outbox(
    client: Client, bap: Bap
) -> None:
    payload = bap.request()
    response = bap.post(client, payload)

    assert response.status_code == 200
    assert response.json() == {"message": {"ack": {"status": "ACK"}}}
    inbound = InboundMessage.objects.get()
    assert inbound.outcome == InboundMessage.Outcome.ACCEPTED
    assert inbound.body == payload
    assert inbound.signer == f"{bap.subscriber_id}|{bap.identity.unique_key_id}|ed25519"
    callback = OutboundMessage.objects.get()
    assert callback.request == inbound
    assert callback.action == "on_search"
    assert callback.target_url == f"{bap.server.bap_uri}/on_search"
    assert callback.status == OutboundMessage.Status.PENDING
    assert (callback.transaction_id, callback.message_id) == (
        payload["context"]["transaction_id"],
        payload["context"]["message_id"],
    )


def test_the_ack_does_not_wait_for_the_callback(
    client: Client, bap: Bap, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = bap.post(client, bap.request())
    assert response.status_code == 200
    assert len(callbacks) == 1  # delivery is queued after commit, not done in the request
    assert bap.server.received.empty()


def _set(payload: dict, path: str, value: object) -> None:
    *parents, last = path.split(".")
    node = payload
    for name in parents:
        node = node[name]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()


@pytest.mark.parametrize(
    "path, value, error_path, text",
    [
        ("context.version", "1.0.0", "context.version", "1.1.0"),
        ("context.domain", "mobility", "context.domain", "service"),
        ("context.action", "select", "context.action", "search"),
        ("context.bap_uri", "not a url", "context.bap_uri", "valid URL"),
        ("context.bap_uri", "ftp://127.0.0.1/bap", "context.bap_uri", "valid URL"),
        ("context.transaction_id", _DELETE, "context.transaction_id", "required"),
        ("context.message_id", "", "context.message_id", "blank"),
        ("context.timestamp", "yesterday", "context.timestamp", "RFC 3339"),
        ("context.timestamp", "2026-01-01T10:00:00", "context.timestamp", "RFC 3339"),
        ("context.ttl", "10 minutes", "context.ttl", "ISO 8601"),
        ("context.bpp_id", "someone-else.example", "context.bpp_id", "bpp.sunbeckn.test"),
        ("context.location", "San Francisco", "context.location", "dictionary"),
        ("message.intent", _DELETE, "message.intent", "required"),
        ("message.intent", "solar", "message.intent", "dictionary"),
        (
            "message.intent.fulfillment",
            {"stops": [{"location": {"gps": "north"}}]},
            "message.intent.fulfillment.stops[0].location.gps",
            "latitude,longitude",
        ),
        (
            "message.intent.fulfillment",
            {"stops": [{"location": {"gps": "95.0,10.0"}}]},
            "message.intent.fulfillment.stops[0].location.gps",
            "outside",
        ),
        (
            "message.intent.descriptor",
            {"name": ["Solar"]},
            "message.intent.descriptor.name",
            "valid string",
        ),
    ],
)
def test_invalid_requests_get_a_nack_naming_the_field(
    client: Client, bap: Bap, path: str, value: object, error_path: str, text: str
) -> None:
    payload = bap.request()
    _set(payload, path, value)

    response = bap.post(client, payload)

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == {"ack": {"status": "NACK"}}
    assert body["error"]["code"] == "30000"
    assert body["error"]["paths"] == error_path
    assert body["error"]["message"].startswith(error_path)
    assert text in body["error"]["message"]
    assert not OutboundMessage.objects.exists()
    rejected = InboundMessage.objects.get()
    assert (rejected.outcome, rejected.http_status) == (InboundMessage.Outcome.REJECTED, 400)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", "\u00e9".encode("latin-1")])
def test_a_body_that_is_not_a_json_object_gets_a_nack(
    client: Client, bap: Bap, body: bytes
) -> None:
    response = client.post(
        "/beckn/search", data=body, content_type="application/json", headers=bap.headers(body)
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "30000"
    assert not OutboundMessage.objects.exists()


def test_a_stale_request_is_refused(client: Client, bap: Bap) -> None:
    old = datetime.now(UTC) - timedelta(minutes=11)
    payload = bap.request(timestamp=old.isoformat().replace("+00:00", "Z"), ttl="PT10M")
    response = bap.post(client, payload)
    assert response.status_code == 400
    assert "stale" in response.json()["error"]["message"]
    assert not OutboundMessage.objects.exists()


def test_a_request_from_the_future_is_refused(client: Client, bap: Bap) -> None:
    later = datetime.now(UTC) + timedelta(minutes=10)
    response = bap.post(client, bap.request(timestamp=later.isoformat()))
    assert response.status_code == 400
    assert "future" in response.json()["error"]["message"]


def test_an_action_we_do_not_serve_gets_a_nack(client: Client, bap: Bap) -> None:
    response = bap.post(client, bap.request(action="pay"), action="pay")
    assert not InboundMessage.objects.filter(outcome="ACCEPTED").exists()
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "40001"


def test_only_post_is_allowed(client: Client) -> None:
    response = client.get("/beckn/search")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["message"] == {"ack": {"status": "NACK"}}


def test_a_repeated_message_is_acked_without_a_second_callback(client: Client, bap: Bap) -> None:
    payload = bap.request()
    assert bap.post(client, payload).status_code == 200
    assert bap.post(client, payload).status_code == 200

    assert OutboundMessage.objects.count() == 1
    outcomes = sorted(InboundMessage.objects.values_list("outcome", flat=True))
    assert outcomes == ["ACCEPTED", "DUPLICATE"]


def test_the_same_message_id_from_another_bap_is_a_new_request(
    client: Client, bap: Bap, callback_server
) -> None:
    other = BapIdentity()
    SubscriberKeyFactory(
        subscriber__subscriber_id=other.subscriber_id,
        subscriber__url=callback_server.bap_uri,
        unique_key_id=other.unique_key_id,
        signing_public_key=other.public_key,
    )
    payload = bap.request()
    bap.post(client, payload)
    payload["context"]["bap_id"] = other.subscriber_id
    body = encode(payload)
    response = client.post(
        "/beckn/search",
        data=body,
        content_type="application/json",
        headers={"Authorization": other.sign(body)},
    )
    assert response.status_code == 200
    assert OutboundMessage.objects.count() == 2


def test_a_request_without_a_context_object_cannot_be_attributed(client: Client, bap: Bap) -> None:
    payload = bap.request()
    payload["context"] = ["not", "an", "object"]
    response = bap.post(client, payload)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "context.bap_id" in json.loads(response.content)["error"]["message"]
