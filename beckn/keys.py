"""Our own keys: from BECKN_* settings, or the key pair generated under DATA_DIR.

We hold a *current* key pair (signing + encryption) and, during a rotation, a *next* one
(BECKN_NEXT_*) that is announced to the registry before use. BECKN_SIGN_WITH_NEXT_KEY switches
outgoing signatures to the next key; both stay answerable for registry challenges.
"""

import functools
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.signing import SigningKey

from beckn import encryption, signing
from config.env import data_path


@dataclass(frozen=True)
class Identity:
    subscriber_id: str
    subscriber_url: str
    unique_key_id: str
    key: SigningKey

    @property
    def public_key(self) -> str:
        return signing.public_key_base64(self.key)


def generated_key_path() -> Path:
    return data_path("beckn", "signing-key.json")


def _encryption_material() -> dict[str, str]:
    key = encryption.generate_private_key()
    return {
        "encryption_private_key": encryption.private_key_base64(key),
        "encryption_public_key": encryption.public_key_base64(key),
    }


def generate_key_material(unique_key_id: str | None = None) -> dict[str, str]:
    """A new Ed25519 signing key and X25519 encryption key, in the form registries and our
    settings take; the key id is a UUID, as registries expect."""
    key = SigningKey.generate()
    return {
        "unique_key_id": unique_key_id or str(uuid.uuid4()),
        "signing_private_key": signing.private_key_base64(key),
        "signing_public_key": signing.public_key_base64(key),
        **_encryption_material(),
    }


def _write_material(path: Path, material: dict[str, str]) -> None:
    path.write_text(json.dumps(material, indent=2))
    path.chmod(0o600)


def ensure_generated_key() -> tuple[dict[str, str], bool]:
    """The key pair kept under DATA_DIR, generated on first use. Returns (material, created).

    A file from before encryption keys existed gets one added, its signing key unchanged.
    """
    path = generated_key_path()
    if path.exists():
        material = json.loads(path.read_text())
        if not material.get("encryption_private_key"):
            material.update(_encryption_material())
            _write_material(path, material)
        return material, False
    material = generate_key_material()
    _write_material(path, material)
    return material, True


@functools.lru_cache(maxsize=8)
def _signing_key(private_key: str) -> SigningKey:
    return signing.signing_key_from_base64(private_key)


@functools.lru_cache(maxsize=8)
def _encryption_key(private_key: str) -> X25519PrivateKey:
    return encryption.private_key_from_base64(private_key)


CURRENT = "current"
NEXT = "next"


@dataclass(frozen=True)
class KeyPair:
    """One of our key pairs: a signing key and the encryption key announced with it."""

    role: str  # CURRENT or NEXT
    unique_key_id: str
    signing_key: SigningKey
    encryption_key: X25519PrivateKey | None

    @property
    def signing_public_key(self) -> str:
        return signing.public_key_base64(self.signing_key)

    @property
    def encryption_public_key(self) -> str:
        return encryption.public_key_base64(self.require_encryption_key())

    def require_encryption_key(self) -> X25519PrivateKey:
        if self.encryption_key is None:
            variable = (
                "BECKN_NEXT_ENCRYPTION_PRIVATE_KEY"
                if self.role == NEXT
                else "BECKN_ENCRYPTION_PRIVATE_KEY"
            )
            raise ImproperlyConfigured(
                f"No encryption key for key {self.unique_key_id}: set {variable} "
                "(`manage.py beckn_keys` prints a new one)."
            )
        return self.encryption_key


def _pair(
    role: str, unique_key_id: str, signing_private: str, encryption_private: str, prefix: str
) -> KeyPair:
    try:
        signing_key = _signing_key(signing_private)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{prefix}SIGNING_PRIVATE_KEY: {exc}") from exc
    encryption_key = None
    if encryption_private:
        try:
            encryption_key = _encryption_key(encryption_private)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{prefix}ENCRYPTION_PRIVATE_KEY: {exc}") from exc
    return KeyPair(role, unique_key_id, signing_key, encryption_key)


