"""What every page answers with (issue 24): a Content-Security-Policy with no inline script or
style, Permissions-Policy and Referrer-Policy, HSTS and Secure cookies when the environment
asks, no caching of personal pages, and a session that ends when idle."""

import importlib
import time

import pytest
from django.test import Client
from django.urls import reverse

from config.settings import security
from tests.web.homeowner.helpers import homeowner_client
from web.security import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def emily() -> Client:
    return homeowner_client()


def test_a_page_has_the_content_security_policy_and_the_other_headers(client: Client) -> None:
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_https_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (security.SECURE_COOKIES, security.SECURE_HSTS_SECONDS) == (False, 0)  # make run
    monkeypatch.setenv("SECURE_COOKIES", "true")
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "31536000")
    monkeypatch.setenv("SECURE_PROXY_SSL", "true")
    try:
        production = importlib.reload(security)
        assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
        assert production.SECURE_HSTS_SECONDS == 31536000
        assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    finally:
        monkeypatch.undo()
        importlib.reload(security)


def test_hsts_and_secure_cookies_once_configured(client: Client, settings: object) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["csrftoken"]["secure"]


@pytest.mark.parametrize("name", ["orders:my-orders", "workspace:board"])
def test_personal_pages_are_never_cached(emily: Client, name: str) -> None:
    response = emily.get(reverse(name))

    assert "no-store" in response["Cache-Control"]


def test_a_public_page_for_a_visitor_may_be_cached(client: Client) -> None:
    assert "no-store" not in client.get(reverse("catalog:discover")).get("Cache-Control", "")


def test_sessions_are_short_and_end_when_idle(emily: Client, settings: object) -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert emily.get(reverse("orders:my-orders")).status_code == 200
    session = emily.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert emily.get(reverse("orders:my-orders")).status_code == 200  # still active

    session = emily.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = emily.get(reverse("orders:my-orders"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in emily.session
