"""With DEBUG off, every error is a page of the site in plain words: 404, 403 (and a refused
CSRF token), 400 and 500, with no traceback nor internal message ever shown."""

from typing import Any

import pytest
from django.template import loader
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]

INTERNALS = ("Traceback", "hunter2", "internal reason", "internal parse detail", "RuntimeError")


def friendly(response: Any, status: int, heading: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'href="/static/css/site.css"' in page
    for secret in INTERNALS:
        assert secret not in page
    return page


@pytest.fixture(autouse=True)
def debug_off(settings: Any) -> None:
    settings.DEBUG = False


def test_an_unknown_address_is_a_friendly_404() -> None:
    friendly(Client().get("/no/such/page/"), 404, "Page not found")


def test_a_404_offers_the_signed_in_homeowner_her_orders(django_user_model: Any) -> None:
    client = Client()
    client.force_login(django_user_model.objects.create_user("emily@example.com"))

    page = friendly(client.get("/my/orders/IR-0000-NOSUCH/"), 404, "Page not found")

    assert 'href="/my/orders/"' in page


def test_a_refusal_is_a_friendly_403() -> None:
    friendly(Client().get("/test-errors/forbidden/"), 403, "You may not open this page")


def test_a_refused_csrf_token_is_a_friendly_403() -> None:
    client = Client(enforce_csrf_checks=True)

    page = friendly(
        client.post("/accounts/signup/", {"email": "x@example.com"}), 403, "Please try again"
    )

    assert "reload the page" in page


def test_a_bad_request_is_a_friendly_400() -> None:
    friendly(Client().get("/test-errors/bad/"), 400, "This request could not be understood")


def test_a_server_error_is_a_friendly_500_without_the_traceback() -> None:
    client = Client(raise_request_exception=False)

    friendly(client.get("/test-errors/boom/"), 500, "Something went wrong on our side")


def test_the_500_page_renders_without_a_request() -> None:
    """Django's server_error renders it with no request and no context processors."""
    page = loader.get_template("500.html").render()

    assert "Something went wrong on our side" in page
