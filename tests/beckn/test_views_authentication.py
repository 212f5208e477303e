"""Only verified callers are served, and their callbacks only go where they belong (BECKN-006)."""

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from beckn.models import InboundMessage, OutboundMessage, Subscriber, SubscriberKey
from beckn.peers import BapIdentity, encode
from tests.beckn.factories import SubscriberFactory, SubscriberKeyFactory
from tests.conftest import Bap

pytestmark = pytest.mark.django_db

Tamper = Callable[[Bap, dict], tuple[bytes, dict[str, str]]]


def _signed(bap: Bap, payload: dict, **sign_kwargs: object) -> tuple[bytes, dict[str, str]]:
    body = encode(payload)
    return body, {"Authorization": bap.identity.sign(body, **sign_kwargs)}


def missing_header(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    return encode(payload), {}


def malformed_header(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    return encode(payload), {"Authorization": "Signature garbage"}


def wrong_algorithm(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    body, headers = _signed(bap, payload)
    return body, {"Authorization": headers["Authorization"].replace('"ed25519"', '"rsa-sha256"')}


def unknown_subscriber(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    stranger = BapIdentity()
    payload["context"]["bap_id"] = stranger.subscriber_id
    body = encode(payload)
    return body, {"Authorization": stranger.sign(body)}


def unknown_key_id(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    bap.identity.unique_key_id = "not-registered"
    return _signed(bap, payload)


def revoked_key(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    SubscriberKey.objects.update(revoked=True)
    return _signed(bap, payload)


def expired_key(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    SubscriberKey.objects.update(valid_until=timezone.now() - timedelta(minutes=1))
    return _signed(bap, payload)


def unsubscribed(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    Subscriber.objects.update(status=Subscriber.Status.UNSUBSCRIBED)
    return _signed(bap, payload)


def created_in_the_future(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    return _signed(bap, payload, created=int(time.time()) + 600)


def already_expired(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    return _signed(bap, payload, created=int(time.time()) - 900, ttl_seconds=300)


def body_tampered_after_signing(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    body, headers = _signed(bap, payload)
    return body.replace(b"SunPower", b"SunPowerX"), headers


def signed_by_another_key(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    body = encode(payload)
    impostor = BapIdentity(
        subscriber_id=bap.subscriber_id, unique_key_id=bap.identity.unique_key_id
    )
    return body, {"Authorization": impostor.sign(body)}


def bap_id_is_not_the_signer(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    other = SubscriberFactory()
    payload["context"]["bap_id"] = other.subscriber_id
    return _signed(bap, payload)


def bap_uri_outside_the_registered_url(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    payload["context"]["bap_uri"] = "http://169.254.169.254/latest/meta-data"
    return _signed(bap, payload)


def bap_uri_on_a_lookalike_host(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    Subscriber.objects.update(url="https://bap.example.com/beckn")
    payload["context"]["bap_uri"] = "https://bap.example.com.evil.test/beckn"
    return _signed(bap, payload)


def bap_uri_beside_the_registered_path(bap: Bap, payload: dict) -> tuple[bytes, dict[str, str]]:
    payload["context"]["bap_uri"] = bap.server.bap_uri + "-admin"
    return _signed(bap, payload)


@pytest.mark.parametrize(
    "tamper, reason",
    [
        (missing_header, "not signed"),
        (malformed_header, "parameters"),
        (wrong_algorithm, "algorithm"),
        (unknown_subscriber, "Unknown subscriber"),
        (unknown_key_id, "Unknown subscriber or key"),
        (revoked_key, "revoked"),
        (expired_key, "not valid now"),
        (unsubscribed, "UNSUBSCRIBED"),
        (created_in_the_future, "future"),
        (already_expired, "expired"),
        (body_tampered_after_signing, "does not match"),
        (signed_by_another_key, "does not match"),
        (bap_id_is_not_the_signer, "context.bap_id"),
        (bap_uri_outside_the_registered_url, "bap_uri"),
        (bap_uri_on_a_lookalike_host, "bap_uri"),
        (bap_uri_beside_the_registered_path, "bap_uri"),
    ],
)
def test_untrusted_requests_get_401_and_nothing_is_queued(
    client: Client, bap: Bap, tamper: Tamper, reason: str
) -> None:
    body, headers = tamper(bap, bap.request())

    response = client.post(
        "/beckn/search", data=body, content_type="application/json", headers=headers
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == (
        'Signature realm="bpp.sunbeckn.test",headers="(created) (expires) digest"'
    )
    answer = response.json()
    assert answer["message"] == {"ack": {"status": "NACK"}}
    assert reason in answer["error"]["message"]
    assert not OutboundMessage.objects.exists()
    assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.REJECTED


def test_a_key_being_rotated_in_is_accepted_beside_the_old_one(client: Client, bap: Bap) -> None:
    new_identity = BapIdentity(subscriber_id=bap.subscriber_id)
    SubscriberKeyFactory(
        subscriber=Subscriber.objects.get(),
        unique_key_id=new_identity.unique_key_id,
        signing_public_key=new_identity.public_key,
    )
    for identity in (bap.identity, new_identity):
        body = encode(bap.request())
        response = client.post(
            "/beckn/search",
            data=body,
            content_type="application/json",
            headers={"Authorization": identity.sign(body)},
        )
        assert response.status_code == 200
    assert OutboundMessage.objects.count() == 2


class TestGatewayForwardedSearch:
    @pytest.fixture
    def gateway(self, db: None) -> BapIdentity:
        identity = BapIdentity(subscriber_id="gateway.example.test")
        SubscriberKeyFactory(
            subscriber__subscriber_id=identity.subscriber_id,
            subscriber__type=Subscriber.Type.BG,
            unique_key_id=identity.unique_key_id,
            signing_public_key=identity.public_key,
        )
        return identity

    def test_a_valid_gateway_signature_is_accepted(
        self, client: Client, bap: Bap, gateway: BapIdentity
    ) -> None:
        body = encode(bap.request())
        headers = {**bap.headers(body), "X-Gateway-Authorization": gateway.sign(body)}
        response = client.post(
            "/beckn/search", data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 200

    def test_a_forged_gateway_signature_is_refused(
        self, client: Client, bap: Bap, gateway: BapIdentity
    ) -> None:
        body = encode(bap.request())
        forged = BapIdentity(
            subscriber_id=gateway.subscriber_id, unique_key_id=gateway.unique_key_id
        )
        headers = {**bap.headers(body), "X-Gateway-Authorization": forged.sign(body)}
        response = client.post(
            "/beckn/search", data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 401
        assert response["Proxy-Authenticate"].startswith('Signature realm="bpp.sunbeckn.test"')
        assert "does not match" in response.json()["error"]["message"]
        assert not OutboundMessage.objects.exists()

    def test_a_bap_key_cannot_sign_as_a_gateway(self, client: Client, bap: Bap) -> None:
        body = encode(bap.request())
        headers = {**bap.headers(body), "X-Gateway-Authorization": bap.identity.sign(body)}
        response = client.post(
            "/beckn/search", data=body, content_type="application/json", headers=headers
        )
        assert response.status_code == 401
