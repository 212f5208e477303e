"""No installer ever reaches another installer's data: every page of the installer workspace,
found by walking its URL conf (so pages added later are covered), answers 404 to an owner of
installer A who puts installer B's ids in the URL, by GET and by POST.

Each URL argument is filled by its name (`OBJECTS`); a `pk` by the path segment before it. A new
page with an argument of another name fails here until it is mapped below.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver

import web.workspace.urls
from beckn.models import OutboundMessage
from catalog.models import Provider, ProviderMember, ProviderPhoto, ServiceLocation
from documents.models import Document
from orders.models import TechnicianCertification
from tests.orders.factories import TechnicianFactory
from tests.web.workspace.helpers import Role, installer, link_to_bap, member, order_with_documents

pytestmark = pytest.mark.django_db

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass
class Tenant:
    """One installer with one of everything a workspace URL can name."""

    provider: Provider
    owner: Any
    objects: dict[str, Any]


def tenant(name: str) -> Tenant:
    provider = installer(name)
    owner = member(provider, Role.OWNER)
    order = order_with_documents(provider, "id_proof")
    link = link_to_bap(order, f"bap.{provider.pk}.example.test", "https://bap.example.test/b")
    technician = TechnicianFactory(provider=provider)
    objects = {
        "order": order,
        "document": Document.objects.filter(order=order).first(),
        "message": OutboundMessage.objects.create(
            action="on_status",
            bap_id=link.bap_id,
            target_url=f"{link.bap_uri}/on_status",
            transaction_id=link.transaction_id,
            message_id=str(uuid.uuid4()),
            status=OutboundMessage.Status.DEAD,
        ),
        "technician": technician,
        "certification": TechnicianCertification.objects.create(
            technician=technician, name="NABCEP PV", valid_until=date.today() + timedelta(days=90)
        ),
        "item": order.items.first().item,
        "location": ServiceLocation.objects.filter(provider=provider).first(),
        "member": ProviderMember.objects.get(user=member(provider, Role.DISPATCHER)),
        "photo": ProviderPhoto.objects.create(
            provider=provider, image="installers/photos/a.jpg", thumbnail="installers/t/a.jpg"
        ),
    }
    return Tenant(provider, owner, objects)


# What each URL argument names, by the argument's name.
OBJECTS: dict[str, str] = {
    "order_id": "order",
    "document_id": "document",
    "message_id": "message",
    "technician_id": "technician",
    "certification_id": "certification",
    "item_id": "item",
    "location_id": "location",
    "member_id": "member",
    "photo_id": "photo",
}
# What a `pk` names, by the path segment before it.
PK_OF: dict[str, str] = {
    "orders": "order",
    "documents": "document",
    "callbacks": "message",
    "technicians": "technician",
    "certifications": "certification",
    "items": "item",
    "locations": "location",
    "team": "member",
    "members": "member",
}


def routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (route, name) under `patterns`, includes followed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name or ""


WORKSPACE_ROUTES = list(routes(web.workspace.urls.urlpatterns))


def kind_of(route: str, argument: re.Match) -> str:
    name = argument.group("name")
    if name == "pk":
        before = route[: argument.start()].rstrip("/").rsplit("/", 1)[-1]
        kind = PK_OF.get(before)
        assert kind, f"{route}: map the `pk` after {before!r}/ in PK_OF"
        return kind
    assert name in OBJECTS, f"{route}: map the URL argument {name!r} in OBJECTS"
    return OBJECTS[name]


def url_for(route: str, objects: dict[str, Any]) -> str:
    def value(argument: re.Match) -> str:
        return str(objects[kind_of(route, argument)].pk)

    return "/installer/" + ARGUMENT.sub(value, route)


def with_arguments() -> list[tuple[str, str]]:
    return [(route, name) for route, name in WORKSPACE_ROUTES if ARGUMENT.search(route)]


def test_the_walk_finds_the_workspace_pages_that_name_an_object() -> None:
    names = {name for _, name in with_arguments()}
    assert {
        "order",
        "order-phase",
        "order-safety",
        "order-note",
        "order-schedule",
        "order-availability",
        "order-technician",
        "order-payment",
        "order-complete",
        "order-issue",
        "order-document-review",
        "order-callbacks",
        "order-callback-retry",
    } <= names
    for route, _ in with_arguments():  # every argument is mapped
        for argument in ARGUMENT.finditer(route):
            kind_of(route, argument)


@pytest.fixture
def tenants() -> tuple[Tenant, Tenant]:
    return tenant("Installer A"), tenant("Installer B")


@pytest.mark.parametrize(("route", "name"), with_arguments(), ids=lambda v: v or "-")
def test_another_installers_ids_answer_404_by_get_and_post(
    client: Client, tenants: tuple[Tenant, Tenant], route: str, name: str
) -> None:
    mine, theirs = tenants
    client.force_login(mine.owner)
    before = {key: _state(obj) for key, obj in theirs.objects.items()}

    url = url_for(route, theirs.objects)
    assert client.get(url).status_code == 404, f"GET {url} ({name})"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    assert client.post(url, _anything()).status_code == 404, f"POST {url} ({name})"
    assert client.post(url, _anything(), headers={"HX-Request": "true"}).status_code == 404

    # Nothing of theirs changed, and the same page with my own ids is there (not a 404).
    assert {key: _state(obj) for key, obj in theirs.objects.items()} == before
    assert client.get(url_for(route, mine.objects)).status_code != 404, name


def _anything() -> dict[str, str]:
    """A POST body that every workspace form would take, if it got that far."""
    return {
        "status": "VERIFIED",
        "reason": "x",
        "text": "x",
        "safety_status": "VERIFIED",
        "technician": "",
        "name": "x",
        "role": "DISPATCHER",
        "is_active": "",
    }


def _state(obj: Any) -> tuple:
    """What a row holds now (or that it is gone)."""
    row = type(obj).objects.filter(pk=obj.pk).values().first()
    return tuple(sorted((k, str(v)) for k, v in row.items() if k != "updated_at")) if row else ()
