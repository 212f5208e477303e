"""Reads of the catalog, shared by the Beckn adapter and the web pages."""

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, prefetch_related_objects

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


def service_locations_near(*, latitude: float, longitude: float) -> list[int]:
    """Ids of service locations whose service radius covers the point."""
    lat_span = MAX_SERVICE_RADIUS_KM / KM_PER_DEGREE_LATITUDE
    lng_span = lat_span / max(math.cos(math.radians(latitude)), 0.01)
    candidates = ServiceLocation.objects.filter(
        latitude__range=(Decimal(latitude - lat_span), Decimal(latitude + lat_span)),
        longitude__range=(Decimal(longitude - lng_span), Decimal(longitude + lng_span)),
    ).values_list("id", "latitude", "longitude", "service_radius_km")
    return [
        location_id
        for location_id, lat, lng, radius in candidates
        if distance_km(latitude, longitude, float(lat), float(lng)) <= float(radius)
    ]


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
        items = items.filter(locations__in=near)
    if query.city_code:
        items = items.filter(locations__city_code__iexact=query.city_code)
    if query.city_name:
        items = items.filter(locations__city_name__iexact=query.city_name)
    words = query_words(query.text)
    if words:
        items = items.filter(_text_filter(words))
    # A sub-select, so that joins through many-to-many criteria never repeat an item.
    return Item.objects.filter(pk__in=items.values("pk")).order_by("provider__name", "id")


def offer_search(query: OfferQuery) -> list[Provider]:
    """Providers with at least one matching item, each carrying `matching_items`.

    The items come with their category, locations, fulfillments and required documents loaded;
    providers come with their images, in name order.
    """
    items = list(
        items_matching(query)
        .select_related("category", "provider")
        .prefetch_related("locations", "fulfillments", "required_documents")
    )
    providers: dict[int, Provider] = {}
    for item in items:
        provider = providers.setdefault(item.provider_id, item.provider)
        provider.__dict__.setdefault("matching_items", []).append(item)
    result = list(providers.values())
    prefetch_related_objects(result, "images")
    return result
