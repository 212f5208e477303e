"""Signing in: by e-mail in any case, landing where the person works or follows their orders."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from catalog.models import Provider, ProviderMember
from catalog.services import member_add
from orders.services import homeowner_create

pytestmark = pytest.mark.django_db
PASSWORD = "sunny-rooftop-2kW"


def sign_in(email: str, password: str = PASSWORD) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": password})
    return client, response


def test_the_sign_in_form_asks_for_an_e_mail_address() -> None:
    page = Client().get(reverse("login"))
    assert page.status_code == 200
    assert 'type="email"' in page.content.decode()
    assert 'for="id_username">E-mail' in page.content.decode()


def test_a_homeowner_signs_in_with_their_address_in_any_case_and_lands_on_their_orders() -> None:
    homeowner_create(email="emily.tran@example.com", name="Emily Tran", password=PASSWORD)

    client, response = sign_in("Emily.Tran@Example.COM")

    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == reverse("orders:my-orders")


def test_an_installer_member_lands_on_the_orders_board(demo_catalog: None) -> None:
    provider = Provider.objects.get(external_id="sunpower_sf")
    member_add(
        provider=provider, email="dispatch@sunpower.example", role="DISPATCHER", password=PASSWORD
    )

    client, response = sign_in("DISPATCH@sunpower.example")

    assert client.get(response["Location"])["Location"] == reverse("workspace:board")
    assert ProviderMember.objects.get(user__email="dispatch@sunpower.example")


@pytest.mark.parametrize(
    "email, password", [("emily.tran@example.com", "wrong"), ("nobody@example.com", PASSWORD)]
)
def test_a_wrong_password_or_an_unknown_address_is_a_form_error(email: str, password: str) -> None:
    homeowner_create(email="emily.tran@example.com", name="Emily Tran", password=PASSWORD)

    client, response = sign_in(email, password)

    assert response.status_code == 200
    assert "Please enter a correct e-mail and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_still_sign_in_to_the_admin_by_username() -> None:
    get_user_model().objects.create_superuser("operator", "ops@sunbeckn.example", PASSWORD)
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "operator", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
