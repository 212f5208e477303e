"""Reads of the catalog, shared by the Beckn adapter and the web pages."""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import (
    Expression,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

from catalog.models import Item, Provider, ServiceLocation

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE_LATITUDE = 111.32
# No service location serves further than this: bounds the SQL pre-filter of a GPS search.
MAX_SERVICE_RADIUS_KM = 500
# Words that say nothing about what is searched for ("Solar Installation Request").
STOP_WORDS = frozenset(
    {"a", "an", "and", "for", "in", "of", "on", "the", "to", "request", "service"}
)
WORD_RE = re.compile(r"\w+")
# PostgreSQL's text-search configuration for the items' search documents (see migration 0004):
# 'simple' lower-cases and neither stems nor drops words, like the icontains path on SQLite.
SEARCH_CONFIG = "simple"


@dataclass(frozen=True)
class OfferQuery:
    """What a buyer looks for; every criterion is optional and they combine with AND."""

    text: str = ""
    provider_external_id: str = ""
    provider_name: str = ""
    category_code: str = ""
    category_id: str = ""
    fulfillment_type: str = ""
    latitude: float | None = None
    longitude: float | None = None
    city_code: str = ""
    city_name: str = ""
    item_external_id: str = ""


def query_words(text: str) -> list[str]:
    """The meaningful words of a free-text query, lower-cased, in order, without repeats."""
    words = [w for w in WORD_RE.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]
    return list(dict.fromkeys(words))


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance between two points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def distance_km_expression(*, latitude: float, longitude: float) -> Expression:
    """SQL for the haversine distance (km) from the point to a row's latitude/longitude.

    Same formula as distance_km; Django provides the math functions on every supported database
    (on an SQLite built without them it registers Python versions).
    """
    phi = Radians(Cast("latitude", FloatField()))
    lmb = Radians(Cast("longitude", FloatField()))
    phi0 = math.radians(latitude)
    lmb0 = math.radians(longitude)
    a = Power(Sin((phi - Value(phi0)) / 2), 2) + Value(math.cos(phi0)) * Cos(phi) * Power(
        Sin((lmb - Value(lmb0)) / 2), 2
    )
    # Least: rounding must never push asin's argument past 1.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(Least(a, Value(1.0))))


def service_locations_near(*, latitude: float, longitude: float) -> QuerySet[ServiceLocation]:
    """Service locations whose service radius covers the point, as one SQL query.

    A bounding box on (latitude, longitude) uses the composite index; the exact great-circle
    distance is then computed and compared with each location's radius in SQL too.
    """
    lat_span = MAX_SERVICE_RADIUS_KM / KM_PER_DEGREE_LATITUDE
    lng_span = lat_span / max(math.cos(math.radians(latitude)), 0.01)
    return (
        ServiceLocation.objects.filter(
            latitude__range=(Decimal(latitude - lat_span), Decimal(latitude + lat_span)),
            longitude__range=(Decimal(longitude - lng_span), Decimal(longitude + lng_span)),
        )
        .alias(distance_km=distance_km_expression(latitude=latitude, longitude=longitude))
        .filter(distance_km__lte=Cast(F("service_radius_km"), FloatField()))
    )


TEXT_FIELDS = (
    "name",
    "code",
    "short_desc",
    "property_type",
    "system_capacity",
    "category__name",
    "category__code",
    "provider__name",
    "provider__code",
    "provider__short_desc",
)


def _text_filter(words: list[str]) -> Q:
    """Items where every word appears in the item's, its category's or its provider's text."""
    match = Q()
    for word in words:
        any_field = Q()
        for name in TEXT_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        match &= any_field
    return match


def prefix_tsquery(words: list[str]) -> str | None:
    """A to_tsquery() text that needs every word as a prefix: 'solar':* & 'instal':*.

    Each word is a quoted, escaped tsquery term, so input never acts as tsquery syntax (and the
    whole text is passed as a bind parameter, never spliced into SQL). PostgreSQL splits a
    quoted term the way it split the indexed text ('foo_bar' becomes 'foo':* <-> 'bar':*).
    None when a word has no letter or digit: nothing indexed can match it.
    """
    terms = []
    for word in words:
        if not re.search(r"[^\W_]", word):
            return None
        quoted = word.replace("\\", "\\\\").replace("'", "''")
        terms.append(f"'{quoted}':*")
    return " & ".join(terms)


def _items_with_words(items: QuerySet[Item], words: list[str]) -> QuerySet[Item]:
    """Items that contain every word, in any of TEXT_FIELDS.

    PostgreSQL: full-text search on the items' GIN-indexed search documents; a word matches the
    start of an indexed word (CamelCase and digit-letter boundaries are split: "power" finds
    "SunPower"). SQLite, the embedded mode: icontains, so a word matches anywhere in a field.
    """
    if connections[items.db].vendor != "postgresql":
        # The embedded mode (SQLite): substring search, fine at its catalog sizes.
        return items.filter(_text_filter(words))
    tsquery = prefix_tsquery(words)
    if tsquery is None:
        return items.none()
    return items.filter(search_vector=SearchQuery(tsquery, config=SEARCH_CONFIG, search_type="raw"))


def items_matching(query: OfferQuery) -> QuerySet[Item]:
    """Active items of active providers that meet every criterion of the query."""
    items = Item.objects.filter(is_active=True, provider__is_active=True)
    if query.provider_external_id:
        items = items.filter(provider__external_id=query.provider_external_id)
    if query.item_external_id:
        items = items.filter(external_id=query.item_external_id)
    for word in query_words(query.provider_name):
        items = items.filter(Q(provider__name__icontains=word) | Q(provider__code__icontains=word))
    if query.category_code:
        items = items.filter(category__code__iexact=query.category_code)
    if query.category_id:
        if not query.category_id.isdigit():
            return Item.objects.none()
        items = items.filter(category_id=int(query.category_id))
    if query.fulfillment_type:
        items = items.filter(fulfillments__type__iexact=query.fulfillment_type)
    if query.latitude is not None and query.longitude is not None:
        near = service_locations_near(latitude=query.latitude, longitude=query.longitude)
        # The ids first (one quick query): given the actual list, PostgreSQL estimates how many
        # items it brings; as a sub-select it guesses, and picks worse plans at 100k items.
        items = items.filter(locations__in=list(near.order_by().values_list("pk", flat=True)))
    if query.city_code:
        items = items.filter(locations__city_code__iexact=query.city_code)
    if query.city_name:
        items = items.filter(locations__city_name__iexact=query.city_name)
    words = query_words(query.text)
    if words:
        items = _items_with_words(items, words)
    # A sub-select, so that joins through many-to-many criteria never repeat an item.
    return Item.objects.filter(pk__in=items.values("pk")).order_by("provider__name", "id")


def offer_search(query: OfferQuery, *, limit: int | None = None) -> list[Provider]:
    """Providers with at least one matching item, each carrying `matching_items` (at most
    `limit` items in all).

    The items come with their category, provider (one instance per provider), locations,
    fulfillments and required documents loaded; providers come with their images, in name order.
    """
    matching = items_matching(query).defer("search_vector")
    if limit is not None:
        matching = matching[:limit]
    items = list(
        matching.select_related("category").prefetch_related(
            "locations", "fulfillments", "required_documents"
        )
    )
    if not items:
        return []
    providers = Provider.objects.in_bulk({item.provider_id for item in items})
    provider_field = Item._meta.get_field("provider")
    for item in items:
        provider = providers[item.provider_id]
        provider_field.set_cached_value(item, provider)
        provider.__dict__.setdefault("matching_items", []).append(item)
    # Dict order: the order of the items' providers (items_matching sorts by provider name).
    result = [providers[provider_id] for provider_id in dict.fromkeys(i.provider_id for i in items)]
    prefetch_related_objects(result, "images")
    return result
