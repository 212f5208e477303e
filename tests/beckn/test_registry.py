"""Keys from a registry: POST /lookup to a real registry on 127.0.0.1, cached, and what happens
when it is down."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from beckn import registry as registry_module
from beckn.models import OutboundMessage
from beckn.peers import BapIdentity, CallbackServer, Registry, encode
from config.observability import metrics
from tests.conftest import now_rfc3339

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(settings: object) -> Iterator[Registry]:
    with Registry() as server:
        settings.BECKN_REGISTRY_URL = server.url
        settings.BECKN_REGISTRY_TIMEOUT = 0.5
        cache.clear()
        registry_module.local_cache_clear()
        yield server
    cache.clear()
    registry_module.local_cache_clear()


@pytest.fixture
def identity(registry: Registry, callback_server: CallbackServer) -> BapIdentity:
    identity = BapIdentity()
    registry.entries.append(identity.registry_entry(callback_server.bap_uri))
    return identity


def search(client: Client, identity: BapIdentity, bap_uri: str) -> object:
    payload = {
        "context": {
            "domain": "service",
            "action": "search",
            "version": "1.1.0",
            "bap_id": identity.subscriber_id,
            "bap_uri": bap_uri,
            "transaction_id": "t-1",
            "message_id": f"m-{datetime.now(UTC).timestamp()}",
            "timestamp": now_rfc3339(),
            "ttl": "PT30S",
        },
        "message": {"intent": {"descriptor": {"name": "solar"}}},
    }
    body = encode(payload)
    return client.post(
        "/beckn/search",
        data=body,
        content_type="application/json",
        headers={"Authorization": identity.sign(body)},
    )


def test_a_registered_bap_is_served_and_looked_up_once_for_many_calls(
    client: Client, registry: Registry, identity: BapIdentity, callback_server: CallbackServer
) -> None:
    for _ in range(5):
        assert search(client, identity, callback_server.bap_uri).status_code == 200

    assert registry.lookups == [
        {"subscriber_id": identity.subscriber_id, "key_id": identity.unique_key_id, "type": "BAP"}
    ]
    assert OutboundMessage.objects.count() == 5


def test_a_registry_that_is_down_falls_back_on_a_cached_key(
    client: Client,
    registry: Registry,
    identity: BapIdentity,
    callback_server: CallbackServer,
    settings: object,
) -> None:
    assert search(client, identity, callback_server.bap_uri).status_code == 200
    settings.BECKN_REGISTRY_CACHE_SECONDS = 0  # the cached answer is due for a refresh
    registry.available = False

    assert search(client, identity, callback_server.bap_uri).status_code == 200


def test_a_registry_that_is_down_with_nothing_cached_gives_401(
    client: Client, registry: Registry, identity: BapIdentity, callback_server: CallbackServer
) -> None:
    registry.available = False

    response = search(client, identity, callback_server.bap_uri)

    assert response.status_code == 401
    assert "could not be verified" in response.json()["error"]["message"]


def test_an_unreachable_registry_gives_401_quickly(
    client: Client, identity: BapIdentity, callback_server: CallbackServer, settings: object
) -> None:
    settings.BECKN_REGISTRY_URL = "http://127.0.0.1:9"  # nothing listens there
    response = search(client, identity, callback_server.bap_uri)
    assert response.status_code == 401
    assert "unreachable" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"status": "UNDER_SUBSCRIPTION"}, "status is UNDER_SUBSCRIPTION"),
        ({"valid_until": (datetime.now(UTC) - timedelta(days=1)).isoformat()}, "not valid now"),
        ({"valid_from": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, "not valid now"),
        ({"key_id": "another-key"}, "no usable key"),
    ],
)
def test_unusable_registry_entries_are_refused(
    client: Client,
    registry: Registry,
    identity: BapIdentity,
    callback_server: CallbackServer,
    change: dict,
    reason: str,
) -> None:
    registry.entries[0].update(change)

    response = search(client, identity, callback_server.bap_uri)

    assert response.status_code == 401
    assert reason in response.json()["error"]["message"]


def test_callbacks_only_go_under_the_registered_url(
    client: Client, registry: Registry, identity: BapIdentity
) -> None:
    response = search(client, identity, "http://127.0.0.1:1/elsewhere")
    assert response.status_code == 401
    assert "bap_uri" in response.json()["error"]["message"]


def test_a_key_read_once_is_kept_by_the_process_while_the_cache_trusts_it(
    client: Client, registry: Registry, identity: BapIdentity, callback_server: CallbackServer
) -> None:
    assert search(client, identity, callback_server.bap_uri).status_code == 200
    cache.clear()  # the shared copy is gone; the registry is down
    registry.available = False

    assert search(client, identity, callback_server.bap_uri).status_code == 200
    assert len(registry.lookups) == 1


def test_the_process_does_not_keep_a_key_longer_than_the_cache_would(
    client: Client,
    registry: Registry,
    identity: BapIdentity,
    callback_server: CallbackServer,
    settings: object,
) -> None:
    assert search(client, identity, callback_server.bap_uri).status_code == 200
    settings.BECKN_REGISTRY_CACHE_SECONDS = 0  # every cached answer is due for a refresh
    registry.entries.clear()  # and the registry no longer knows the key

    response = search(client, identity, callback_server.bap_uri)

    assert response.status_code == 401
    assert "no usable key" in response.json()["error"]["message"]


def test_lookups_are_counted_by_where_the_key_came_from(
    client: Client, identity: BapIdentity, callback_server: CallbackServer
) -> None:
    def counted() -> dict[str, float]:
        return {
            s: metrics.REGISTRY_LOOKUPS.labels(s)._value.get()
            for s in ("registry", "local", "cache")
        }

    before = counted()
    for _ in range(3):
        assert search(client, identity, callback_server.bap_uri).status_code == 200
    registry_module.local_cache_clear()  # another process: the shared cache has the key
    assert search(client, identity, callback_server.bap_uri).status_code == 200

    after = counted()
    assert {s: after[s] - before[s] for s in after} == {"registry": 1, "local": 2, "cache": 1}


def test_a_key_rotated_under_the_same_key_id_is_looked_up_again_once(
    client: Client, registry: Registry, identity: BapIdentity, callback_server: CallbackServer
) -> None:
    assert search(client, identity, callback_server.bap_uri).status_code == 200
    rotated = BapIdentity(
        subscriber_id=identity.subscriber_id, unique_key_id=identity.unique_key_id
    )
    registry.entries[:] = [rotated.registry_entry(callback_server.bap_uri)]

    assert search(client, rotated, callback_server.bap_uri).status_code == 200
    assert search(client, rotated, callback_server.bap_uri).status_code == 200
    assert len(registry.lookups) == 2  # the first, and one when the cached key failed
    # A forger's signatures do not send us to the registry each time: once a minute at most
    # (and that once was just spent).
    impostor = BapIdentity(
        subscriber_id=identity.subscriber_id, unique_key_id=identity.unique_key_id
    )
    for _ in range(3):
        response = search(client, impostor, callback_server.bap_uri)
        assert response.status_code == 401
        assert "does not match" in response.json()["error"]["message"]
    assert len(registry.lookups) == 2


def test_a_cached_key_is_not_used_after_its_valid_until(
    client: Client, registry: Registry, identity: BapIdentity, callback_server: CallbackServer
) -> None:
    registry.entries[0]["valid_until"] = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    assert search(client, identity, callback_server.bap_uri).status_code == 200
    name = registry_module._cache_key("BAP", identity.subscriber_id, identity.unique_key_id)
    cached = cache.get(name)
    time.sleep(2.1)
    # A shared cache that outlives the key (its clock behind ours...) still holds it.
    cache.set(name, cached, timeout=300)
    registry_module.local_cache_clear()

    registry.available = False  # a registry that is down does not revive the cached key
    response = search(client, identity, callback_server.bap_uri)
    assert response.status_code == 401
    assert "could not be verified" in response.json()["error"]["message"]

    registry.available = True  # and the registry says so too
    response = search(client, identity, callback_server.bap_uri)
    assert response.status_code == 401
    assert "not valid now" in response.json()["error"]["message"]
