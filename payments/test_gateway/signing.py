"""How the test gateway signs its webhook events, and how a receiver checks them.

The header `Test-Gateway-Signature: t=<unix time>,v1=<hex>` carries an HMAC-SHA256, under the
shared secret, of `<t>.` followed by the exact body (Stripe's scheme). A receiver accepts it
when one v1 value matches and t is within the tolerance of its clock.
"""

import hashlib
import hmac
import re

SIGNATURE_HEADER = "Test-Gateway-Signature"


class SignatureInvalid(ValueError):
    pass


def _mac(body: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(body: bytes, *, secret: str, timestamp: int) -> str:
    return f"t={timestamp},v1={_mac(body, secret, timestamp)}"


def signature_verify(
    body: bytes, header: str | None, *, secret: str, tolerance: int, now: float
) -> None:
    """Raises SignatureInvalid unless `header` signs `body` under `secret` at a time within
    `tolerance` seconds of `now`."""
    if not header:
        raise SignatureInvalid(f"No {SIGNATURE_HEADER} header.")
    timestamps, signatures = [], []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamps.append(value)
        elif name == "v1":
            signatures.append(value)
    if len(timestamps) != 1 or not re.fullmatch(r"[0-9]{1,12}", timestamps[0]):
        raise SignatureInvalid("The signature has no timestamp.")
    timestamp = int(timestamps[0])
    expected = _mac(body, secret, timestamp)
    if not any(
        signature.isascii() and hmac.compare_digest(expected, signature) for signature in signatures
    ):
        raise SignatureInvalid("The signature does not match the body.")
    if abs(now - timestamp) > tolerance:
        raise SignatureInvalid("The signature is too old (or from the future).")