def _current_pair() -> KeyPair:
    private_key = settings.BECKN_SIGNING_PRIVATE_KEY
    unique_key_id = settings.BECKN_UNIQUE_KEY_ID
    encryption_private = settings.BECKN_ENCRYPTION_PRIVATE_KEY
    if not private_key:
        path = generated_key_path()
        if not path.exists():
            raise ImproperlyConfigured(
                "No signing key: set BECKN_SIGNING_PRIVATE_KEY or run "
                "`manage.py beckn_keys --ensure`."
            )
        material = json.loads(path.read_text())
        private_key = material["signing_private_key"]
        unique_key_id = unique_key_id or material["unique_key_id"]
        encryption_private = encryption_private or material.get("encryption_private_key", "")
    if not unique_key_id:
        raise ImproperlyConfigured(
            "BECKN_UNIQUE_KEY_ID must be set with BECKN_SIGNING_PRIVATE_KEY."
        )
    return _pair(CURRENT, unique_key_id, private_key, encryption_private, "BECKN_")


def _next_pair() -> KeyPair | None:
    unique_key_id = settings.BECKN_NEXT_UNIQUE_KEY_ID
    private_key = settings.BECKN_NEXT_SIGNING_PRIVATE_KEY
    if not unique_key_id and not private_key:
        return None
    if not unique_key_id or not private_key:
        raise ImproperlyConfigured(
            "BECKN_NEXT_UNIQUE_KEY_ID and BECKN_NEXT_SIGNING_PRIVATE_KEY go together."
        )
    return _pair(
        NEXT,
        unique_key_id,
        private_key,
        settings.BECKN_NEXT_ENCRYPTION_PRIVATE_KEY,
        "BECKN_NEXT_",
    )


def our_key_pairs() -> list[KeyPair]:
    """Every key pair we hold: the current one, then the next one during a rotation."""
    pairs = [_current_pair()]
    following = _next_pair()
    if following is not None:
        if following.unique_key_id == pairs[0].unique_key_id:
            raise ImproperlyConfigured("BECKN_NEXT_UNIQUE_KEY_ID must differ from the current.")
        pairs.append(following)
    return pairs


def our_key_pair(role: str = CURRENT) -> KeyPair:
    """Our CURRENT or NEXT key pair. Raises ImproperlyConfigured if it is not configured."""
    if role == CURRENT:
        return _current_pair()
    following = _next_pair()
    if following is not None:
        return following
    raise ImproperlyConfigured(
        "No next key: set BECKN_NEXT_UNIQUE_KEY_ID, BECKN_NEXT_SIGNING_PRIVATE_KEY and "
        "BECKN_NEXT_ENCRYPTION_PRIVATE_KEY (`manage.py beckn_keys --next` prints them)."
    )


def signing_key_pair() -> KeyPair:
    """The key pair our outgoing signatures use: the next one once BECKN_SIGN_WITH_NEXT_KEY."""
    return our_key_pair(NEXT if settings.BECKN_SIGN_WITH_NEXT_KEY else CURRENT)


def key_roles() -> dict[str, str]:
    """Our configured key ids and their role (current, next); ", signing" marks the one our
    outgoing signatures use. Raises ImproperlyConfigured."""
    roles = {pair.unique_key_id: pair.role for pair in our_key_pairs()}
    signing_key_id = signing_key_pair().unique_key_id
    roles[signing_key_id] = f"{roles[signing_key_id]}, signing"
    return roles


def our_identity() -> Identity:
    """Who we are on the network and the key we sign with. Raises ImproperlyConfigured."""
    pair = signing_key_pair()
    return Identity(
        subscriber_id=settings.BECKN_SUBSCRIBER_ID,
        subscriber_url=settings.BECKN_SUBSCRIBER_URL,
        unique_key_id=pair.unique_key_id,
        key=pair.signing_key,
    )


def signed_body(payload: object) -> tuple[bytes, str]:
    """The exact bytes we send for `payload` and the Authorization header that signs them with
    our identity. Raises ImproperlyConfigured."""
    identity = our_identity()
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    authorization = signing.sign(
        body,
        subscriber_id=identity.subscriber_id,
        unique_key_id=identity.unique_key_id,
        key=identity.key,
        ttl_seconds=settings.BECKN_SIGNATURE_TTL_SECONDS,
    )
    return body, authorization
