"""Key rotation under traffic: a BAP searches without pause while we announce a next key, switch
our signatures to it, and the BAP rotates its own key; no request fails and every callback
verifies with the key the registry publishes for it, as a BAP on the network checks it."""

import io
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from django.core.management import call_command

from beckn import signing
from beckn.keys import generate_key_material
from beckn.models import NetworkSubscription
from beckn.peers import (
    ACK,
    BapIdentity,
    CheckedCallbackServer,
    SubscribingRegistry,
    post_signed,
    seed_search,
)

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog")]
OUR_ID = "bpp.sunbeckn.test"


class Traffic(threading.Thread):
    """Signed searches from a BAP, one every `pause` seconds, until stopped (bounded)."""

    def __init__(self, url: str, bap_uri: str, identity: BapIdentity, pause: float = 0.04):
        super().__init__(daemon=True)
        self.url, self.bap_uri, self.identity, self.pause = url, bap_uri, identity, pause
        self.sent: list[tuple[str, str, int, Any]] = []  # (message_id, key id, status, answer)
        self.stopping = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 90
        while not self.stopping.is_set() and time.monotonic() < deadline and len(self.sent) < 600:
            identity = self.identity
            payload = seed_search(identity, self.bap_uri)
            try:
                response = post_signed(f"{self.url}/beckn/search", payload, identity)
                status, answer = response.status_code, response.json()
            except (requests.RequestException, ValueError) as exc:
                status, answer = 0, repr(exc)
            self.sent.append(
                (payload["context"]["message_id"], identity.unique_key_id, status, answer)
            )
            time.sleep(self.pause)


def _wait(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _signed_with(server: CheckedCallbackServer, key_id: str) -> int:
    return sum(
        signing.parse_header(c.headers["Authorization"]).unique_key_id == key_id
        for c in list(server.all)
    )


def test_keys_rotate_on_both_sides_without_a_failed_request(
    live_server: Any,
    registry: SubscribingRegistry,
    callback_server: CheckedCallbackServer,
    settings: Any,
) -> None:
    call_command("beckn_subscribe", stdout=io.StringIO())
    old_bap = BapIdentity()
    registry.entries.append(old_bap.registry_entry(callback_server.bap_uri))
    traffic = Traffic(live_server.url, callback_server.bap_uri, old_bap)
    traffic.start()
    try:
        _wait(lambda: _signed_with(callback_server, "bpp-test-key") >= 3, "old-key callbacks")

        # We announce the next key while the current one keeps signing.
        following = generate_key_material()
        settings.BECKN_NEXT_UNIQUE_KEY_ID = following["unique_key_id"]
        settings.BECKN_NEXT_SIGNING_PRIVATE_KEY = following["signing_private_key"]
        settings.BECKN_NEXT_ENCRYPTION_PRIVATE_KEY = following["encryption_private_key"]
        call_command("beckn_subscribe", "--next", stdout=io.StringIO())
        assert registry.entry(OUR_ID, following["unique_key_id"])["status"] == "SUBSCRIBED"

        # The BAP rotates too: its new key is published beside the old one, then used.
        new_bap = BapIdentity(subscriber_id=old_bap.subscriber_id)
        registry.entries.append(new_bap.registry_entry(callback_server.bap_uri))
        traffic.identity = new_bap

        # Outgoing signatures switch by configuration.
        settings.BECKN_SIGN_WITH_NEXT_KEY = True
        _wait(
            lambda: _signed_with(callback_server, following["unique_key_id"]) >= 3,
            "next-key callbacks",
        )
    finally:
        traffic.stopping.set()
        traffic.join(timeout=20)

    assert {status for _, _, status, _ in traffic.sent} == {200}
    assert all(answer == ACK for _, _, _, answer in traffic.sent)
    assert {key for _, key, _, _ in traffic.sent} == {
        old_bap.unique_key_id,
        new_bap.unique_key_id,
    }
    sent_ids = {message_id for message_id, _, _, _ in traffic.sent}
    _wait(lambda: len(callback_server.all) >= len(sent_ids), "every callback")
    callbacks = list(callback_server.all)
    assert {c.payload["context"]["message_id"] for c in callbacks} == sent_ids
    assert len(callbacks) == len(sent_ids)

    used = set()
    for callback in callbacks:  # as a BAP verifies: the key the registry publishes for keyId
        header = signing.parse_header(callback.headers["Authorization"])
        assert header.subscriber_id == OUR_ID
        entry = registry.entry(OUR_ID, header.unique_key_id)
        assert entry is not None and entry["status"] == "SUBSCRIBED"
        signing.check_times(header, skew=5)
        signing.verify(header, callback.body, entry["signing_public_key"])
        used.add(header.unique_key_id)
    assert used == {"bpp-test-key", following["unique_key_id"]}

    # The old key stays valid until its valid_until, on the registry and in our records.
    old_entry = registry.entry(OUR_ID, "bpp-test-key")
    assert old_entry["status"] == "SUBSCRIBED"
    assert datetime.fromisoformat(old_entry["valid_until"]) > datetime.now(UTC)
    statuses = dict(NetworkSubscription.objects.values_list("unique_key_id", "status"))
    assert statuses == {"bpp-test-key": "SUBSCRIBED", following["unique_key_id"]: "SUBSCRIBED"}
