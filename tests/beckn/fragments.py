"""Helpers of the fragment tests: the on_search message both ways."""

from typing import Any

from beckn.fragments import catalog_answer, fragment_format
from beckn.mapping.catalog import catalog_message
from beckn.models import ItemFragment, ProviderFragment
from catalog.selectors import OfferQuery, offer_search


def from_models(query: OfferQuery, limit: int | None = 100) -> dict[str, Any]:
    """The message as the catalog's models map to it (offer_search + catalog_message)."""
    return catalog_message(offer_search(query, limit=limit))


def assert_same_answer(query: OfferQuery, limit: int | None = 100) -> dict[str, Any]:
    """The fragments' message equals the models' (and lists the same providers); returned."""
    expected = from_models(query, limit)
    answer = catalog_answer(query, limit=limit)
    assert answer.message == expected, query
    providers = expected["catalog"]["providers"]
    assert len(answer.provider_ids) == len(providers)
    return answer.message


def valid_fragments() -> tuple[int, int]:
    """How many item and provider fragments are stored and valid (rendered in this format)."""
    form = fragment_format()
    return (
        ItemFragment.objects.filter(format=form).count(),
        ProviderFragment.objects.filter(format=form).count(),
    )
