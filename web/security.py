"""Middleware for the web pages' defences (config/settings/security.py): the Permissions-Policy
header, a session that ends after SESSION_IDLE_TIMEOUT seconds without a request, and no caching
of the pages that show personal data."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

LAST_SEEN_KEY = "sunbeckn_last_seen"
# The last request's time is written at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 30
# Pages (by URL name, "namespace:name" prefixes) that show an order, a person or a workspace.
PRIVATE_VIEW_PREFIXES = (
    "workspace:",
    "orders:my-orders",
    "orders:order",
    "orders:track",
    "documents:order_",
    "ratings:",
    "payments:",
)

Middleware = Callable[[HttpRequest], HttpResponse]


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def session_activity_start(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """On signing in (user_logged_in): the session's last activity is now."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Signs out a person whose last request is older than SESSION_IDLE_TIMEOUT seconds."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "You were signed out after a while without activity.")
            elif not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: no-store` on the pages with personal data, and on every page answered to
    a signed-in person, so that no shared cache or back button keeps them."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        private = (match is not None and match.view_name.startswith(PRIVATE_VIEW_PREFIXES)) or (
            getattr(request, "user", None) is not None and request.user.is_authenticated
        )
        if private and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
