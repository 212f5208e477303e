"""The catalog: a search intent to the catalog query it asks for, and providers with their items
to the catalog of on_search (and to the provider and items other answers show)."""

from typing import Any
from urllib.parse import urljoin

from django.conf import settings

from beckn.mapping.values import decimal_text, parse_gps, tag_group
from catalog.models import Category, Fulfillment, Item, Provider, ServiceLocation
from catalog.selectors import OfferQuery
from catalog.taxonomy import LocationType

JSON = dict[str, Any]


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


def _bool(value: bool) -> str:
    return "true" if value else "false"


def item_tags(item: Item) -> list[JSON]:
    """The guide's tag groups of an item, from its structured fields."""
    groups = []
    if item.system_capacity:
        groups.append(
            tag_group("system_specification", [("system_capacity", item.system_capacity)])
        )
    if item.property_type:
        label = LocationType(item.property_type).label
        groups.append(tag_group("installation_context", [("property_type", label)]))
    groups.append(tag_group("installer_details", [("empaneled", _bool(item.empaneled))]))
    groups.append(
        tag_group("financial_details", [("financial_assistance", _bool(item.financial_assistance))])
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
        groups.append(tag_group("installation_details", details))
    documents = list(item.required_documents.all())
    if documents:
        groups.append(
            tag_group(
                "documentation",
                [("required_docs", ", ".join(d.name for d in documents))],
                display=True,
            )
        )
    return groups


def item_json(item: Item, *, xinput: JSON | None = None) -> JSON:
    descriptor: JSON = {"code": item.code, "name": item.name}
    if item.short_desc:
        descriptor["short_desc"] = item.short_desc
    if item.long_desc:
        descriptor["long_desc"] = item.long_desc
    result: JSON = {
        "id": item.external_id,
        "descriptor": descriptor,
        "price": {
            "estimated_value": decimal_text(item.price_estimated_value),
            "currency": item.currency,
        },
        "category_ids": [str(item.category_id)],
        "location_ids": [location.local_id for location in item.locations.all()],
        "fulfillment_ids": [fulfillment.local_id for fulfillment in item.fulfillments.all()],
        "tags": item_tags(item),
    }
    if xinput is not None:
        result["xinput"] = xinput
    return result


def provider_summary(provider: Provider) -> JSON:
    descriptor: JSON = {"name": provider.name, "code": provider.code}
    if provider.short_desc:
        descriptor["short_desc"] = provider.short_desc
    if provider.long_desc:
        descriptor["long_desc"] = provider.long_desc
    images = [{"url": image.url} for image in provider.images.all()] or _pictures(provider)
    if images:
        descriptor["images"] = images
    return {"id": provider.external_id, "descriptor": descriptor}


def _pictures(provider: Provider) -> list[JSON]:
    """The installer's logo and photos as the descriptor's images (the guide's only place for
    them), when its catalog publishes no image URLs of its own."""
    urls = [provider.logo.url] if provider.logo else []
    urls += [photo.image.url for photo in provider.photos.all()]
    return [{"url": urljoin(settings.SITE_URL, url)} for url in urls]


def provider_header(provider: Provider) -> JSON:
    """A provider of on_search without its catalog: id, descriptor, tags and rating."""
    details = [("govt_subsidy_empaneled", _bool(provider.govt_subsidy_empaneled))]
    if provider.rating_value is not None and provider.rating_count:
        # How many ratings "rating" stands for (a rating imported without a count has none).
        details.append(("rating_count", str(provider.rating_count)))
    result: JSON = {
        **provider_summary(provider),
        "tags": [tag_group("provider-details", details)],
    }
    if provider.rating_value is not None:
        result["rating"] = f"{decimal_text(provider.rating_value)}/5"
    return result


def category_json(category: Category) -> JSON:
    """A category of a provider's catalog (on_search lists those its items use, by id)."""
    return {"id": str(category.pk), "descriptor": {"code": category.code, "name": category.name}}


def location_json(location: ServiceLocation) -> JSON:
    """A service location of a provider's catalog (listed by local id)."""
    city: JSON = {"name": location.city_name}
    if location.city_code:
        city["code"] = location.city_code
    result: JSON = {"id": location.local_id, "city": city}
    if location.latitude is not None and location.longitude is not None:
        result["gps"] = f"{decimal_text(location.latitude)},{decimal_text(location.longitude)}"
    if location.address:
        result["address"] = location.address
    if location.area_code:
        result["area_code"] = location.area_code
    return result


def fulfillment_json(fulfillment: Fulfillment) -> JSON:
    """A fulfillment of a provider's catalog (listed by local id)."""
    return {"id": fulfillment.local_id, "type": fulfillment.type}


def provider_json(provider: Provider, items: list[Item]) -> JSON:
    """A provider of on_search with the given items and the categories, locations and
    fulfillments they use."""
    result = provider_header(provider)
    categories = {item.category_id: item.category for item in items}
    locations = {loc.pk: loc for item in items for loc in item.locations.all()}
    fulfillments = {f.pk: f for item in items for f in item.fulfillments.all()}
    result["categories"] = [
        category_json(c) for c in sorted(categories.values(), key=lambda c: c.pk)
    ]
    result["locations"] = [
        location_json(loc) for loc in sorted(locations.values(), key=lambda loc: loc.local_id)
    ]
    result["fulfillments"] = [
        fulfillment_json(f) for f in sorted(fulfillments.values(), key=lambda f: f.local_id)
    ]
    result["items"] = [item_json(item) for item in items]
    return result


def catalog_message(providers: list[Provider]) -> JSON:
    """The message of an on_search for providers carrying their `matching_items`."""
    return {
        "catalog": {
            "providers": [provider_json(p, p.matching_items) for p in providers],
        }
    }


def support_json(provider: Provider, ref_id: str) -> JSON:
    """The message of an on_support: the installer's phone, email and support page."""
    support: JSON = {"ref_id": ref_id}
    if provider.contact_phone:
        support["phone"] = provider.contact_phone
    if provider.contact_email:
        support["email"] = provider.contact_email
    if provider.support_url:
        support["url"] = provider.support_url
    return {"support": support}
