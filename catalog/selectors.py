"""Reads of the catalog, shared by the Beckn adapter and the web pages."""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    Expression,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

from catalog.models import Item, Provider, ProviderMember, ServiceLocation

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


def distance_km_expression(*, latitude: float, longitude: float) -> Expression:
    """SQL for the haversine distance (km) from the point to a row's latitude/longitude.

    Django provides the math functions on every supported database
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


def _with_offer_details(items: QuerySet[Item]) -> QuerySet[Item]:
    """Items with what an offer shows on the network: category, locations, fulfillments and
    required documents (their search document left out)."""
    return (
        items.defer("search_vector")
        .select_related("category")
        .prefetch_related("locations", "fulfillments", "required_documents")
    )


def offer_items(item_ids: Iterable[int]) -> list[Item]:
    """The items with these ids (whatever their state), with their category, locations,
    fulfillments and required documents loaded, by id."""
    return list(_with_offer_details(Item.objects.filter(pk__in=list(item_ids)).order_by("pk")))


def offer_providers(provider_ids: Iterable[int]) -> dict[int, Provider]:
    """The providers with these ids (whatever their state), with their images and photos
    loaded, by id."""
    providers = Provider.objects.in_bulk(list(provider_ids))
    prefetch_related_objects(list(providers.values()), "images", "photos")
    return providers


def offer_search(query: OfferQuery, *, limit: int | None = None) -> list[Provider]:
    """Providers with at least one matching item, each carrying `matching_items` (at most
    `limit` items in all).

    The items come with their category, provider (one instance per provider), locations,
    fulfillments and required documents loaded; providers come with their images and photos,
    in name order.
    """
    matching = items_matching(query)
    if limit is not None:
        matching = matching[:limit]
    items = list(_with_offer_details(matching))
    if not items:
        return []
    providers = offer_providers({item.provider_id for item in items})
    provider_field = Item._meta.get_field("provider")
    for item in items:
        provider = providers[item.provider_id]
        provider_field.set_cached_value(item, provider)
        provider.__dict__.setdefault("matching_items", []).append(item)
    # Dict order: the order of the items' providers (items_matching sorts by provider name).
    return [providers[provider_id] for provider_id in dict.fromkeys(i.provider_id for i in items)]


# --- The homeowner pages: places, the discover page's offers, profiles, comparisons ----------


@dataclass(frozen=True)
class Place:
    """A place a homeowner named, found among the catalog's own service locations (no external
    geocoder): the point to search around, or only a city name when no location there has GPS."""

    label: str
    latitude: float | None = None
    longitude: float | None = None
    city_name: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def offer_query(self, **criteria: str) -> OfferQuery:
        """The OfferQuery that searches this place (GPS within each service radius, or the city
        by name), with the other criteria."""
        if self.has_point:
            return OfferQuery(latitude=self.latitude, longitude=self.longitude, **criteria)
        return OfferQuery(city_name=self.city_name, **criteria)


POSTCODE_RE = re.compile(r"\b(?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{3,10}\b")
# A street address must be this long before it is looked for inside the addresses ("CA" is not).
MIN_ADDRESS_LENGTH = 5


def _located_places(locations: QuerySet[ServiceLocation], *fields: str) -> list[dict]:
    """Groups of `locations` by `fields`, with the mean of their coordinates, biggest first."""
    return list(
        locations.order_by()
        .values(*fields)
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"), n=Count("id"))
        .order_by("-n", *fields)[:20]
    )


def _place(row: dict, label: str) -> Place:
    if row["lat"] is None or row["lng"] is None:
        return Place(label=label, city_name=row["city_name"])
    return Place(label=label, latitude=float(row["lat"]), longitude=float(row["lng"]))


def place_lookup(text: str) -> Place | None:
    """The place `text` names: a city ("San Francisco", "san francisco, ca"), a postcode
    ("94103") or a street address of a service location ("1414 Harbour Way S"); None when the
    catalog knows no such place. Case-insensitive; a state named after a comma picks among
    cities of the same name. A few small grouped queries, each answered as soon as one matches.
    """
    text = " ".join(text.split())
    if not text:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    locations = ServiceLocation.objects.all()
    # A city: the whole text, or its first part ("San Francisco, CA 94103").
    for name in dict.fromkeys([text, parts[0]]):
        groups = _located_places(locations.filter(city_name__iexact=name), "city_name", "state")
        if groups:
            others = {p.casefold() for p in parts[1:]} | {
                w.casefold() for p in parts[1:] for w in p.split()
            }
            row = next((g for g in groups if g["state"].casefold() in others), groups[0])
            label = ", ".join(filter(None, [row["city_name"], row["state"]]))
            return _place(row, label)
    # A postcode anywhere in the text.
    codes = list(dict.fromkeys(POSTCODE_RE.findall(text)))
    if codes:
        query = Q()
        for code in codes:
            query |= Q(area_code__iexact=code)
        groups = _located_places(locations.filter(query), "area_code", "city_name", "state")
        if groups:
            row = groups[0]
            city = ", ".join(filter(None, [row["city_name"], row["state"]]))
            return _place(row, f"{row['area_code']} ({city})")
    # A street address of a service location.
    if len(parts[0]) >= MIN_ADDRESS_LENGTH:
        groups = _located_places(
            locations.filter(address__icontains=parts[0]), "address", "city_name"
        )
        if groups:
            return _place(groups[0], groups[0]["address"])
    return None


def _busiest_cities(locations: QuerySet[ServiceLocation], limit: int) -> list[str]:
    """The cities of `locations`, those with the most locations first."""
    return list(
        locations.values("city_name")
        .annotate(n=Count("id"))
        .order_by("-n", "city_name")
        .values_list("city_name", flat=True)[:limit]
    )


def region_cities(text: str, *, limit: int = 5) -> list[str]:
    """The cities installers work in within the state or region `text` names ("CA"), the
    busiest first: what to suggest when someone names a whole state."""
    name = " ".join(text.split())
    if not name:
        return []
    return _busiest_cities(ServiceLocation.objects.filter(state__iexact=name), limit)


def known_cities(*, limit: int = 3) -> list[str]:
    """The cities with the most service locations of active installers, for examples."""
    return _busiest_cities(ServiceLocation.objects.filter(provider__is_active=True), limit)


class OfferSort(TextChoices):
    RELEVANCE = "relevance", "Best match"
    PRICE = "price", "Lowest price"
    RATING = "rating", "Highest rating"
    DISTANCE = "distance", "Nearest"


BY_RATING = (
    F("provider__rating_value").desc(nulls_last=True),
    F("provider__rating_count").desc(),
)


def discover_offers(
    query: OfferQuery,
    *,
    empaneled_only: bool = False,
    financing_only: bool = False,
    sort: str = OfferSort.RELEVANCE,
) -> QuerySet[Item]:
    """The offers (items) the homeowner pages list: items_matching(query) — the very criteria
    of the network search — narrowed by the homeowner's filters and sorted.

    Each item carries `distance_km` (to the nearest of its service locations that has GPS) when
    the query has a point, else None; it comes with its provider and category, and its
    locations and required documents are prefetched, so a page of offers costs the same queries
    whatever its size. Sorts: relevance (items whose own name holds every word of the text
    first, then the installer's rating), price, rating, distance (needs the query's point).
    """
    items = items_matching(query)
    if empaneled_only:
        items = items.filter(empaneled=True)
    if financing_only:
        items = items.filter(financial_assistance=True)
    has_point = query.latitude is not None and query.longitude is not None
    if has_point:
        nearest = (
            ServiceLocation.objects.filter(items=OuterRef("pk"), latitude__isnull=False)
            .annotate(d=distance_km_expression(latitude=query.latitude, longitude=query.longitude))
            .order_by("d")
            .values("d")[:1]
        )
        items = items.annotate(distance_km=Subquery(nearest, output_field=FloatField()))
    else:
        items = items.annotate(distance_km=Value(None, output_field=FloatField()))
    price = F("price_estimated_value").asc()
    if sort == OfferSort.PRICE:
        order = [price, *BY_RATING]
    elif sort == OfferSort.RATING:
        order = [*BY_RATING, price]
    elif sort == OfferSort.DISTANCE and has_point:
        order = [F("distance_km").asc(nulls_last=True), *BY_RATING, price]
    else:
        words = query_words(query.text)
        order = [*BY_RATING, price]
        if words:
            in_name = Q()
            for word in words:
                in_name &= Q(name__icontains=word)
            items = items.annotate(name_match=Case(When(in_name, then=Value(1)), default=Value(0)))
            order.insert(0, F("name_match").desc())
    return (
        items.order_by(*order, "pk")
        .defer("search_vector")
        .select_related("provider", "category")
        .prefetch_related("locations", "required_documents")
    )


def public_provider(external_id: str) -> Provider | None:
    """An active installer by its published id, with its service locations loaded."""
    return (
        Provider.objects.filter(external_id=external_id, is_active=True)
        .prefetch_related("locations", "photos")
        .first()
    )


def provider_public_offers(provider: Provider) -> QuerySet[Item]:
    """An installer's active items, cheapest first, with their category, locations and
    required documents."""
    return (
        Item.objects.filter(provider=provider, is_active=True)
        .defer("search_vector")
        .select_related("category")
        .prefetch_related("locations", "required_documents")
        .order_by("price_estimated_value", "pk")
    )


def public_offer(*, provider_external_id: str, item_external_id: str) -> Item | None:
    """An active item of an active installer by their published ids, with everything its page
    shows loaded."""
    return (
        Item.objects.filter(
            provider__external_id=provider_external_id,
            provider__is_active=True,
            external_id=item_external_id,
            is_active=True,
        )
        .defer("search_vector")
        .select_related("provider", "category")
        .prefetch_related("locations", "fulfillments", "required_documents")
        .first()
    )


def offers_by_ids(ids: list[int]) -> list[Item]:
    """The active items of active installers among `ids`, in the order of `ids` (unknown or
    inactive ones are left out)."""
    found = (
        Item.objects.filter(pk__in=ids, is_active=True, provider__is_active=True)
        .defer("search_vector")
        .select_related("provider", "category")
        .prefetch_related("locations", "fulfillments", "required_documents")
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


# --- The installer workspace: one installer's own catalog and team ------------------------------


def provider_items(*, provider: Provider) -> QuerySet[Item]:
    """An installer's items, active first, with their category, service locations and required
    documents loaded (three queries however many items)."""
    return (
        Item.objects.filter(provider=provider)
        .defer("search_vector")
        .select_related("category")
        .prefetch_related("locations", "required_documents")
        .order_by("-is_active", "name", "id")
    )


def provider_locations(*, provider: Provider) -> QuerySet[ServiceLocation]:
    """An installer's service locations, each with how many of its items it serves
    (`item_count`)."""
    return (
        ServiceLocation.objects.filter(provider=provider)
        .annotate(item_count=Count("items"))
        .order_by("city_name", "local_id")
    )


def provider_time_zone(provider: Provider) -> str:
    """The IANA zone the installer works in: its own, else that of its first located place ('' when
    it has neither: the site's default zone). One query when it sets none."""
    if provider.time_zone:
        return provider.time_zone
    located = provider.locations.exclude(time_zone="").order_by("id")
    return located.values_list("time_zone", flat=True).first() or ""


def provider_members(*, provider: Provider) -> QuerySet[ProviderMember]:
    """The people of an installer's team, owners first, with their sign-in."""
    Role = ProviderMember.Role
    rank = Case(
        When(role=Role.OWNER, then=Value(0)),
        When(role=Role.DISPATCHER, then=Value(1)),
        default=Value(2),
    )
    return (
        ProviderMember.objects.filter(provider=provider)
        .select_related("user")
        .order_by(rank, "user__email")
    )


def member_for_user(user: Any) -> ProviderMember | None:
    """The signed-in user's membership of an installer company, or None."""
    if not user.is_authenticated:
        return None
    return (
        ProviderMember.objects.select_related("provider", "user")
        .filter(user=user, provider__is_active=True)
        .first()
    )
