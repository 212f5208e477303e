"""The Beckn actions we serve: how each request's message is checked and how it is answered.

An answer is the `message` (and, for a business error, the `error`) of the on_<action> callback.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from beckn import mapping
from beckn.serializers import SearchMessageSerializer
from catalog.selectors import offer_search

JSON = dict[str, Any]


@dataclass(frozen=True)
class Action:
    name: str
    message_serializer: type[serializers.Serializer]
    answer: Callable[[JSON], JSON]


def answer_search(request: JSON) -> JSON:
    query = mapping.offer_query(request["message"]["intent"])
    return {"message": mapping.catalog_message(offer_search(query))}


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("search", SearchMessageSerializer, answer_search),
    ]
}
