"""The composer of each action's callback, registered at start-up.

A composer turns an accepted request into its callback's body: `{"message": ...}`, or
`{"error": ...}` for a business error. beckn/answers/ registers one per action we serve (its
`@composer` decorator), when BecknConfig.ready imports it; the delivery engine looks them up here,
so that it never imports the answers (which import the domain) and they never import it.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

JSON = dict[str, Any]
Compose = Callable[[JSON], JSON]

_composers: dict[str, Compose] = {}


def composer_register(*, action: str, compose: Compose) -> None:
    """Make `compose` the composer of `action`'s callback; an action has one composer."""
    if action in _composers:
        raise ImproperlyConfigured(f"Two composers for the {action!r} callback.")
    _composers[action] = compose


def composer_for(action: str) -> Compose:
    """The composer of `action`'s callback. Raises LookupError for an action we do not answer."""
    try:
        return _composers[action]
    except KeyError:
        raise LookupError(f"No composer for the {action!r} callback.") from None


def composer_actions() -> frozenset[str]:
    """The actions whose callbacks have a composer."""
    return frozenset(_composers)
