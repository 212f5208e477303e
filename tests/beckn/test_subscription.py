"""Joining a network: `manage.py beckn_subscribe` against a registry on 127.0.0.1 that checks our
signature and challenges our live server's /beckn/on_subscribe with real X25519 encryption."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from nacl.signing import SigningKey

from beckn import encryption, signing
from beckn.inbound import layer2
from beckn.keys import our_identity
from beckn.models import NetworkSubscription
from beckn.peers import SubscribingRegistry
from tests.beckn.conftest import spec_path

Status = NetworkSubscription.Status


def subscribe(*args: str) -> str:
    out = io.StringIO()
    call_command("beckn_subscribe", *args, stdout=out)
    return out.getvalue()


def test_the_subscribe_command_joins_the_registry_through_its_challenge(
    registry: SubscribingRegistry, live_server: object, encryption_private_key: str
) -> None:
    out = subscribe()

    [sent] = registry.subscriptions
    identity = our_identity()
    ours = encryption.private_key_from_base64(encryption_private_key)
    assert sent["subscriber_id"] == "bpp.sunbeckn.test"
    assert sent["url"] == f"{live_server.url}/beckn"
    assert (sent["type"], sent["domain"]) == ("BPP", "service")
    assert sent["location"] == {"city": {"code": "*"}, "country": {"code": "USA"}}
    assert sent["key_id"] == identity.unique_key_id
    assert sent["signing_public_key"] == identity.public_key
    assert sent["encr_public_key"] == encryption.public_key_base64(ours)
    assert uuid.UUID(sent["nonce"])
    valid_from = datetime.fromisoformat(sent["valid_from"])
    valid_until = datetime.fromisoformat(sent["valid_until"])
    assert abs(valid_from - datetime.now(UTC)) < timedelta(minutes=1)
    assert valid_until - valid_from == timedelta(days=365)

    [challenge] = registry.challenges
    assert challenge.ok and challenge.answer == challenge.challenge
    assert registry.entry("bpp.sunbeckn.test", identity.unique_key_id)["status"] == "SUBSCRIBED"

    row = NetworkSubscription.objects.get()
    assert row.status == Status.SUBSCRIBED
    assert (row.http_status, row.response) == (200, {"status": "UNDER_SUBSCRIPTION"})
    assert row.challenges_answered == 1 and row.checked_at is not None
    assert row.request == sent and row.last_error == ""
    assert f"{identity.unique_key_id} | current, signing | SUBSCRIBED" in out


def test_our_subscription_conforms_to_the_registry_specification(
    registry: SubscribingRegistry, settings: object, request: pytest.FixtureRequest
) -> None:
    settings.BECKN_UNIQUE_KEY_ID = str(uuid.uuid4())  # registry.yaml wants a UUID key id
    subscribe()

    [sent] = registry.subscriptions
    assert sent["subscriber_id"] == settings.BECKN_SUBSCRIBER_ID
    assert sent["key_id"] == settings.BECKN_UNIQUE_KEY_ID
    assert sent["type"] == "BPP" and sent["signing_public_key"] and sent["encr_public_key"]
    found = spec_path("registry.yaml", request)
    if found is None:
        return  # the comparison with registry.yaml is counted as not run
    spec = str(found)
    assert layer2.violations("subscribe", sent, spec_path=spec) == []
    assert layer2.violations("subscribe", {**sent, "type": "BPX"}, spec_path=spec)  # it checks
    assert layer2.violations("lookup", registry.entries[0], spec_path=spec) == []


def test_subscribing_again_keeps_the_keys_validity_and_one_entry(
    registry: SubscribingRegistry,
) -> None:
    subscribe()
    first = NetworkSubscription.objects.get()

    subscribe()

    row = NetworkSubscription.objects.get()
    assert (row.valid_from, row.valid_until) == (first.valid_from, first.valid_until)
    assert row.challenges_answered == 2
    assert len(registry.entries) == 1
    assert [c.ok for c in registry.challenges] == [True, True]
    assert registry.subscriptions[0]["valid_until"] == registry.subscriptions[1]["valid_until"]


def test_a_given_validity_is_announced(registry: SubscribingRegistry) -> None:
    subscribe("--valid-until", "2031-01-31T00:00:00+00:00")
    assert registry.subscriptions[0]["valid_until"] == "2031-01-31T00:00:00.000Z"
    assert NetworkSubscription.objects.get().valid_until == datetime(2031, 1, 31, tzinfo=UTC)


def test_a_challenge_we_cannot_answer_leaves_us_unsubscribed_and_says_why(
    registry: SubscribingRegistry, settings: object
) -> None:
    # We trust another registry encryption key: the challenge does not decrypt.
    other = encryption.generate_private_key()
    settings.BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY = encryption.public_key_base64(other)

    with pytest.raises(CommandError, match="encryption verification failed"):
        subscribe()

    assert registry.challenges[0].ok is False
    assert registry.entries[0]["status"] == "UNDER_SUBSCRIPTION"
    row = NetworkSubscription.objects.get()
    assert row.status == Status.INITIATED
    assert row.http_status == 400
    assert "encryption verification failed" in row.last_error


def test_a_registry_that_does_not_trust_our_signature_refuses(
    registry: SubscribingRegistry, settings: object
) -> None:
    subscribe()
    # Another BPP claims our subscriber id with its own, first-seen key: refused.
    settings.BECKN_UNIQUE_KEY_ID = "an-intruders-key"
    settings.BECKN_SIGNING_PRIVATE_KEY = signing.private_key_base64(SigningKey.generate())

    with pytest.raises(CommandError, match=r"HTTP 401.*unknown key"):
        subscribe()

    assert len(registry.challenges) == 1


def test_an_unreachable_registry_is_reported(
    settings: object, encryption_private_key: str, db: None
) -> None:
    settings.BECKN_REGISTRY_URL = "http://127.0.0.1:9"
    settings.BECKN_REGISTRY_SUBSCRIBE_TIMEOUT = 1.0

    with pytest.raises(CommandError, match="unreachable"):
        subscribe()

    row = NetworkSubscription.objects.get()
    assert row.status == Status.INITIATED and "unreachable" in row.last_error


def test_status_asks_the_registry_again(registry: SubscribingRegistry) -> None:
    subscribe()
    registry.entries[0]["status"] = "UNSUBSCRIBED"

    out = subscribe("--status")

    assert NetworkSubscription.objects.get().status == Status.UNSUBSCRIBED
    assert "| UNSUBSCRIBED |" in out
    assert len(registry.subscriptions) == 1


@pytest.mark.parametrize(
    "setting, value, text",
    [
        ("BECKN_REGISTRY_URL", "", "BECKN_REGISTRY_URL is not set"),
        ("BECKN_ENCRYPTION_PRIVATE_KEY", "", "BECKN_ENCRYPTION_PRIVATE_KEY"),
        ("BECKN_ENCRYPTION_PRIVATE_KEY", "bm90IGEga2V5", "BECKN_ENCRYPTION_PRIVATE_KEY"),
    ],
)
def test_missing_configuration_is_named(
    settings: object, encryption_private_key: str, db: None, setting: str, value: str, text: str
) -> None:
    settings.BECKN_REGISTRY_URL = "http://127.0.0.1:9"
    setattr(settings, setting, value)
    with pytest.raises(CommandError, match=text):
        subscribe()
    assert not NetworkSubscription.objects.exists()
