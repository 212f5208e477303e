"""The registry's challenge scheme: X25519 shared secret as an AES-256-ECB key, base64.

The first test is a vector made with the OpenSSL command line, independently of our code:
`openssl genpkey -algorithm X25519` for both sides, `openssl pkeyutl -derive` for the shared
secret and `openssl enc -aes-256-ecb -a` for the challenge (keys in the DER forms registries use).
"""

import base64

import pytest
from nacl.bindings import crypto_scalarmult
from nacl.public import PrivateKey

from beckn import encryption

OPENSSL_OUR_PRIVATE_KEY = "MC4CAQAwBQYDK2VuBCIEIKBix0Mz2OQMJsnwfBUMx0UeVwD0ndEBZWSFUST9BqRl"
OPENSSL_OUR_PUBLIC_KEY = "MCowBQYDK2VuAyEAZsURLfNjXY0G9+OKIzfyvlntfU3sl8yn0EbAV4eiMQI="
OPENSSL_REGISTRY_PUBLIC_KEY = "MCowBQYDK2VuAyEApKtVUVfDdNAIsO2BcyUZIutTTcCOqKeWGrU2GVoBW2o="
OPENSSL_SHARED_SECRET = "3f77fc1dc9352266ea07fe51eaa0100c55af807fe21e97eee7cd11551995a72a"
OPENSSL_CHALLENGE = "IBo3wZpt4ZI/tlQRroPtItoc7kX/xEe93X4J4W9xxhs="
OPENSSL_PLAIN = "sunbeckn-challenge-7f3a9c"


def test_an_openssl_made_challenge_is_decrypted() -> None:
    ours = encryption.private_key_from_base64(OPENSSL_OUR_PRIVATE_KEY)
    registry = encryption.public_key_from_base64(OPENSSL_REGISTRY_PUBLIC_KEY)

    shared = encryption.shared_key(ours, registry)

    assert shared.hex() == OPENSSL_SHARED_SECRET
    assert encryption.decrypt_challenge(OPENSSL_CHALLENGE, key=shared) == OPENSSL_PLAIN
    assert encryption.public_key_base64(ours) == OPENSSL_OUR_PUBLIC_KEY
    assert encryption.private_key_base64(ours) == OPENSSL_OUR_PRIVATE_KEY


def test_a_challenge_encrypted_with_pynacl_round_trips_in_raw_and_der_forms() -> None:
    registry = PrivateKey.generate()
    ours = encryption.generate_private_key()
    our_public = encryption.public_key_from_base64(encryption.public_key_base64(ours))
    registry_shared = crypto_scalarmult(bytes(registry), our_public.public_bytes_raw())
    challenge = encryption.new_challenge()
    cipher = encryption.encrypt_challenge(challenge, key=registry_shared)

    raw_registry_key = base64.b64encode(bytes(registry.public_key)).decode()
    for registry_key in (raw_registry_key, _der(raw_registry_key)):
        shared = encryption.shared_key(ours, encryption.public_key_from_base64(registry_key))
        assert encryption.decrypt_challenge(cipher, key=shared) == challenge


def _der(raw_public_key: str) -> str:
    public = encryption.public_key_from_base64(raw_public_key)
    return encryption.public_key_base64(public)


@pytest.mark.parametrize(
    "challenge, reason",
    [
        ("not base64 at all!", "base64"),
        ("", "AES blocks"),
        (base64.b64encode(b"short").decode(), "AES blocks"),
        (OPENSSL_CHALLENGE, "not encrypted for our key"),  # encrypted for another key pair
    ],
)
def test_what_is_not_our_challenge_is_refused(challenge: str, reason: str) -> None:
    stranger = encryption.shared_key(
        encryption.generate_private_key(),
        encryption.public_key_from_base64(OPENSSL_REGISTRY_PUBLIC_KEY),
    )
    with pytest.raises(encryption.ChallengeError, match=reason):
        encryption.decrypt_challenge(challenge, key=stranger)


def test_a_low_order_peer_key_is_refused() -> None:
    zero = encryption.public_key_from_base64(base64.b64encode(bytes(32)).decode())
    with pytest.raises(encryption.ChallengeError, match="not usable"):
        encryption.shared_key(encryption.generate_private_key(), zero)


@pytest.mark.parametrize(
    "value",
    ["###", base64.b64encode(b"x" * 40).decode(), OPENSSL_REGISTRY_PUBLIC_KEY[:-4] + "AAA="],
)
def test_malformed_keys_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="encryption"):
        encryption.private_key_from_base64(value)
