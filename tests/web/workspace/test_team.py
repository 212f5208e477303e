"""The owner manages the installer's team over HTTP: adds people by e-mail (who then choose their
password from the e-mail and sign in), changes roles, links technicians, removes people; the
company always keeps an owner, and nobody else reaches these pages."""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from catalog.models import Provider, ProviderMember
from orders.models import Technician
from tests.catalog.factories import ProviderFactory, client_of, member
from tests.orders.factories import TechnicianFactory

pytestmark = pytest.mark.django_db
Role = ProviderMember.Role


@pytest.fixture
def provider() -> Provider:
    return ProviderFactory(name="Helios Solar")


@pytest.fixture
def owner(provider: Provider) -> ProviderMember:
    return member(provider)


def add(client: Client, **data: Any) -> Any:
    return client.post(
        reverse("workspace:member-new"), {"name": "", "technician": "", **data}, follow=False
    )


def test_owner_adds_a_dispatcher_who_chooses_a_password_and_signs_in(
    provider: Provider, owner: ProviderMember, django_capture_on_commit_callbacks
) -> None:
    client = client_of(owner.user)
    assert client.get(reverse("workspace:member-new")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, email="Dana@Example.com", name="Dana Reyes", role=Role.DISPATCHER)

    assert response.status_code == 302
    assert response.url == reverse("workspace:team")
    dana = ProviderMember.objects.get(provider=provider, user__email="dana@example.com")
    assert dana.role == Role.DISPATCHER
    assert dana.user.get_full_name() == "Dana Reyes"
    assert not dana.user.has_usable_password()
    assert "dana@example.com" in client.get(reverse("workspace:team")).content.decode()

    # The e-mail carries the link to choose a password.
    [email] = mail.outbox
    assert email.to == ["dana@example.com"]
    assert "Helios Solar" in email.subject
    link = re.search(r"https?://\S+/accounts/reset/\S+", email.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    dana_browser = Client()
    form = dana_browser.get("/" + path, follow=True)
    assert form.status_code == 200
    set_password_url = form.redirect_chain[-1][0]
    done = dana_browser.post(
        set_password_url,
        {"new_password1": "sun-and-panels-42", "new_password2": "sun-and-panels-42"},
    )
    assert done.status_code == 302

    signed_in = Client()
    credentials = {"username": "dana@example.com", "password": "sun-and-panels-42"}
    assert signed_in.post("/accounts/login/", credentials).status_code == 302
    assert signed_in.get(reverse("workspace:technicians")).status_code == 200
    assert signed_in.get(reverse("workspace:team")).status_code == 403  # owners only


def test_a_technician_member_is_linked_to_their_technician_record(
    provider: Provider, owner: ProviderMember, django_capture_on_commit_callbacks
) -> None:
    record = TechnicianFactory(provider=provider, name="Tom Field")
    TechnicianFactory(provider=ProviderFactory(), name="Not Ours")
    client = client_of(owner.user)
    page = client.get(reverse("workspace:member-new")).content.decode()
    assert "Tom Field" in page and "Not Ours" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, email="tom@example.com", role=Role.TECHNICIAN, technician=record.pk)

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.user.email == "tom@example.com"
    assert len(mail.outbox) == 1
    assert "Tom Field" in client.get(reverse("workspace:team")).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": Role.DISPATCHER}, "Enter a valid email address."),
        ({"email": "x@example.com", "role": "BOSS"}, "Select a valid choice."),
        ({"email": "owner@installer.test", "role": Role.OWNER}, "is already in your team."),
        ({"email": "taken@example.com", "role": Role.OWNER}, "already works for another installer"),
    ],
)
def test_adding_a_person_explains_what_is_wrong(
    owner: ProviderMember, data: dict[str, str], message: str
) -> None:
    member(ProviderFactory(), email="taken@example.com")
    member(owner.provider, Role.OWNER, email="owner@installer.test")
    response = add(client_of(owner.user), **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not mail.outbox


def test_only_a_technician_member_is_linked_to_a_record(
    provider: Provider, owner: ProviderMember
) -> None:
    record = TechnicianFactory(provider=provider)
    response = add(
        client_of(owner.user), email="d@example.com", role=Role.DISPATCHER, technician=record.pk
    )
    assert response.status_code == 400
    assert "Only a technician member is linked to a record." in response.content.decode()
    assert not ProviderMember.objects.filter(user__email="d@example.com").exists()


def test_owner_changes_roles_and_the_permissions_follow(
    provider: Provider, owner: ProviderMember
) -> None:
    dana = member(provider, Role.DISPATCHER)
    record = TechnicianFactory(provider=provider)
    client = client_of(owner.user)
    url = reverse("workspace:member-edit", kwargs={"member_id": dana.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {"role": Role.TECHNICIAN, "technician": record.pk})

    assert response.status_code == 302
    dana.refresh_from_db()
    assert dana.role == Role.TECHNICIAN
    user = get_user_model().objects.get(pk=dana.user_id)
    assert user.has_perm("orders.view_order") and not user.has_perm("orders.view_technician")
    record.refresh_from_db()
    assert record.user_id == dana.user_id

    # Made an owner again: the technician record no longer signs in as them.
    response = client.post(url, {"role": Role.OWNER, "technician": ""})
    assert response.status_code == 302
    user = get_user_model().objects.get(pk=dana.user_id)
    assert user.has_perm("catalog.add_providermember")
    record.refresh_from_db()
    assert record.user_id is None


def test_the_last_owner_stays_an_owner(provider: Provider, owner: ProviderMember) -> None:
    client = client_of(owner.user)
    url = reverse("workspace:member-edit", kwargs={"member_id": owner.pk})

    response = client.post(url, {"role": Role.DISPATCHER, "technician": ""})

    assert response.status_code == 400
    assert "This is the last owner of the company" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER

    remove = reverse("workspace:member-remove", kwargs={"member_id": owner.pk})
    response = client.post(remove)
    assert response.status_code == 400
    assert "This is the last owner of the company" in response.content.decode()
    assert ProviderMember.objects.filter(pk=owner.pk).exists()

    # With a second owner, the first may step down (and leaves the team pages).
    member(provider, Role.OWNER, email="second@example.com")
    response = client.post(url, {"role": Role.DISPATCHER, "technician": ""})
    assert response.status_code == 302
    assert response.url == reverse("account-home")
    owner.refresh_from_db()
    assert owner.role == Role.DISPATCHER


def test_owner_removes_a_person_who_then_no_longer_reaches_the_workspace(
    provider: Provider, owner: ProviderMember
) -> None:
    tom = member(provider, Role.TECHNICIAN, email="tom@example.com")
    record = TechnicianFactory(provider=provider, user=tom.user)
    client = client_of(owner.user)
    url = reverse("workspace:member-remove", kwargs={"member_id": tom.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Remove" in page.content.decode()
    tom_client = client_of(tom.user)
    assert tom_client.get(reverse("workspace:board")).status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    assert not ProviderMember.objects.filter(pk=tom.pk).exists()
    assert get_user_model().objects.filter(pk=tom.user_id).exists()  # the account stays
    assert not get_user_model().objects.get(pk=tom.user_id).groups.exists()
    record.refresh_from_db()
    assert record.user_id is None
    assert tom_client.get(reverse("workspace:board")).status_code == 403


def test_only_owners_manage_the_team(provider: Provider, owner: ProviderMember) -> None:
    dispatcher = client_of(member(provider, Role.DISPATCHER).user)
    urls = [
        reverse("workspace:team"),
        reverse("workspace:member-new"),
        reverse("workspace:member-edit", kwargs={"member_id": owner.pk}),
        reverse("workspace:member-remove", kwargs={"member_id": owner.pk}),
    ]
    for url in urls:
        assert dispatcher.get(url).status_code == 403, url
        assert dispatcher.post(url, {"role": Role.DISPATCHER}).status_code == 403, url
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_another_installers_people_answer_404(owner: ProviderMember) -> None:
    theirs = member(ProviderFactory(), Role.DISPATCHER, email="theirs@example.com")
    client = client_of(owner.user)
    for name in ("workspace:member-edit", "workspace:member-remove"):
        url = reverse(name, kwargs={"member_id": theirs.pk})
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": Role.OWNER}).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.role == Role.DISPATCHER
    assert "theirs@example.com" not in client.get(reverse("workspace:team")).content.decode()
    assert Technician.objects.count() == 0
