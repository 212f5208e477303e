"""POST /beckn/on_subscribe as a registry calls it: our challenge answered, anything else refused
with a NACK and never a 500."""

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from nacl.bindings import crypto_scalarmult
from nacl.public import PrivateKey

from beckn import encryption
from beckn.keys import generate_key_material
from beckn.models import NetworkSubscription
from beckn.peers import BapIdentity, encode

pytestmark = pytest.mark.django_db


class FakeRegistry:
    """The registry's side of a challenge: its own X25519 key (PyNaCl) and signing key."""

    def __init__(self) -> None:
        self.key = PrivateKey.generate()
        self.identity = BapIdentity(subscriber_id="registry.test")

    @property
    def public_key(self) -> str:
        return base64.b64encode(bytes(self.key.public_key)).decode()

    def encrypt(self, plain: str, for_private_key: str) -> str:
        ours = encryption.private_key_from_base64(for_private_key)
        shared = crypto_scalarmult(bytes(self.key), ours.public_key().public_bytes_raw())
        return encryption.encrypt_challenge(plain, key=shared)

    def post(self, client: Client, body: object, *, signed: bool = True, **headers: str):
        raw = encode(body) if isinstance(body, dict) else body
        if signed:
            headers.setdefault("Authorization", self.identity.sign(raw))
        return client.post(
            "/beckn/on_subscribe", data=raw, content_type="application/json", headers=headers
        )


@pytest.fixture
def registry(settings: object, encryption_private_key: str) -> FakeRegistry:
    fake = FakeRegistry()
    settings.BECKN_REGISTRY_URL = "http://registry.test"
    settings.BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY = fake.public_key
    return fake


def _nack(response: object, status: int, text: str) -> None:
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["message"] == {"ack": {"status": "NACK"}}
    assert text in answer["error"]["message"]


def test_the_registrys_challenge_is_answered_with_its_plain_text(
    client: Client, registry: FakeRegistry, encryption_private_key: str
) -> None:
    challenge = encryption.new_challenge()
    body = {
        "subscriber_id": "bpp.sunbeckn.test",
        "challenge": registry.encrypt(challenge, encryption_private_key),
    }

    response = registry.post(client, body)

    assert response.status_code == 200
    assert response.json() == {"answer": challenge}


def test_the_answer_and_the_status_sent_are_recorded_on_our_subscription(
    client: Client, registry: FakeRegistry, encryption_private_key: str
) -> None:
    now = timezone.now()
    row = NetworkSubscription.objects.create(
        registry_url="http://registry.test",
        unique_key_id="bpp-test-key",
        subscriber_id="bpp.sunbeckn.test",
        subscriber_url="http://127.0.0.1:8000/beckn",
        domain="service",
        signing_public_key="x",
        encryption_public_key="y",
        valid_from=now,
        valid_until=now + timedelta(days=1),
        status=NetworkSubscription.Status.UNDER_SUBSCRIPTION,
    )
    body = {"challenge": registry.encrypt("c-1", encryption_private_key), "status": "SUBSCRIBED"}

    assert registry.post(client, body).json() == {"answer": "c-1"}

    row.refresh_from_db()
    assert row.status == NetworkSubscription.Status.SUBSCRIBED
    assert row.challenges_answered == 1
    assert row.challenged_at is not None


def test_a_challenge_for_the_next_key_of_a_rotation_is_answered(
    client: Client, registry: FakeRegistry, settings: object
) -> None:
    following = generate_key_material()
    settings.BECKN_NEXT_UNIQUE_KEY_ID = following["unique_key_id"]
    settings.BECKN_NEXT_SIGNING_PRIVATE_KEY = following["signing_private_key"]
    settings.BECKN_NEXT_ENCRYPTION_PRIVATE_KEY = following["encryption_private_key"]
    body = {"challenge": registry.encrypt("for-the-next-key", following["encryption_private_key"])}

    assert registry.post(client, body).json() == {"answer": "for-the-next-key"}


def test_the_route_is_not_taken_for_a_beckn_action(client: Client, registry: FakeRegistry) -> None:
    response = registry.post(client, {"challenge": "AAAA"})
    assert response.json()["error"]["code"] == "30000"  # not 40001, "action not served"


@pytest.mark.parametrize(
    "make_body, text",
    [
        (lambda r, k: b"{not json", "not valid JSON"),
        (lambda r, k: encode({"subject": "x"}), "challenge: This field is required."),
        (lambda r, k: b"[1, 2]", "JSON object"),
        (lambda r, k: {"challenge": "@@not base64@@"}, "not valid base64"),
        (lambda r, k: {"challenge": base64.b64encode(b"x" * 20).decode()}, "AES blocks"),
        (lambda r, k: {"challenge": base64.b64encode(b"x" * 16).decode()}, "not encrypted"),
        (
            lambda r, k: {"challenge": r.encrypt("for someone else", _stranger_key())},
            "not encrypted for any of our keys",
        ),
        (
            lambda r, k: {"subscriber_id": "other-bpp.test", "challenge": r.encrypt("c", k)},
            "is for other-bpp.test",
        ),
        (lambda r, k: {"challenge": r.encrypt("c", k), "status": "HAPPY"}, "status"),
    ],
)
def test_a_wrong_or_foreign_challenge_is_refused_without_a_500(
    client: Client, registry: FakeRegistry, encryption_private_key: str, make_body, text: str
) -> None:
    response = registry.post(client, make_body(registry, encryption_private_key))
    _nack(response, 400, text)


def _stranger_key() -> str:
    return encryption.private_key_base64(encryption.generate_private_key())


def test_with_the_registrys_signing_key_configured_only_its_signature_is_accepted(
    client: Client, registry: FakeRegistry, encryption_private_key: str, settings: object
) -> None:
    settings.BECKN_REGISTRY_SIGNING_PUBLIC_KEY = registry.identity.public_key
    body = {"challenge": registry.encrypt("signed", encryption_private_key)}
    impostor = BapIdentity(subscriber_id="registry.test")

    _nack(registry.post(client, body, signed=False), 401, "not signed by the registry")
    _nack(
        registry.post(client, body, Authorization=impostor.sign(encode(body))),
        401,
        "does not match",
    )
    assert registry.post(client, body).json() == {"answer": "signed"}


def test_a_bpp_without_the_registrys_key_refuses_with_503_not_500(
    client: Client, registry: FakeRegistry, encryption_private_key: str, settings: object
) -> None:
    settings.BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY = ""
    body = {"challenge": registry.encrypt("c", encryption_private_key)}
    _nack(registry.post(client, body), 503, "not configured")


def test_a_bpp_without_an_encryption_key_refuses_with_503_not_500(
    client: Client, registry: FakeRegistry, settings: object
) -> None:
    settings.BECKN_ENCRYPTION_PRIVATE_KEY = ""
    body = {"challenge": registry.encrypt("c", _stranger_key())}
    _nack(registry.post(client, body), 503, "not configured")


def test_the_registry_may_send_its_body_with_any_json_spacing(
    client: Client, registry: FakeRegistry, encryption_private_key: str
) -> None:
    raw = json.dumps({"challenge": registry.encrypt("spaced", encryption_private_key)}, indent=2)
    assert registry.post(client, raw.encode()).json() == {"answer": "spaced"}
