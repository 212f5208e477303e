"""Who may do what in the installer's orders workspace: owners and dispatchers run the orders,
technicians only their own jobs (phase, safety, site notes); everyone else is turned away.
The operator's admin still shows everything; installer people choose their password by e-mail."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from catalog.models import ProviderMember
from catalog.tenancy import ROLE_PERMISSIONS
from documents.models import Document
from orders.models import Order, OrderEvent
from tests.web.workspace.helpers import (
    Role,
    field_technician,
    htmx,
    installer,
    member,
    order_for,
    order_with_documents,
)

pytestmark = pytest.mark.django_db


def page_of(order: Order) -> str:
    return f"/installer/orders/{order.pk}/"


@pytest.fixture
def company() -> dict[str, Any]:
    """An installer with an owner, a dispatcher and a technician; an order assigned to the
    technician (documents uploaded) and one assigned to nobody."""
    provider = installer()
    technician_user, technician = field_technician(provider)
    return {
        "provider": provider,
        Role.OWNER: member(provider, Role.OWNER),
        Role.DISPATCHER: member(provider, Role.DISPATCHER),
        Role.TECHNICIAN: technician_user,
        "job": order_with_documents(provider, "id_proof", technician=technician),
        "unassigned": order_for(provider),
    }


# (method, path under the order's page, status for owner/dispatcher, status for its technician)
ORDER_ENDPOINTS = [
    ("get", "", 200, 200),
    ("get", "callbacks/", 200, 403),
    ("get", "availability", 200, 403),
    ("post", "phase", 200, 200),
    ("post", "safety", 200, 200),
    ("post", "notes", 200, 200),
    ("post", "schedule", 200, 403),
    ("post", "technician", 200, 403),
    ("post", "payment", 200, 403),
    ("post", "complete", 200, 403),
    ("post", "issue", 200, 403),
    ("post", "documents/{document}/review", 200, 403),
]


@pytest.mark.parametrize("role", [Role.OWNER, Role.DISPATCHER, Role.TECHNICIAN])
@pytest.mark.parametrize(("method", "path", "runs_orders", "technician"), ORDER_ENDPOINTS)
def test_each_role_may_do_what_its_role_says_on_an_order(
    client: Client,
    company: dict[str, Any],
    role: str,
    method: str,
    path: str,
    runs_orders: int,
    technician: int,
) -> None:
    order = company["job"]
    document = Document.objects.filter(order=order).first()
    client.force_login(company[role])

    url = page_of(order) + path.format(document=document.pk)
    answer = getattr(client, method)(url, {"text": "Checked", "reason": "x"}, headers=htmx())

    assert answer.status_code == (technician if role == Role.TECHNICIAN else runs_orders)


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _, _ in ORDER_ENDPOINTS])
def test_a_technician_gets_404_for_a_job_that_is_not_theirs(
    client: Client, company: dict[str, Any], method: str, path: str
) -> None:
    order = company["unassigned"]
    client.force_login(company[Role.TECHNICIAN])

    url = page_of(order) + path.format(document="00000000-0000-0000-0000-000000000000")
    answer = getattr(client, method)(url, {"text": "x"}, headers=htmx())

    # Reviewing documents is no technician's permission: refused before any lookup.
    assert answer.status_code == (403 if "review" in path else 404)
    assert not order.events.exists()


def test_a_technicians_page_has_only_what_they_do_on_site(
    client: Client, company: dict[str, Any]
) -> None:
    order = company["job"]
    client.force_login(company[Role.TECHNICIAN])

    html = client.get(page_of(order)).content.decode()
    assert "Start the site survey" in html
    assert 'name="text"' in html  # site notes
    assert 'href="tel:' in html or not order.customer_phone
    for dispatcher_only in (
        "Mark payment received",
        "Book this window",
        "Assign</button>",
        "Verify</button>",
        "callbacks/",
        "Billing",
    ):
        assert dispatcher_only not in html, dispatcher_only

    html = client.post(page_of(order) + "phase", headers=htmx()).content.decode()
    assert "The installation is now in site survey." in html
    html = client.post(
        page_of(order) + "safety",
        {"safety_status": "ISSUES_FOUND", "reason": "Loose junction box"},
        headers=htmx(),
    ).content.decode()
    assert "Safety: issues found." in html
    client.post(page_of(order) + "notes", {"text": "Roof access by the side gate"})
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds[-4:] == ["STATUS", "PHASE", "SAFETY", "NOTE"]
    assert order.events.get(kind=OrderEvent.Kind.NOTE).actor == (
        f"user:{company[Role.TECHNICIAN].username}"
    )


def test_anyone_signed_out_is_sent_to_sign_in(client: Client, company: dict[str, Any]) -> None:
    for url in ("/installer/", page_of(company["job"]), page_of(company["job"]) + "callbacks/"):
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/?next=")
    assert client.post(page_of(company["job"]) + "phase").status_code == 302
    assert not company["job"].events.filter(kind=OrderEvent.Kind.PHASE).exists()


def test_someone_who_is_no_installers_member_is_refused(
    client: Client, company: dict[str, Any]
) -> None:
    client.force_login(User.objects.create_user("homeowner@example.com", "homeowner@example.com"))

    for url in ("/installer/", page_of(company["job"]), page_of(company["job"]) + "callbacks/"):
        assert client.get(url).status_code == 403
    assert client.post(page_of(company["job"]) + "phase").status_code == 403


def test_a_member_of_a_deactivated_installer_is_refused(
    client: Client, company: dict[str, Any]
) -> None:
    company["provider"].is_active = False
    company["provider"].save()
    client.force_login(company[Role.OWNER])

    assert client.get("/installer/").status_code == 403


def test_the_roles_hold_the_permissions_the_issue_gives_them() -> None:
    owner, dispatcher, technician = (
        set(ROLE_PERMISSIONS[role]) for role in (Role.OWNER, Role.DISPATCHER, Role.TECHNICIAN)
    )
    assert technician == {"orders.view_order", "orders.change_order"}
    assert technician < dispatcher < owner
    assert {"documents.change_document", "orders.add_technician"} <= dispatcher
    assert "catalog.add_providermember" in owner - dispatcher


def test_documents_open_for_the_installers_own_members_only(
    client: Client, company: dict[str, Any]
) -> None:
    document = Document.objects.filter(order=company["job"]).first()
    other = order_with_documents(installer(), "id_proof")
    theirs = Document.objects.get(order=other)
    url = f"/documents/installer/files/{document.pk}"

    client.force_login(company[Role.DISPATCHER])
    preview = client.get(url, {"inline": "1"})
    assert preview.status_code == 200
    # A PDF's preview is a download (issue 24), sandboxed like every file.
    assert preview["Content-Disposition"].startswith("attachment")
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert preview["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    assert client.get(f"/documents/installer/files/{theirs.pk}").status_code == 404

    client.force_login(company[Role.TECHNICIAN])
    assert client.get(url).status_code == 404


def test_the_operators_admin_still_shows_every_installers_orders(
    admin_client: Client, client: Client, company: dict[str, Any]
) -> None:
    other = order_for(installer())

    listing = admin_client.get("/admin/orders/order/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert company["job"].installation_request_id in html
    assert other.installation_request_id in html
    assert admin_client.get(f"/admin/orders/order/{other.pk}/change/").status_code == 200

    client.force_login(company[Role.OWNER])
    assert client.get("/admin/").status_code == 302  # installers do not use the admin


def choose_password(client: Client, message: Any, password: str) -> Any:
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_a_member_resets_their_password_by_e_mail_and_lands_on_the_board(
    client: Client, company: dict[str, Any]
) -> None:
    dispatcher = company[Role.DISPATCHER]
    dispatcher.set_password("the-one-she-forgot")
    dispatcher.save()

    asked = client.post("/accounts/password_reset/", {"email": dispatcher.email}, follow=True)
    assert asked.status_code == 200 and "Check your e-mail" in asked.content.decode()
    (message,) = mail.outbox
    assert message.to == [dispatcher.email]
    done = choose_password(client, message, "sun-rise-42-panels")
    assert "Password saved" in done.content.decode()

    signed_in = client.post(
        "/accounts/login/",
        {"username": dispatcher.username, "password": "sun-rise-42-panels"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == "/installer/"
    assert "ws-board" in signed_in.content.decode()


def test_the_command_adds_a_member_who_chooses_their_password_by_e_mail(
    client: Client, company: dict[str, Any]
) -> None:
    provider = company["provider"]

    call_command(
        "add_installer_member",
        provider=provider.external_id,
        email="Maria.Lopez@Example.com",
        role="dispatcher",
        name="Maria Lopez",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )

    added = ProviderMember.objects.get(user__email="maria.lopez@example.com")
    assert (added.provider, added.role) == (provider, Role.DISPATCHER)
    assert added.user.get_full_name() == "Maria Lopez"
    assert not added.user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["maria.lopez@example.com"]
    choose_password(client, message, "sun-rise-42-panels")
    credentials = {"username": "maria.lopez@example.com", "password": "sun-rise-42-panels"}
    assert client.post("/accounts/login/", credentials).status_code == 302
    assert client.get("/installer/").status_code == 200

    with pytest.raises(CommandError, match="another installer"):
        call_command(
            "add_installer_member",
            provider=installer().external_id,
            email="maria.lopez@example.com",
            role="owner",
        )
    with pytest.raises(CommandError, match="No installer 'nope'"):
        call_command("add_installer_member", provider="nope", email="a@b.c", role="owner")
