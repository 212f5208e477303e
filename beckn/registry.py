"""Where the public keys of other participants come from: a Beckn registry, or our own table.

With BECKN_REGISTRY_URL set, keys are looked up with `POST <registry>/lookup` and cached (the
Django cache: Redis in production) for BECKN_REGISTRY_CACHE_SECONDS; a registry that is down or
slow falls back on a cached key that is still valid. Each process also keeps the entries it read
in memory, trusted no longer than the shared copy (same fetch time), so that a busy BAP's key is
not read from Redis on every request. Without a registry, the Subscriber table is used.
"""

import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from beckn import signing
from beckn.models import Subscriber, SubscriberKey
from config.observability import metrics

logger = logging.getLogger(__name__)
CACHE_MAX_SECONDS = 24 * 3600
LOCAL_CACHE_MAX_ENTRIES = 1024
# A signature that fails against a cached key triggers at most one fresh lookup of that key id
# in this many seconds.
KEY_REFRESH_SECONDS = 60
# This process's copies of shared cache entries: name -> {"fetched_at": ..., "key": {...}}.
_local_cache: dict[str, dict] = {}


class KeyLookupError(Exception):
    """No usable key for a signer; the message says why (safe to show the caller)."""


@dataclass(frozen=True)
class ParticipantKey:
    subscriber_id: str
    unique_key_id: str
    type: str
    url: str
    signing_public_key: str
    valid_until: float | None  # unix time


def participant_key(*, subscriber_id: str, unique_key_id: str, role: str) -> ParticipantKey:
    """The signing key `unique_key_id` of `subscriber_id` in `role` (BAP or BG), valid now."""
    if settings.BECKN_REGISTRY_URL:
        return _registry_key(subscriber_id, unique_key_id, role)
    return _local_key(subscriber_id, unique_key_id, role)


def _local_key(subscriber_id: str, unique_key_id: str, role: str) -> ParticipantKey:
    now = timezone.now()
    key = (
        SubscriberKey.objects.select_related("subscriber")
        .filter(
            subscriber__subscriber_id=subscriber_id,
            subscriber__type=role,
            unique_key_id=unique_key_id,
        )
        .first()
    )
    if key is None:
        raise KeyLookupError(f"Unknown subscriber or key: {subscriber_id}|{unique_key_id}.")
    if key.subscriber.status != Subscriber.Status.SUBSCRIBED:
        raise KeyLookupError(
            f"Subscriber {subscriber_id} is {key.subscriber.status}, not SUBSCRIBED."
        )
    if key.revoked:
        raise KeyLookupError(f"Key {unique_key_id} of {subscriber_id} has been revoked.")
    if not key.valid_from <= now <= key.valid_until:
        raise KeyLookupError(f"Key {unique_key_id} of {subscriber_id} is not valid now.")
    return ParticipantKey(
        subscriber_id=subscriber_id,
        unique_key_id=unique_key_id,
        type=role,
        url=key.subscriber.url,
        signing_public_key=key.signing_public_key,
        valid_until=key.valid_until.timestamp(),
    )


def _cache_key(role: str, subscriber_id: str, unique_key_id: str) -> str:
    return f"beckn:participant-key:{role}:{subscriber_id}:{unique_key_id}"


def _cache_get(name: str) -> dict | None:
    try:
        return cache.get(name)
    except Exception as exc:  # a cache that is down must not fail the request
        logger.warning("Key cache unavailable: %s", exc)
        return None


def _cache_set(name: str, value: dict, timeout: float) -> None:
    _local_remember(name, value)
    try:
        cache.set(name, value, timeout=max(1, int(timeout)))
    except Exception as exc:
        logger.warning("Key cache unavailable: %s", exc)


def _local_remember(name: str, value: dict) -> None:
    if len(_local_cache) >= LOCAL_CACHE_MAX_ENTRIES:
        _local_cache.clear()
    _local_cache[name] = value


def local_cache_clear() -> None:
    """Forget this process's copies of cached keys (the shared cache keeps its own)."""
    _local_cache.clear()


def _fresh(cached: dict | None, now: float) -> bool:
    """Whether a cached entry may be used without asking the registry again."""
    if not cached or now - cached["fetched_at"] >= settings.BECKN_REGISTRY_CACHE_SECONDS:
        return False
    valid_until = cached["key"]["valid_until"]
    return valid_until is None or valid_until > now


