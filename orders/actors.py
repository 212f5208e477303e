"""Who changed something, as the domain records it: the one spelling of an actor.

An actor is a short string kept on the rows it touched (OrderEvent.actor, Order.cancelled_by, a
Document's uploaded_by and reviewed_by, a Rating's replied_by and hidden_by). Stored rows and
the network adapter (which tells a buyer app only of the changes it did not make itself) depend
on its spelling, so actors are built and read here only:

- a signed-in person of the installer workspace or of the admin: "user:<username>";
- a homeowner signed in on the web: "homeowner:<e-mail>" ("homeowner:<account id>" without one);
- a homeowner filling a document form through its link: "homeowner", or
  "homeowner via <buyer reference>" when a buyer app handed the link out;
- a buyer app on the Beckn network: "bap:<bap_id>";
- the platform itself, for work done after the fact (e.g. issuing a certificate): "system".
"""

from enum import StrEnum
from typing import Protocol


class ActorKind(StrEnum):
    USER = "user"
    HOMEOWNER = "homeowner"
    BAP = "bap"
    SYSTEM = "system"
    UNKNOWN = ""


SYSTEM = "system"
_PREFIX = {ActorKind.USER: "user:", ActorKind.HOMEOWNER: "homeowner:", ActorKind.BAP: "bap:"}
_FORM = "homeowner"
_FORM_VIA = " via "


class _User(Protocol):
    pk: object
    email: str

    def get_username(self) -> str: ...


def actor_for_user(user: _User) -> str:
    """A person of the installer workspace or of the admin, by their user name."""
    return f"{_PREFIX[ActorKind.USER]}{user.get_username()}"


def actor_for_homeowner(user: _User) -> str:
    """A homeowner signed in on the web, by their e-mail address (their account id without one)."""
    return f"{_PREFIX[ActorKind.HOMEOWNER]}{user.email or user.pk}"


def actor_for_form(buyer_reference: str = "") -> str:
    """Whoever fills a document form through its link: the homeowner, through the buyer app
    named by `buyer_reference` when one handed the link out."""
    return _FORM + (f"{_FORM_VIA}{buyer_reference}" if buyer_reference else "")


def actor_for_bap(bap_id: str) -> str:
    """A buyer app on the Beckn network, by its subscriber id."""
    return f"{_PREFIX[ActorKind.BAP]}{bap_id}"


def actor_kind(actor: str) -> ActorKind:
    """What kind of actor a recorded actor string names (UNKNOWN for anything else, e.g. the
    free text of old rows or of tests)."""
    if actor == SYSTEM:
        return ActorKind.SYSTEM
    if actor == _FORM or actor.startswith(_FORM + _FORM_VIA):
        return ActorKind.HOMEOWNER
    for kind, prefix in _PREFIX.items():
        if actor.startswith(prefix) and len(actor) > len(prefix):
            return kind
    return ActorKind.UNKNOWN


def is_bap(actor: str, bap_id: str | None = None) -> bool:
    """Whether `actor` is a buyer app: any one, or the one whose subscriber id is `bap_id`."""
    if bap_id is not None:
        return actor == actor_for_bap(bap_id)
    return actor_kind(actor) == ActorKind.BAP
