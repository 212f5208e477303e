"""Our own signing identity: from BECKN_* settings, or the key generated under DATA_DIR."""

import functools
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.signing import SigningKey

from beckn import signing
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


def generate_key_material(unique_key_id: str | None = None) -> dict[str, str]:
    """A new Ed25519 key pair in the form registries and our settings take."""
    key = SigningKey.generate()
    return {
        "unique_key_id": unique_key_id or f"k-{uuid.uuid4()}",
        "signing_private_key": signing.private_key_base64(key),
        "signing_public_key": signing.public_key_base64(key),
    }


def ensure_generated_key() -> tuple[dict[str, str], bool]:
    """The key kept under DATA_DIR, generated on first use. Returns (material, created)."""
    path = generated_key_path()
    if path.exists():
        return json.loads(path.read_text()), False
    material = generate_key_material()
    path.write_text(json.dumps(material, indent=2))
    path.chmod(0o600)
    return material, True


@functools.lru_cache(maxsize=8)
def _signing_key(private_key: str) -> SigningKey:
    return signing.signing_key_from_base64(private_key)


def our_identity() -> Identity:
    """Who we are on the network and the key we sign with. Raises ImproperlyConfigured."""
    private_key = settings.BECKN_SIGNING_PRIVATE_KEY
    unique_key_id = settings.BECKN_UNIQUE_KEY_ID
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
    if not unique_key_id:
        raise ImproperlyConfigured(
            "BECKN_UNIQUE_KEY_ID must be set with BECKN_SIGNING_PRIVATE_KEY."
        )
    try:
        key = _signing_key(private_key)
    except ValueError as exc:
        raise ImproperlyConfigured(f"BECKN_SIGNING_PRIVATE_KEY: {exc}") from exc
    return Identity(
        subscriber_id=settings.BECKN_SUBSCRIBER_ID,
        subscriber_url=settings.BECKN_SUBSCRIBER_URL,
        unique_key_id=unique_key_id,
        key=key,
    )
