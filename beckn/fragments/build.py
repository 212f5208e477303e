"""The on_search fragments rendered from the catalog with the mapping of every other answer
(beckn.mapping.catalog), and stored.

An item's fragment is the JSON text of
    [item, [category pk, category], [[location pk, location], ...],
     [[fulfillment pk, fulfillment], ...]]
(the item as on_search lists it, and the entries its provider's catalog lists for it); a
provider's is its header (provider_header). Each row carries a token, new at every rendering
and invalidation, and the format it was rendered in ("" once invalidated):
fragment_format() changes with the mapping's code and the settings its URLs are made of, so a
fragment from another version of the program, or another SITE_URL, is rendered again.
"""

import hashlib
import json
import logging
import secrets
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q

from beckn.mapping import catalog as catalog_mapping
from beckn.mapping import values as mapping_values
from beckn.mapping.catalog import (
    category_json,
    fulfillment_json,
    item_json,
    location_json,
    provider_header,
)
from beckn.models import ItemFragment, ProviderFragment
from catalog import taxonomy
from catalog.models import Item
from catalog.selectors import offer_items, offer_providers

logger = logging.getLogger(__name__)
JSON = dict[str, Any]
Fragment = TypeVar("Fragment", ItemFragment, ProviderFragment)


@lru_cache(maxsize=8)
def _format(site_url: str, media_url: str) -> str:
    """A short digest of what a fragment's text depends on besides the catalog's rows."""
    digest = hashlib.sha256(f"{site_url}\n{media_url}\n".encode())
    for module in (catalog_mapping, mapping_values, taxonomy):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def fragment_format() -> str:
    """The format fragments are rendered in by this program with these settings."""
    return _format(settings.SITE_URL, settings.MEDIA_URL)


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def item_document(item: Item) -> list[Any]:
    """What an item's fragment holds (its category, locations and fulfillments loaded)."""
    return [
        item_json(item),
        [item.category_id, category_json(item.category)],
        [[location.pk, location_json(location)] for location in item.locations.all()],
        [[f.pk, fulfillment_json(f)] for f in item.fulfillments.all()],
    ]


def new_token() -> str:
    """A token no rendering or invalidation has used."""
    return secrets.token_hex(8)


def fragments_render(
    *, item_ids: Iterable[int] = (), provider_ids: Iterable[int] = ()
) -> tuple[list[ItemFragment], list[ProviderFragment]]:
    """The fragments of these items and providers rendered from the catalog, unsaved (one
    batch: 4 queries for the items, 3 for the providers; ids that no longer exist are left
    out)."""
    item_ids, provider_ids = list(item_ids), list(provider_ids)
    form = fragment_format()
    items = [
        ItemFragment(
            item_id=item.pk,
            format=form,
            document=_text(item_document(item)),
            token=new_token(),
        )
        for item in (offer_items(item_ids) if item_ids else [])
    ]
    providers = [
        ProviderFragment(
            provider_id=provider.pk,
            format=form,
            document=_text(provider_header(provider)),
            token=new_token(),
        )
        for provider in (offer_providers(provider_ids).values() if provider_ids else [])
    ]
    return items, providers


Seen = Mapping[int, str | None]  # id -> the token of its row read before rendering (None: no row)


def _store(model: type[Fragment], fragments: list[Fragment], seen: Seen) -> None:
    """Insert the fragments that had no row (a row written meanwhile wins) and replace those
    whose row still has the token read before rendering (an invalidation since then wins)."""
    fresh = [f for f in fragments if seen.get(f.pk) is None]
    model.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
    replacing = [f for f in fragments if seen.get(f.pk) is not None]
    for start in range(0, len(replacing), 200):
        batch = replacing[start : start + 200]
        unchanged = Q()
        for fragment in batch:
            unchanged |= Q(pk=fragment.pk, token=seen[fragment.pk])
        model.objects.filter(unchanged).bulk_update(batch, ["format", "document", "token"])


def fragments_store(
    items: list[ItemFragment],
    providers: list[ProviderFragment],
    *,
    seen_items: Seen,
    seen_providers: Seen,
) -> None:
    """Store rendered fragments beside the catalog, each only where its row is as it was read
    before the rendering (`seen_*`: the tokens then, None where there was no row). A cache's
    write: a database error is logged, never raised (in a savepoint, so the caller's
    transaction goes on)."""
    if not items and not providers:
        return
    try:
        with transaction.atomic():
            _store(ItemFragment, items, seen_items)
            _store(ProviderFragment, providers, seen_providers)
    except DatabaseError as exc:
        logger.warning("on_search fragments not stored (%s: %s)", type(exc).__name__, exc)


def _seen(model: type[Fragment], ids: Iterable[int]) -> tuple[dict[int, str | None], set[int]]:
    """The tokens of these ids' rows (None: no row), and the ids whose row is valid now."""
    ids = list(ids)
    seen: dict[int, str | None] = dict.fromkeys(ids)
    valid = set()
    form = fragment_format()
    for pk, token, row_format in model.objects.filter(pk__in=ids).values_list(
        "pk", "token", "format"
    ):
        seen[pk] = token
        if row_format == form:
            valid.add(pk)
    return seen, valid


def fragments_fill(*, item_ids: Iterable[int] = (), provider_ids: Iterable[int] = ()) -> None:
    """Render and store the fragments these items and providers lack (missing, invalidated or
    of another format). Their rows are read first, the catalog after: a write that commits
    in between changes the token, and the rendering is not stored over it."""
    seen_items, valid_items = _seen(ItemFragment, item_ids)
    seen_providers, valid_providers = _seen(ProviderFragment, provider_ids)
    items, providers = fragments_render(
        item_ids=[pk for pk in seen_items if pk not in valid_items],
        provider_ids=[pk for pk in seen_providers if pk not in valid_providers],
    )
    fragments_store(items, providers, seen_items=seen_items, seen_providers=seen_providers)
