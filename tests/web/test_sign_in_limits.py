"""Signing in cannot be guessed at or used to flood a mailbox (issue 24): wrong passwords lock
out one account from one address for a while (django-axes), sign-in links and password resets
are limited per address and per IP, staff sign in with a password (and their TOTP code at the
admin), never with an e-mail link."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from web.homeowner import accounts

pytestmark = pytest.mark.django_db

PASSWORD = "sunny-rooftop-2kW"


@pytest.fixture
def emily() -> object:
    return get_user_model().objects.create_user("emily@example.com", "emily@example.com", PASSWORD)


@pytest.fixture
def staff() -> object:
    return get_user_model().objects.create_user(
        "ops", "ops@sunbeckn.example", PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> object:
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_wrong_passwords_lock_the_account_out_from_that_address_with_a_page_saying_when(
    emily: object,
) -> None:
    attacker = Client()
    answers = [sign_in(attacker, "Emily@Example.com", f"guess-{n}").status_code for n in range(40)]

    assert answers[:4] == [200] * 4  # the form again, "Please enter a correct e-mail ..."
    assert set(answers[4:]) == {429}
    locked = sign_in(attacker, "emily@example.com", PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in paused" in page and "try again in 15 minutes" in page
    assert "_auth_user_id" not in attacker.session
    # Emily, signing in from her own address, is not locked out.
    assert sign_in(Client(), "emily@example.com", PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lockout_ends_after_the_cool_off(emily: object) -> None:
    client = Client()
    for n in range(5):
        sign_in(client, "emily@example.com", f"guess-{n}")
    assert sign_in(client, "emily@example.com", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, "emily@example.com", PASSWORD).status_code == 302


def ask(client: Client, name: str, email: str, ip: str = "10.0.0.1") -> object:
    return client.post(reverse(name), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("name", ["orders:email-link", "password_reset"])
def test_mails_are_limited_per_address_with_a_page_saying_when_to_try_again(
    emily: object, name: str
) -> None:
    answers = [ask(Client(), name, "emily@example.com", ip=f"10.0.1.{n}") for n in range(25)]

    assert len(mail.outbox) == 3
    assert {answer.status_code for answer in answers[3:]} == {429}
    page = answers[-1].content.decode()
    assert "Please wait a little" in page and re.search(r"try again in \d+ minutes?", page)


def test_mails_are_limited_per_ip(emily: object) -> None:
    answers = [ask(Client(), "orders:email-link", f"person{n}@example.com") for n in range(25)]

    assert len(mail.outbox) == 20
    assert answers[-1].status_code == 429


def test_staff_asking_for_an_email_link_get_a_note_not_a_link(staff: object) -> None:
    response = ask(Client(), "orders:email-link", "ops@sunbeckn.example")

    assert response.status_code == 200 and "Check your email" in response.content.decode()
    (message,) = mail.outbox
    assert "signs in with its password only" in message.body
    assert "/accounts/email-link/" not in message.body


def test_no_email_link_signs_staff_in(staff: object) -> None:
    client = Client()
    link = reverse("orders:email-link-sign-in", args=[accounts.email_link_token(staff.email)])

    response = client.post(link)

    assert response.status_code == 400
    assert "password only" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def admin_sign_in(client: Client, **extra: str) -> object:
    data = {"username": "ops", "password": PASSWORD, **extra}
    return client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR="10.0.0.9")


def test_the_admin_asks_for_the_totp_code_of_staff_who_have_a_device(staff: object) -> None:
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()

    refused = admin_sign_in(client)
    assert refused.status_code == 200 and client.get("/admin/").status_code == 302

    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    chosen = {"otp_device": device.persistent_id}
    assert admin_sign_in(client, otp_token=code, **chosen).status_code == 302
    assert client.get("/admin/").status_code == 200

    other = Client()
    wrong = admin_sign_in(other, otp_token=f"{(int(code) + 1) % 1_000_000:06d}", **chosen)
    assert wrong.status_code == 200 and other.get("/admin/").status_code == 302


def test_a_password_signed_in_staff_member_with_a_device_cannot_open_the_admin(
    staff: object,
) -> None:
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = Client()
    assert sign_in(client, "ops", PASSWORD).status_code == 302  # the site's own sign-in page

    assert client.get("/admin/").status_code == 302  # to the admin's sign-in, for the code


def test_staff_without_a_device_sign_in_to_the_admin_with_their_password(staff: object) -> None:
    client = Client()

    assert admin_sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200
