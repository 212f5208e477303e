"""The one spelling of actors (orders.actors): stored rows and the network adapter depend on it,
so the builders are pinned here, and the parser reads back what they build."""

import pytest

from orders import services
from orders.actors import (
    SYSTEM,
    ActorKind,
    actor_for_bap,
    actor_for_form,
    actor_for_homeowner,
    actor_for_user,
    actor_kind,
    is_bap,
)
from orders.models import OrderEvent
from tests.orders.factories import OrderFactory, UserFactory


def test_each_actor_is_spelled_as_the_stored_rows_have_it() -> None:
    dispatcher = UserFactory.build(username="dispatcher@sunpower")
    emily = UserFactory.build(email="emily.tran@example.com")
    anonymous = UserFactory.build(pk=42, email="")

    assert actor_for_user(dispatcher) == "user:dispatcher@sunpower"
    assert actor_for_homeowner(emily) == "homeowner:emily.tran@example.com"
    assert actor_for_homeowner(anonymous) == "homeowner:42"
    assert actor_for_bap("bap.example.test") == "bap:bap.example.test"
    assert actor_for_form() == "homeowner"
    assert actor_for_form("bap.example.test") == "homeowner via bap.example.test"
    assert SYSTEM == "system"


@pytest.mark.parametrize(
    ("actor", "kind"),
    [
        (actor_for_user(UserFactory.build(username="ops")), ActorKind.USER),
        (actor_for_homeowner(UserFactory.build(email="a@example.com")), ActorKind.HOMEOWNER),
        (actor_for_form(), ActorKind.HOMEOWNER),
        (actor_for_form("bap.example.test"), ActorKind.HOMEOWNER),
        (actor_for_bap("bap.example.test"), ActorKind.BAP),
        (SYSTEM, ActorKind.SYSTEM),
        ("installer:dispatcher@sunpower", ActorKind.UNKNOWN),
        ("bap:", ActorKind.UNKNOWN),
        ("homeowners", ActorKind.UNKNOWN),
        ("", ActorKind.UNKNOWN),
    ],
)
def test_the_kind_of_an_actor_is_read_back(actor: str, kind: ActorKind) -> None:
    assert actor_kind(actor) == kind


def test_a_buyer_app_is_recognised_as_any_or_as_itself() -> None:
    actor = actor_for_bap("bap.example.test")

    assert is_bap(actor) and is_bap(actor, "bap.example.test")
    assert not is_bap(actor, "other.bap.test")
    assert not is_bap(actor_for_form("bap.example.test"))
    assert not is_bap(actor_for_form("bap.example.test"), "bap.example.test")
    assert not is_bap(SYSTEM)


@pytest.mark.django_db
def test_a_change_keeps_the_actor_that_made_it() -> None:
    order = OrderFactory()

    services.order_cancel(order=order, reason_id="1", actor=actor_for_bap(order.buyer_reference))

    order.refresh_from_db()
    assert is_bap(order.cancelled_by, order.buyer_reference)
    event = order.events.get(kind=OrderEvent.Kind.STATUS)
    assert actor_kind(event.actor) == ActorKind.BAP
