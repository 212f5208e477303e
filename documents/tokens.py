"""Form tokens: who may open and submit one item's document form, for a limited time.

A token is Django's signed, timestamped JSON (django.core.signing with our own salt), scoped to
one item and either one buyer's transaction (before the order exists) or one order. It expires
after DOCUMENTS_TOKEN_MAX_AGE_SECONDS. It is a bearer credential: whoever holds it may upload
documents for that scope, nothing else.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "sunbeckn.documents.form"


class TokenRefused(Exception):
    """The token is missing, forged, expired or for another form; the message is safe to show."""


@dataclass(frozen=True)
class FormScope:
    """What a token opens: the form of `item_id` for one transaction, or for one order."""

    item_id: int
    buyer_reference: str = ""
    transaction_id: str = ""
    order_id: int | None = None

    def __post_init__(self) -> None:
        if (self.order_id is None) == (not self.transaction_id):
            raise ValueError("A form scope is one order or one transaction.")


def token_for(scope: FormScope) -> str:
    payload: dict[str, object] = {"i": scope.item_id}
    if scope.order_id is not None:
        payload["o"] = scope.order_id
    else:
        payload.update({"b": scope.buyer_reference, "t": scope.transaction_id})
    return signing.dumps(payload, salt=SALT, compress=True)


def scope_of(token: str) -> FormScope:
    """The scope a token opens. Raises TokenRefused."""
    if not token:
        raise TokenRefused("This form needs its token (Authorization: Bearer <token>).")
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.DOCUMENTS_TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise TokenRefused("This form's token has expired; ask for a fresh link.") from None
    except signing.BadSignature:
        raise TokenRefused("This form's token is not valid.") from None
    try:
        if "o" in payload:
            return FormScope(item_id=int(payload["i"]), order_id=int(payload["o"]))
        return FormScope(
            item_id=int(payload["i"]),
            buyer_reference=str(payload["b"]),
            transaction_id=str(payload["t"]),
        )
    except (KeyError, TypeError, ValueError):
        raise TokenRefused("This form's token is not valid.") from None
