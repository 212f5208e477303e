"""Homeowner accounts over HTTP: signing up (and each of its errors), and signing in with a
one-time link sent by e-mail (it works once, expires, and a forged one is refused)."""

import re
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from web.homeowner import accounts

pytestmark = pytest.mark.django_db

SIGNUP = "orders:signup"
GOOD = {
    "name": "Emily Tran",
    "email": "Emily.Tran@Example.com",
    "password1": "sunny-rooftop-2kW",
    "password2": "sunny-rooftop-2kW",
}


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=False)


def signed_in_email(client: Client) -> str:
    page = client.get(reverse("orders:my-orders"))
    assert page.status_code == 200, page
    return page.context["user"].email


def sign_up(client: Client, data: dict[str, str]) -> str:
    """Sign up; returns the body of the e-mail sent (the page never says more)."""
    mail.outbox.clear()
    response = client.post(reverse(SIGNUP), data)
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [data["email"].lower()]
    return message.body


def test_signing_up_mails_a_link_that_creates_the_account_signs_in_and_goes_on(
    browser: Client,
) -> None:
    next_url = reverse("orders:my-orders")
    body = sign_up(browser, {**GOOD, "next": next_url})
    assert not get_user_model().objects.exists()  # not before the address is confirmed
    link = re.search(r"https?://\S+/accounts/email-link/\S+/", body).group(0)

    response = browser.post(path_of(link))

    assert response.status_code == 302
    assert response["Location"] == next_url
    user = get_user_model().objects.get()
    assert (user.username, user.email) == ("emily.tran@example.com", "emily.tran@example.com")
    assert (user.first_name, user.last_name) == ("Emily", "Tran")
    assert signed_in_email(browser) == "emily.tran@example.com"
    # ... and the password works on the sign-in page.
    other = Client()
    assert (
        other.post(
            reverse("login"), {"username": "emily.tran@example.com", "password": GOOD["password1"]}
        ).status_code
        == 302
    )
    assert browser.post(path_of(link)).status_code == 400  # once


