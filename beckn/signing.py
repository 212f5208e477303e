"""Beckn HTTP signatures (BECKN-006): a BLAKE2b-512 digest of the body, signed with Ed25519.

Pure functions over bytes and strings; nothing here touches the database or settings.
"""

import base64
import binascii
import functools
import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
_PARAM_RE = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(ValueError):
    """A signature header that is malformed, out of date or does not verify."""


@dataclass(frozen=True)
class SignatureHeader:
    subscriber_id: str
    unique_key_id: str
    algorithm: str
    created: int
    expires: int
    headers: str
    signature: str


def body_digest(body: bytes) -> str:
    """base64 of the BLAKE2b-512 hash of the raw body."""
    return base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode()


def signing_string(*, created: int, expires: int, digest: str) -> str:
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest}"


def signing_key_from_base64(value: str) -> SigningKey:
    """An Ed25519 key from base64 of its 32-byte seed or of the 64-byte seed+public key."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("The signing key is not valid base64.") from exc
    if len(raw) not in (32, 64):
        raise ValueError(f"The signing key must be 32 or 64 bytes, not {len(raw)}.")
    key = SigningKey(raw[:32])
    if len(raw) == 64 and bytes(key.verify_key) != raw[32:]:
        raise ValueError("The signing key's public half does not match its seed.")
    return key


def public_key_base64(key: SigningKey) -> str:
    return base64.b64encode(bytes(key.verify_key)).decode()


def private_key_base64(key: SigningKey) -> str:
    """base64 of seed+public key (64 bytes), the form most Beckn registries publish."""
    return base64.b64encode(bytes(key) + bytes(key.verify_key)).decode()


def sign(
    body: bytes,
    *,
    subscriber_id: str,
    unique_key_id: str,
    key: SigningKey,
    created: int | None = None,
    ttl_seconds: int = 300,
) -> str:
    """The value of an `Authorization` (or `X-Gateway-Authorization`) header for `body`."""
    created = int(time.time()) if created is None else created
    expires = created + ttl_seconds
    message = signing_string(created=created, expires=expires, digest=body_digest(body))
    signature = base64.b64encode(key.sign(message.encode()).signature).decode()
    return (
        f'Signature keyId="{subscriber_id}|{unique_key_id}|{ALGORITHM}",'
        f'algorithm="{ALGORITHM}",created="{created}",expires="{expires}",'
        f'headers="{SIGNED_HEADERS}",signature="{signature}"'
    )


def parse_header(value: str) -> SignatureHeader:
    """Parse a signature header strictly; raise SignatureError saying what is wrong."""
    value = value.strip()
    if not value.startswith("Signature "):
        raise SignatureError("The header must start with 'Signature '.")
    rest = value[len("Signature ") :]
    params: dict[str, str] = {}
    position = 0
    while position < len(rest):
        match = _PARAM_RE.match(rest, position)
        if not match:
            raise SignatureError('The header\'s parameters must be name="value" pairs.')
        name, param = match.groups()
        if name in params:
            raise SignatureError(f"The header repeats '{name}'.")
        params[name] = param
        position = match.end()
    missing = [
        n
        for n in ("keyId", "algorithm", "created", "expires", "headers", "signature")
        if n not in params
    ]
    if missing:
        raise SignatureError(f"The header lacks {', '.join(missing)}.")
    parts = params["keyId"].split("|")
    if len(parts) != 3 or not all(parts):
        raise SignatureError("keyId must be 'subscriber_id|unique_key_id|algorithm'.")
    subscriber_id, unique_key_id, key_algorithm = parts
    if key_algorithm != ALGORITHM or params["algorithm"] != ALGORITHM:
        raise SignatureError(f"The algorithm must be {ALGORITHM} in keyId and algorithm.")
    if params["headers"] != SIGNED_HEADERS:
        raise SignatureError(f'headers must be "{SIGNED_HEADERS}".')
    try:
        created, expires = int(params["created"]), int(params["expires"])
    except ValueError:
        raise SignatureError("created and expires must be unix timestamps.") from None
    return SignatureHeader(
        subscriber_id=subscriber_id,
        unique_key_id=unique_key_id,
        algorithm=ALGORITHM,
        created=created,
        expires=expires,
        headers=params["headers"],
        signature=params["signature"],
    )


def check_times(
    header: SignatureHeader,
    *,
    now: int | None = None,
    skew: int = 0,
    max_lifetime: int | None = None,
) -> None:
    """Refuse a signature created in the future, already expired, or (with `max_lifetime`, in
    seconds) valid for longer than that."""
    now = int(time.time()) if now is None else now
    if max_lifetime is not None and header.expires - header.created > max_lifetime:
        raise SignatureError(f"The signature is valid for longer than {max_lifetime} seconds.")
    if header.created > now + skew:
        raise SignatureError("The signature's created time is in the future.")
    if header.expires < now - skew:
        raise SignatureError("The signature has expired.")
    if header.expires < header.created:
        raise SignatureError("The signature expires before it was created.")


def verify(header: SignatureHeader, body: bytes, public_key: str) -> None:
    """Check the signature over `body` against a base64 Ed25519 public key."""
    try:
        verify_key = _verify_key(public_key)
        signature = base64.b64decode(header.signature, validate=True)
    except (binascii.Error, ValueError, CryptoError) as exc:
        raise SignatureError("The signature or the public key is not valid base64.") from exc
    message = signing_string(
        created=header.created, expires=header.expires, digest=body_digest(body)
    )
    try:
        verify_key.verify(message.encode(), signature)
    except (BadSignatureError, CryptoError, ValueError):
        raise SignatureError("The signature does not match the body.") from None


@functools.lru_cache(maxsize=1024)
def _verify_key(public_key: str) -> VerifyKey:
    """The Ed25519 key of a base64 public key (the same few keys verify most requests)."""
    return VerifyKey(base64.b64decode(public_key, validate=True))


def entry_key_id(entry: dict[str, Any]) -> object:
    """The key id of a registry's lookup entry, whichever name the registry gives it (key_id,
    unique_key_id or ukId)."""
    return entry.get("key_id") or entry.get("unique_key_id") or entry.get("ukId")
