"""The on_search fragments rendered from the catalog with the mapping of every other answer
(beckn.mapping.catalog), and stored.

An item's fragment is the JSON text of
    [item, [category pk, category], [[location pk, location], ...],
     [[fulfillment pk, fulfillment], ...]]
(the item as on_search lists it, and the entries its provider's catalog lists for it); a
provider's is its header (provider_header). Each row carries the format it was rendered in:
FRAGMENT_FORMAT changes with the mapping's code and the settings its URLs are made of, so a
fragment from another version of the program, or another SITE_URL, is rendered again.
"""

import hashlib
import json
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction

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
            provider_id=item.provider_id,
            format=form,
            document=_text(item_document(item)),
        )
        for item in (offer_items(item_ids) if item_ids else [])
    ]
    providers = [
        ProviderFragment(
            provider_id=provider.pk, format=form, document=_text(provider_header(provider))
        )
        for provider in (offer_providers(provider_ids).values() if provider_ids else [])
    ]
    return items, providers


def fragments_store(
    items: list[ItemFragment], providers: list[ProviderFragment], *, replace: bool = False
) -> None:
    """Store rendered fragments beside the catalog (a row stored meanwhile is kept, unless
    `replace`: rows of another format are deleted first). A cache's write: a database error
    is logged, never raised (in a savepoint, so the caller's transaction goes on)."""
    if not items and not providers:
        return
    try:
        with transaction.atomic():
            if replace:
                ItemFragment.objects.filter(pk__in=[f.item_id for f in items]).delete()
                ProviderFragment.objects.filter(pk__in=[f.provider_id for f in providers]).delete()
            ItemFragment.objects.bulk_create(items, ignore_conflicts=True, batch_size=500)
            ProviderFragment.objects.bulk_create(providers, ignore_conflicts=True, batch_size=500)
    except DatabaseError as exc:
        logger.warning("on_search fragments not stored (%s: %s)", type(exc).__name__, exc)


def fragments_fill(*, item_ids: Iterable[int] = (), provider_ids: Iterable[int] = ()) -> None:
    """Render and store the fragments these items and providers lack (those in the current
    format are left as they are)."""
    form = fragment_format()
    item_ids = set(item_ids) - set(
        ItemFragment.objects.filter(pk__in=list(item_ids), format=form).values_list("pk", flat=True)
    )
    provider_ids = set(provider_ids) - set(
        ProviderFragment.objects.filter(pk__in=list(provider_ids), format=form).values_list(
            "pk", flat=True
        )
    )
    items, providers = fragments_render(item_ids=item_ids, provider_ids=provider_ids)
    fragments_store(items, providers, replace=True)
