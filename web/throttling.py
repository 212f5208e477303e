"""Limits on what signing in lets anyone try: django-axes counts wrong passwords (settings in
config/settings/security.py; its lockout page is registration/locked_out.html), and
`mail_request_refusal` limits the sign-in links and password resets mailed, per address and per
client IP, on the cache."""

import hashlib
import time
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

WINDOW_SECONDS = 3600


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failures under: the address as typed, in any case."""
    return str((credentials or {}).get("username") or "").strip().lower()


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: a page saying when to try again."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() + 59) // 60) if cool_off else 0
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def _counted(key: str, limit: int) -> int:
    """Counts one more request under `key` in the current window; returns the seconds to wait
    when that is over `limit`, else 0."""
    now = int(time.time())
    window_start = now - now % WINDOW_SECONDS
    full_key = f"sunbeckn:throttle:{key}:{window_start}"
    cache.add(full_key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(full_key)
    except ValueError:  # evicted between add and incr
        cache.set(full_key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    return window_start + WINDOW_SECONDS - now if count > limit else 0


def mail_request_refusal(request: HttpRequest, *, purpose: str, email: str) -> HttpResponse | None:
    """A page saying when to try again if this request for a mail (a sign-in link, a password
    reset) is one too many for its address or its client's IP this hour; None to go on."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    ip = get_client_ip_address(request) or "unknown"
    wait = max(
        _counted(f"{purpose}:address:{address}", settings.MAIL_REQUESTS_PER_ADDRESS_PER_HOUR),
        _counted(f"{purpose}:ip:{ip}", settings.MAIL_REQUESTS_PER_IP_PER_HOUR),
    )
    if not wait:
        return None
    return render(
        request,
        "registration/too_many_requests.html",
        {"minutes": max(1, (wait + 59) // 60)},
        status=429,
    )
