"""Joining a network: our subscription to the registry and the answer to its challenge.

`subscription_request` POSTs our subscription (registry.yaml's `Subscription` plus a nonce) to
`<BECKN_REGISTRY_URL>/subscribe`, signed like every call we make; meanwhile the registry sends
an encrypted challenge to our `/on_subscribe`, which `challenge_answer` decrypts
(beckn/encryption.py). We then ask the registry's `/lookup` for the status it gives our key.
Nothing here holds a transaction while waiting for the registry: its challenge updates the same
row from another request.
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, QuerySet
from django.utils import timezone

from beckn import encryption, signing
from beckn.keys import CURRENT, KeyPair, our_key_pair, our_key_pairs, signed_body
from beckn.models import EXCERPT_CHARS, NetworkSubscription

logger = logging.getLogger(__name__)
JSON = dict[str, Any]
Status = NetworkSubscription.Status


class SubscriptionError(Exception):
    """The registry could not be reached or refused our subscription; the message says why."""


class ChallengeRefused(Exception):
    """An on_subscribe we do not answer; `http_status` is 400 or 401."""

    def __init__(self, message: str, http_status: int = 400) -> None:
        super().__init__(message)
        self.http_status = http_status


def registry_url() -> str:
    """The registry's base url. Raises ImproperlyConfigured when BECKN_REGISTRY_URL is unset."""
    url = settings.BECKN_REGISTRY_URL.rstrip("/")
    if not url:
        raise ImproperlyConfigured("BECKN_REGISTRY_URL is not set: there is no registry to join.")
    return url


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def subscription_payload(
    *, pair: KeyPair, valid_from: datetime, valid_until: datetime, nonce: str
) -> JSON:
    """Our subscription for `pair`, as registry.yaml's /subscribe takes it."""
    return {
        "subscriber_id": settings.BECKN_SUBSCRIBER_ID,
        "url": settings.BECKN_SUBSCRIBER_URL,
        "type": "BPP",
        "domain": settings.BECKN_DOMAIN,
        "location": {
            "city": {"code": settings.BECKN_CITY},
            "country": {"code": settings.BECKN_COUNTRY},
        },
        "key_id": pair.unique_key_id,
        "signing_public_key": pair.signing_public_key,
        "encr_public_key": pair.encryption_public_key,
        "valid_from": _iso(valid_from),
        "valid_until": _iso(valid_until),
        "nonce": nonce,
    }


def _post_signed(url: str, payload: object, timeout: float) -> requests.Response:
    body, authorization = signed_body(payload)
    return requests.post(
        url,
        data=body,
        headers={"Content-Type": "application/json", "Authorization": authorization},
        timeout=timeout,
        allow_redirects=False,
    )


