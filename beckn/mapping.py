"""The one mapping between Beckn messages and the domain: intents in, catalogs and contexts out.

Shapes follow the DEG installation guide (shared/seed) field by field.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from beckn.keys import Identity
from beckn.serializers import parse_gps
from catalog.models import Item, Provider
from catalog.selectors import OfferQuery
from catalog.taxonomy import LocationType

JSON = dict[str, Any]


def timestamp_now() -> str:
    """The current time as RFC 3339 in UTC with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def callback_url(bap_uri: str, action: str) -> str:
    """Where the answer to `action` goes: the caller's bap_uri with /on_<action> appended."""
    return f"{bap_uri.rstrip('/')}/on_{action}"


def callback_context(request_context: JSON, *, identity: Identity, message_id: str) -> JSON:
    """The context of our answer to a request: its ids echoed, our identity, a fresh timestamp."""
    context = {
        "domain": request_context["domain"],
        "action": f"on_{request_context['action']}",
        "version": request_context["version"],
        "bap_id": request_context["bap_id"],
        "bap_uri": request_context["bap_uri"],
        "bpp_id": identity.subscriber_id,
        "bpp_uri": identity.subscriber_url,
        "transaction_id": request_context["transaction_id"],
        "message_id": message_id,
        "timestamp": timestamp_now(),
        "ttl": request_context.get("ttl", "PT30S"),
    }
    if "location" in request_context:
        context["location"] = request_context["location"]
    return context


def offer_query(intent: JSON) -> OfferQuery:
    """The catalog query a search intent asks for (the intent is already validated)."""
    provider = intent.get("provider") or {}
    category = intent.get("category") or {}
    item = intent.get("item") or {}
    fulfillment = intent.get("fulfillment") or {}
    stops = fulfillment.get("stops") or []
    location = (stops[0].get("location") if stops else None) or {}
    city = location.get("city") or {}
    latitude = longitude = None
    if location.get("gps"):
        latitude, longitude = parse_gps(location["gps"])
    text = " ".join(filter(None, [(intent.get("descriptor") or {}).get("name"), _name(item)]))
    return OfferQuery(
        text=text,
        provider_external_id=provider.get("id", ""),
        provider_name=_name(provider),
        category_code=(category.get("descriptor") or {}).get("code", ""),
        category_id=category.get("id", ""),
        item_external_id=item.get("id", ""),
        fulfillment_type=fulfillment.get("type", ""),
        latitude=latitude,
        longitude=longitude,
        city_code=city.get("code", ""),
        city_name=city.get("name", ""),
    )


def _name(entity: JSON) -> str:
    return (entity.get("descriptor") or {}).get("name", "")


def _decimal(value: Decimal) -> str:
    """85000.00 -> "85000", 1450.50 -> "1450.5"."""
    text = format(value.normalize(), "f")
    return text


def _tag_group(
    code: str, entries: Iterable[tuple[str, str]], *, display: bool | None = None
) -> JSON:
    group: JSON = {"descriptor": {"code": code}}
    if display is not None:
        group["display"] = display
    group["list"] = [{"descriptor": {"code": c}, "value": v} for c, v in entries]
    return group


def _bool(value: bool) -> str:
    return "true" if value else "false"


def item_tags(item: Item) -> list[JSON]:
    """The guide's tag groups of an item, from its structured fields."""
    groups = []
    if item.system_capacity:
        groups.append(
            _tag_group("system_specification", [("system_capacity", item.system_capacity)])
        )
    if item.property_type:
        label = LocationType(item.property_type).label
        groups.append(_tag_group("installation_context", [("property_type", label)]))
    groups.append(_tag_group("installer_details", [("empaneled", _bool(item.empaneled))]))
    groups.append(
        _tag_group(
            "financial_details", [("financial_assistance", _bool(item.financial_assistance))]
        )
    )
    details = [
        (code, value)
        for code, value in (
            ("installation_category", item.installation_category),
            ("installation_complexity", item.complexity),
            ("equipment_type", item.equipment_type),
        )
        if value
    ]
    if details:
        groups.append(_tag_group("installation_details", details))
    documents = list(item.required_documents.all())
    if documents:
        groups.append(
            _tag_group(
                "documentation",
                [("required_docs", ", ".join(d.name for d in documents))],
                display=True,
            )
        )
    return groups


def item_json(item: Item) -> JSON:
    descriptor: JSON = {"code": item.code, "name": item.name}
    if item.short_desc:
        descriptor["short_desc"] = item.short_desc
    if item.long_desc:
        descriptor["long_desc"] = item.long_desc
    return {
        "id": item.external_id,
        "descriptor": descriptor,
        "price": {
            "estimated_value": _decimal(item.price_estimated_value),
            "currency": item.currency,
        },
        "category_ids": [str(item.category_id)],
        "location_ids": [location.local_id for location in item.locations.all()],
        "fulfillment_ids": [fulfillment.local_id for fulfillment in item.fulfillments.all()],
        "tags": item_tags(item),
    }


def provider_json(provider: Provider, items: list[Item]) -> JSON:
    """A provider of on_search with the given items and the categories, locations and
    fulfillments they use."""
    descriptor: JSON = {"name": provider.name, "code": provider.code}
    if provider.short_desc:
        descriptor["short_desc"] = provider.short_desc
    if provider.long_desc:
        descriptor["long_desc"] = provider.long_desc
    images = [{"url": image.url} for image in provider.images.all()]
    if images:
        descriptor["images"] = images
    result: JSON = {
        "id": provider.external_id,
        "descriptor": descriptor,
        "tags": [
            _tag_group(
                "provider-details",
                [("govt_subsidy_empaneled", _bool(provider.govt_subsidy_empaneled))],
            )
        ],
    }
    if provider.rating_value is not None:
        result["rating"] = f"{_decimal(provider.rating_value)}/5"
    categories = {item.category_id: item.category for item in items}
    locations = {loc.pk: loc for item in items for loc in item.locations.all()}
    fulfillments = {f.pk: f for item in items for f in item.fulfillments.all()}
    result["categories"] = [
        {"id": str(c.pk), "descriptor": {"code": c.code, "name": c.name}}
        for c in sorted(categories.values(), key=lambda c: c.pk)
    ]
    result["locations"] = [
        _location_json(loc) for loc in sorted(locations.values(), key=lambda loc: loc.local_id)
    ]
    result["fulfillments"] = [
        {"id": f.local_id, "type": f.type}
        for f in sorted(fulfillments.values(), key=lambda f: f.local_id)
    ]
    result["items"] = [item_json(item) for item in items]
    return result


def _location_json(location: Any) -> JSON:
    city: JSON = {"name": location.city_name}
    if location.city_code:
        city["code"] = location.city_code
    result: JSON = {"id": location.local_id, "city": city}
    if location.latitude is not None and location.longitude is not None:
        result["gps"] = f"{_decimal(location.latitude)},{_decimal(location.longitude)}"
    if location.address:
        result["address"] = location.address
    if location.area_code:
        result["area_code"] = location.area_code
    return result


def catalog_message(providers: list[Provider]) -> JSON:
    """The message of an on_search for providers carrying their `matching_items`."""
    return {
        "catalog": {
            "providers": [provider_json(p, p.matching_items) for p in providers],
        }
    }