def test_signing_up_ignores_a_next_page_on_another_site(browser: Client) -> None:
    body = sign_up(browser, {**GOOD, "next": "https://evil.example/"})
    link = re.search(r"https?://\S+/accounts/email-link/\S+/", body).group(0)

    assert browser.post(path_of(link))["Location"] == reverse("account-home")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"email": "emily-at-example"}, "email", "Enter a valid email address."),
        ({"password2": "something-else-1"}, "password2", "The two passwords differ."),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "entirely numeric"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
    ],
)
def test_each_sign_up_error_is_shown_on_its_field(
    browser: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = browser.post(reverse(SIGNUP), {**GOOD, **changes})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert 'class="field-error"' in page and "Traceback" not in page
    assert not get_user_model().objects.exists()


def pages(response: Any) -> list[str]:
    return [template.name for template in response.templates if template.name.endswith(".html")]


def test_signing_up_with_an_address_that_has_an_account_says_nothing_of_it(
    browser: Client,
) -> None:
    owner = get_user_model().objects.create_user(
        "emily.tran@example.com", "emily.tran@example.com", "the-owners-password-1"
    )
    new = browser.post(reverse(SIGNUP), {**GOOD, "email": "someone.new@example.com"})

    body = sign_up(browser, GOOD)

    page = browser.post(reverse(SIGNUP), GOOD)  # the same page as for a new address
    assert (page.status_code, pages(page)) == (new.status_code, pages(new))
    assert "Check your email" in page.content.decode()
    assert "tried to create a Sunbeckn account" in body
    assert "/accounts/password_reset/" in body and "/accounts/email-link/" not in body
    assert get_user_model().objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password("the-owners-password-1")  # unchanged


# --- The e-mail link ------------------------------------------------------------------------------


def ask_for_link(client: Client, email: str, next_url: str = "") -> str:
    """Ask for a sign-in link; returns the link found in the e-mail sent."""
    mail.outbox.clear()
    response = client.post(reverse("orders:email-link"), {"email": email, "next": next_url})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email.lower()]
    found = re.search(r"https?://\S+/accounts/email-link/\S+/", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_an_email_link_signs_in_once(browser: Client) -> None:
    user = get_user_model().objects.create_user("emily@example.com", "emily@example.com", "x")
    link = path_of(ask_for_link(browser, "Emily@example.com", reverse("orders:my-orders")))

    # Opening it shows a button (mail scanners that fetch links do not use it up) ...
    page = browser.get(link)
    assert page.status_code == 200
    assert "Sign in as <strong>emily@example.com</strong>" in page.content.decode()
    # ... which signs in and goes on.
    response = browser.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:my-orders")
    assert signed_in_email(browser) == user.email

    # The same link does not work a second time, here or in another browser.
    for client in (browser, Client()):
        again = client.post(link)
        assert again.status_code == 400
        assert "has been used already" in again.content.decode()
    assert Client().get(reverse("orders:my-orders")).status_code == 302


def test_an_email_link_for_a_new_address_creates_the_account(browser: Client) -> None:
    link = path_of(ask_for_link(browser, "new.homeowner@example.com"))
    assert "it creates your account" in mail.outbox[0].body
    assert not get_user_model().objects.exists()

    response = browser.post(link)

    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.email == "new.homeowner@example.com" and not user.has_usable_password()
    assert signed_in_email(browser) == "new.homeowner@example.com"
    assert browser.post(link).status_code == 400


def test_an_expired_email_link_is_refused(browser: Client) -> None:
    get_user_model().objects.create_user("emily@example.com", "emily@example.com", "x")
    sent_at = time.time() - accounts.EMAIL_LINK_MAX_AGE.total_seconds() - 5
    with pytest.MonkeyPatch.context() as patch:  # the link was sent that long ago
        patch.setattr(signing.time, "time", lambda: sent_at)
        token = accounts.email_link_token("emily@example.com")
    link = reverse("orders:email-link-sign-in", args=[token])

    for response in (browser.get(link), browser.post(link)):
        assert response.status_code == 400
        page = response.content.decode()
        assert "This sign-in link has expired" in page
        assert 'action="/accounts/email-link/"' in page  # ask for a new one right there
    assert browser.get(reverse("orders:my-orders")).status_code == 302

    fresh = reverse(
        "orders:email-link-sign-in", args=[accounts.email_link_token("emily@example.com")]
    )
    assert browser.post(fresh).status_code == 302


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"e": "emily@example.com", "s": "x", "n": ""}, salt="another.salt"),
        signing.dumps({"e": "emily@example.com", "s": "forged", "n": ""}, salt=accounts.SALT),
    ],
    ids=["garbage", "other-salt", "forged-state"],
)
def test_a_wrong_email_link_is_refused(browser: Client, token: str) -> None:
    get_user_model().objects.create_user("emily@example.com", "emily@example.com", "x")
    url = reverse("orders:email-link-sign-in", args=[token])

    response = browser.post(url)

    assert response.status_code == 400
    assert "cannot sign you in" in response.content.decode()
    assert browser.get(reverse("orders:my-orders")).status_code == 302


def test_asking_for_a_link_answers_the_same_with_or_without_an_account(browser: Client) -> None:
    get_user_model().objects.create_user("emily@example.com", "emily@example.com", "x")

    known = browser.post(reverse("orders:email-link"), {"email": "emily@example.com"})
    unknown = browser.post(reverse("orders:email-link"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 200

    def main(response: Any, email: str) -> str:  # the page without its per-request CSRF token
        page = response.content.decode()
        return page[page.index("<main") :].replace(email, "X")

    assert main(known, "emily@example.com") == main(unknown, "nobody@example.com")


def test_asking_for_a_link_with_a_wrong_address_shows_the_error(browser: Client) -> None:
    response = browser.post(reverse("orders:email-link"), {"email": "emily"})

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert not mail.outbox


def test_the_sign_in_page_offers_sign_up_and_an_email_link(browser: Client) -> None:
    page = browser.get(reverse("login") + "?next=/my/orders/").content.decode()

    assert f'href="{reverse(SIGNUP)}?next=/my/orders/"' in page
    assert f'href="{reverse("orders:email-link")}?next=/my/orders/"' in page
