"""X25519 encryption keys and the registry's subscription challenge, as deployed registries do it.

A registry proves that we hold the encryption key we announced by sending, to our
`/on_subscribe`, a random challenge encrypted with the X25519 shared secret of its encryption
key and ours: the 32-byte secret is the key of AES-256 in ECB mode with PKCS#7 padding, and the
ciphertext travels in base64. We decrypt it and answer the plain text. This is the scheme of
ONDC's registry and of the reference on_subscribe services it publishes for participants.

Keys travel in base64, either raw (32 bytes) or DER: SubjectPublicKeyInfo for a public key
("MCowBQYDK2VuAyEA..."), PKCS#8 for a private key ("MC4CAQAwBQYDK2VuBCIEI..."), the forms
registries publish. We publish ours in DER. Pure functions: no settings, no database.
"""

import base64
import binascii
import secrets

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

RAW_KEY_BYTES = 32
AES_BLOCK_BITS = 128


class ChallengeError(ValueError):
    """A challenge that cannot be decrypted with our key and the registry's."""


class ChallengeFormatError(ChallengeError):
    """A challenge that is no ciphertext at all, whatever the key."""


def _decode(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"The {what} is not valid base64.") from exc


def private_key_from_base64(value: str) -> X25519PrivateKey:
    """An X25519 private key from base64 of its 32 raw bytes or of its PKCS#8 DER form."""
    raw = _decode(value, "encryption private key")
    if len(raw) == RAW_KEY_BYTES:
        return X25519PrivateKey.from_private_bytes(raw)
    try:
        key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(
            "The encryption private key must be 32 raw bytes or PKCS#8 DER, in base64."
        ) from exc
    if not isinstance(key, X25519PrivateKey):
        raise ValueError("The encryption private key is not an X25519 key.")
    return key


def public_key_from_base64(value: str) -> X25519PublicKey:
    """An X25519 public key from base64 of its 32 raw bytes or of its DER SubjectPublicKeyInfo."""
    raw = _decode(value, "encryption public key")
    if len(raw) == RAW_KEY_BYTES:
        return X25519PublicKey.from_public_bytes(raw)
    try:
        key = serialization.load_der_public_key(raw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(
            "The encryption public key must be 32 raw bytes or DER SubjectPublicKeyInfo, in base64."
        ) from exc
    if not isinstance(key, X25519PublicKey):
        raise ValueError("The encryption public key is not an X25519 key.")
    return key


def private_key_base64(key: X25519PrivateKey) -> str:
    """base64 of the PKCS#8 DER form (what registries' key tools print)."""
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return base64.b64encode(der).decode()


def public_key_base64(key: X25519PrivateKey | X25519PublicKey) -> str:
    """base64 of the DER SubjectPublicKeyInfo form, our `encr_public_key`."""
    public = key.public_key() if isinstance(key, X25519PrivateKey) else key
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def generate_private_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def shared_key(private_key: X25519PrivateKey, peer_public_key: X25519PublicKey) -> bytes:
    """The 32-byte X25519 shared secret; refuses a peer key of low order."""
    try:
        return private_key.exchange(peer_public_key)
    except ValueError as exc:
        raise ChallengeError("The peer's encryption key is not usable.") from exc


def _cipher(key: bytes) -> Cipher:
    return Cipher(algorithms.AES(key), modes.ECB())  # noqa: S305 - the registries' scheme


def encrypt_challenge(plain: str, *, key: bytes) -> str:
    """base64 of AES-256-ECB(PKCS#7(plain)) under the shared `key` (the registry's side)."""
    padder = padding.PKCS7(AES_BLOCK_BITS).padder()
    padded = padder.update(plain.encode()) + padder.finalize()
    encryptor = _cipher(key).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt_challenge(challenge: str, *, key: bytes) -> str:
    """The plain text of a base64 challenge encrypted under the shared `key`.

    Raises ChallengeError for anything that is not a challenge encrypted with this key: bad
    base64, a length that is not whole AES blocks, bad padding or text that is not UTF-8.
    """
    try:
        data = base64.b64decode(challenge.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ChallengeFormatError("The challenge is not valid base64.") from None
    if not data or len(data) % (AES_BLOCK_BITS // 8):
        raise ChallengeFormatError("The challenge is not a whole number of AES blocks.")
    decryptor = _cipher(key).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(AES_BLOCK_BITS).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        text = plain.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise ChallengeError("The challenge was not encrypted for our key.") from None
    if not text or not text.isprintable():
        raise ChallengeError("The challenge was not encrypted for our key.")
    return text


def new_challenge() -> str:
    """A random challenge string, as a registry makes one."""
    return secrets.token_urlsafe(32)