def _answer(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return {"text": response.text[:EXCERPT_CHARS]}


def _refusal(answer: object, http_status: int) -> str | None:
    """Why the registry refused, if it did (an HTTP error or a NACK)."""
    error = answer.get("error") if isinstance(answer, dict) else None
    ack = answer.get("message", {}).get("ack", {}) if isinstance(answer, dict) else {}
    nacked = isinstance(ack, dict) and ack.get("status") == "NACK"
    if http_status < 400 and not nacked:
        return None
    detail = ""
    if isinstance(error, dict):
        detail = str(error.get("message") or error.get("code") or "")
    elif error:
        detail = str(error)
    return f"The registry refused the subscription (HTTP {http_status})" + (
        f": {detail}" if detail else "."
    )


def _save(subscription: NetworkSubscription, **fields: object) -> None:
    """Update only `fields`: the registry's challenge may update the row meanwhile."""
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save(update_fields=list(fields))


def subscription_request(
    *, role: str = CURRENT, valid_until: datetime | None = None
) -> NetworkSubscription:
    """Subscribe our `role` key pair (CURRENT or NEXT) to the registry and record the outcome.

    A key subscribed before keeps the validity it was announced with unless `valid_until` is
    given. Raises SubscriptionError when the registry is unreachable or refuses (the row keeps
    the reason), ImproperlyConfigured when a key or the registry is not configured.
    """
    pair = our_key_pair(role)
    pair.require_encryption_key()
    registry = registry_url()
    now = timezone.now()
    subscription, _ = NetworkSubscription.objects.get_or_create(
        registry_url=registry,
        unique_key_id=pair.unique_key_id,
        defaults={
            "valid_from": now,
            "valid_until": valid_until or now + timedelta(days=settings.BECKN_KEY_VALIDITY_DAYS),
        },
    )
    payload = subscription_payload(
        pair=pair,
        valid_from=subscription.valid_from,
        valid_until=valid_until or subscription.valid_until,
        nonce=str(uuid.uuid4()),
    )
    _save(
        subscription,
        valid_until=valid_until or subscription.valid_until,
        subscriber_id=payload["subscriber_id"],
        subscriber_url=payload["url"],
        type=payload["type"],
        domain=payload["domain"],
        city=settings.BECKN_CITY,
        country=settings.BECKN_COUNTRY,
        signing_public_key=payload["signing_public_key"],
        encryption_public_key=payload["encr_public_key"],
        request=payload,
        requested_at=now,
        last_error="",
    )

    try:
        response = _post_signed(
            f"{registry}/subscribe", payload, settings.BECKN_REGISTRY_SUBSCRIBE_TIMEOUT
        )
    except requests.RequestException as exc:
        error = f"The registry is unreachable: {type(exc).__name__}: {exc}"[:EXCERPT_CHARS]
        _save(subscription, last_error=error)
        raise SubscriptionError(error) from exc
    answer = _answer(response)
    refusal = _refusal(answer, response.status_code)
    fields: dict[str, object] = {"http_status": response.status_code, "response": answer}
    if refusal:
        _save(subscription, last_error=refusal[:EXCERPT_CHARS], **fields)
        raise SubscriptionError(refusal)
    subscription.refresh_from_db(fields=["status"])
    status = answer.get("status") if isinstance(answer, dict) else None
    if status in Status.values and subscription.status != Status.SUBSCRIBED:
        fields["status"] = status
    elif subscription.status == Status.INITIATED:
        fields["status"] = Status.UNDER_SUBSCRIPTION
    _save(subscription, **fields)
    logger.info("Subscribed key %s to %s: %s", pair.unique_key_id, registry, answer)
    return subscription_refresh(subscription=subscription)


def subscription_refresh(*, subscription: NetworkSubscription) -> NetworkSubscription:
    """Ask the registry's /lookup for the status of our subscribed key and record it.

    A registry that cannot be asked leaves the status as it was and the reason in last_error.
    """
    query = {
        "subscriber_id": subscription.subscriber_id,
        "type": subscription.type,
        "key_id": subscription.unique_key_id,
    }
    try:
        response = _post_signed(
            f"{subscription.registry_url}/lookup", query, settings.BECKN_REGISTRY_TIMEOUT
        )
        entries = response.json()
    except (requests.RequestException, ValueError) as exc:
        _save(subscription, last_error=f"Status lookup failed: {type(exc).__name__}: {exc}")
        return subscription
    if response.status_code >= 400 or not isinstance(entries, list):
        _save(subscription, last_error=f"Status lookup refused (HTTP {response.status_code}).")
        return subscription
    for entry in entries:
        if (
            isinstance(entry, dict)
            and entry.get("subscriber_id") == subscription.subscriber_id
            and signing.entry_key_id(entry) == subscription.unique_key_id
            and entry.get("status") in Status.values
        ):
            _save(subscription, status=entry["status"], checked_at=timezone.now())
            break
    return subscription


def subscriptions() -> QuerySet[NetworkSubscription]:
    """Our subscriptions to the configured registry, newest first (all when none is set)."""
    queryset = NetworkSubscription.objects.all()
    if settings.BECKN_REGISTRY_URL:
        queryset = queryset.filter(registry_url=settings.BECKN_REGISTRY_URL.rstrip("/"))
    return queryset


def _registry_encryption_key() -> X25519PublicKey:
    value = settings.BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY
    if not value:
        raise ImproperlyConfigured(
            "BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY is not set: registry challenges cannot be "
            "decrypted."
        )
    try:
        return encryption.public_key_from_base64(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY: {exc}") from exc


def _check_registry_signature(raw: bytes, authorization: str) -> None:
    public_key = settings.BECKN_REGISTRY_SIGNING_PUBLIC_KEY
    if not public_key:
        return
    if not authorization:
        raise ChallengeRefused("The challenge is not signed by the registry.", 401)
    try:
        header = signing.parse_header(authorization)
        signing.check_times(header, skew=settings.BECKN_CLOCK_SKEW_SECONDS)
        signing.verify(header, raw, public_key)
    except signing.SignatureError as exc:
        raise ChallengeRefused(f"The registry's signature is not valid: {exc}", 401) from None


def _candidates() -> list[KeyPair]:
    """Our key pairs with an encryption key, the one we last subscribed first."""
    pairs = [pair for pair in our_key_pairs() if pair.encryption_key is not None]
    latest = {
        key_id: when
        for key_id, when in subscriptions()
        .filter(unique_key_id__in=[pair.unique_key_id for pair in pairs])
        .values_list("unique_key_id", "requested_at")
    }
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(pairs, key=lambda pair: latest.get(pair.unique_key_id) or oldest, reverse=True)


def challenge_answer(
    *,
    challenge: str,
    raw: bytes,
    authorization: str = "",
    subscriber_id: str = "",
    status: str = "",
) -> str:
    """The plain text of the registry's challenge, from the body `raw` of an on_subscribe.

    Tries each of our encryption keys against the registry's key; records the answer (and the
    status the registry sent, if any) on our subscription of the key that fits. Raises
    ChallengeRefused for a challenge that is not ours, ImproperlyConfigured for missing keys.
    """
    _check_registry_signature(raw, authorization)
    if subscriber_id and subscriber_id != settings.BECKN_SUBSCRIBER_ID:
        raise ChallengeRefused(
            f"The challenge is for {subscriber_id}, not for {settings.BECKN_SUBSCRIBER_ID}."
        )
    registry_key = _registry_encryption_key()
    candidates = _candidates()
    if not candidates:
        our_key_pair(CURRENT).require_encryption_key()  # raises, naming the variable to set
    for pair in candidates:
        try:
            shared = encryption.shared_key(pair.require_encryption_key(), registry_key)
            answer = encryption.decrypt_challenge(challenge, key=shared)
        except encryption.ChallengeFormatError as exc:
            raise ChallengeRefused(str(exc)) from None
        except encryption.ChallengeError:
            continue
        fields: dict[str, object] = {
            "challenged_at": timezone.now(),
            "challenges_answered": F("challenges_answered") + 1,
        }
        if status in Status.values:
            fields["status"] = status
        subscriptions().filter(unique_key_id=pair.unique_key_id).update(**fields)
        logger.info("Answered the registry's challenge for key %s", pair.unique_key_id)
        return answer
    raise ChallengeRefused("The challenge was not encrypted for any of our keys.")