def _registry_key(subscriber_id: str, unique_key_id: str, role: str) -> ParticipantKey:
    name = _cache_key(role, subscriber_id, unique_key_id)
    now = time.time()
    local = _local_cache.get(name)
    if _fresh(local, now):
        metrics.registry_lookup("local")
        return ParticipantKey(**local["key"])
    cached = _cache_get(name)
    if _fresh(cached, now):
        _local_remember(name, cached)
        metrics.registry_lookup("cache")
        return ParticipantKey(**cached["key"])
    try:
        key = _registry_lookup(subscriber_id, unique_key_id, role)
    except _RegistryUnavailable as exc:
        if cached and (cached["key"]["valid_until"] or now + 1) > now:
            logger.warning("Registry unavailable (%s); using the cached key of %s", exc, name)
            metrics.registry_lookup("stale")
            return ParticipantKey(**cached["key"])
        metrics.registry_lookup("failed")
        raise KeyLookupError(f"The signer's key could not be verified: {exc}") from exc
    _remember(name, key, now)
    metrics.registry_lookup("registry")
    return key


def _remember(name: str, key: ParticipantKey, now: float) -> None:
    until = key.valid_until or now + CACHE_MAX_SECONDS
    _cache_set(name, {"fetched_at": now, "key": asdict(key)}, min(until - now, CACHE_MAX_SECONDS))


def participant_key_refresh(
    *, subscriber_id: str, unique_key_id: str, role: str
) -> ParticipantKey | None:
    """The key as the registry has it now, for a signature the cached key did not verify (the
    signer may have rotated its key under the same key id): at most one lookup per key id every
    KEY_REFRESH_SECONDS, whatever the number of processes; the key read replaces the cached
    one. None without a registry, when a lookup was made too recently, or when the registry
    cannot be reached. Raises KeyLookupError when the registry no longer has a usable key."""
    if not settings.BECKN_REGISTRY_URL:
        return None
    name = _cache_key(role, subscriber_id, unique_key_id)
    try:
        allowed = cache.add(f"beckn:key-refresh:{name}", 1, timeout=KEY_REFRESH_SECONDS)
    except Exception as exc:
        logger.warning("Key cache unavailable: %s", exc)
        return None
    if not allowed:
        return None
    try:
        key = _registry_lookup(subscriber_id, unique_key_id, role)
    except _RegistryUnavailable as exc:
        logger.warning("Registry unavailable (%s); %s not refreshed", exc, name)
        return None
    _remember(name, key, time.time())
    return key


class _RegistryUnavailable(Exception):
    pass


def _registry_lookup(subscriber_id: str, unique_key_id: str, role: str) -> ParticipantKey:
    url = settings.BECKN_REGISTRY_URL.rstrip("/") + "/lookup"
    query = {"subscriber_id": subscriber_id, "key_id": unique_key_id, "type": role}
    try:
        response = requests.post(url, json=query, timeout=settings.BECKN_REGISTRY_TIMEOUT)
    except requests.RequestException as exc:
        raise _RegistryUnavailable(f"registry unreachable ({type(exc).__name__})") from exc
    if response.status_code >= 500:
        raise _RegistryUnavailable(f"registry answered HTTP {response.status_code}")
    try:
        entries = response.json()
    except ValueError:
        raise _RegistryUnavailable("registry answered with something that is not JSON") from None
    if response.status_code >= 400 or not isinstance(entries, list):
        raise KeyLookupError(f"The registry refused the lookup (HTTP {response.status_code}).")
    now = timezone.now()
    reasons = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("subscriber_id") != subscriber_id:
            continue
        if signing.entry_key_id(entry) != unique_key_id:
            continue
        if entry.get("status") != "SUBSCRIBED":
            reasons.append(f"status is {entry.get('status')}")
            continue
        valid_from, valid_until = _when(entry.get("valid_from")), _when(entry.get("valid_until"))
        if (valid_from and valid_from > now) or (valid_until and valid_until < now):
            reasons.append("the key is not valid now")
            continue
        if not entry.get("signing_public_key") or not entry.get("subscriber_url", entry.get("url")):
            reasons.append("the entry has no key or url")
            continue
        return ParticipantKey(
            subscriber_id=subscriber_id,
            unique_key_id=unique_key_id,
            type=role,
            url=entry.get("subscriber_url") or entry["url"],
            signing_public_key=entry["signing_public_key"],
            valid_until=valid_until.timestamp() if valid_until else None,
        )
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    raise KeyLookupError(
        f"The registry has no usable key {unique_key_id} for {subscriber_id}{detail}."
    )


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
