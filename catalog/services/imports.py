"""The catalog import (the format is documented in README, "Adding an installer") and the shared
taxonomy it needs."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ServiceLocation,
)
from catalog.services.fields import validated_save
from catalog.taxonomy import CATEGORIES, DOCUMENT_TYPES


def taxonomy_ensure() -> None:
    """Create or refresh the shared categories and document types (idempotent)."""
    for category_id, code, name, installation_type in CATEGORIES:
        Category.objects.update_or_create(
            id=category_id,
            defaults={"code": code, "name": name, "installation_type": installation_type},
        )
    for position, (code, name) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


@dataclass
class ImportResult:
    providers: int = 0
    items: int = 0
    provider_ids: list[str] = field(default_factory=list)


@transaction.atomic
def catalog_import(*, data: dict[str, Any]) -> ImportResult:
    """Create or update providers with their locations, fulfillments and items.

    Idempotent: importing the same data twice gives the same catalog. Rows are matched by their
    published ids; nothing absent from `data` is deleted. Raises ValidationError naming the
    offending entry; then nothing is written.
    """
    taxonomy_ensure()
    result = ImportResult()
    providers = data.get("providers")
    if not isinstance(providers, list):
        raise ValidationError("The catalog must have a list of 'providers'.")
    for index, provider_data in enumerate(providers):
        try:
            provider = _provider_import(provider_data)
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"providers[{index}]: missing or malformed field {exc}") from exc
        except ValidationError as exc:
            raise ValidationError(f"providers[{index}]: {'; '.join(exc.messages)}") from exc
        result.providers += 1
        result.items += len(provider_data.get("items", []))
        result.provider_ids.append(provider.external_id)
    return result


def _provider_import(data: dict[str, Any]) -> Provider:
    contact = data.get("contact", {})
    provider = Provider.objects.filter(external_id=data["id"]).first() or Provider(
        external_id=data["id"]
    )
    provider.code = data["code"]
    provider.name = data["name"]
    provider.short_desc = data.get("short_desc", "")
    provider.long_desc = data.get("long_desc", "")
    provider.govt_subsidy_empaneled = bool(data.get("govt_subsidy_empaneled", False))
    provider.contact_phone = contact.get("phone", "")
    provider.contact_email = contact.get("email", "")
    provider.support_url = contact.get("url", "")
    provider.rating_value = _decimal(data["rating"], "rating") if data.get("rating") else None
    provider.rating_count = int(data.get("rating_count", 0))
    provider.founded_year = _whole(data.get("founded_year"), "founded_year")
    provider.license_number = str(data.get("license_number", ""))
    provider.certifications = data.get("certifications", [])
    provider.is_active = bool(data.get("is_active", True))
    validated_save(provider)

    provider.images.all().delete()
    for position, url in enumerate(data.get("images", [])):
        validated_save(ProviderImage(provider=provider, url=url, position=position))

    locations = {}
    for location_data in data.get("locations", []):
        location = ServiceLocation.objects.filter(
            provider=provider, local_id=location_data["id"]
        ).first() or ServiceLocation(provider=provider, local_id=location_data["id"])
        location.city_name = location_data["city_name"]
        location.city_code = location_data.get("city_code", "")
        location.state = location_data.get("state", "")
        location.country_code = location_data.get("country_code", "USA")
        location.address = location_data.get("address", "")
        location.area_code = location_data.get("area_code", "")
        location.latitude, location.longitude = _gps(location_data.get("gps"))
        location.service_radius_km = _decimal(
            location_data.get("service_radius_km", 50), "service_radius_km"
        )
        locations[location.local_id] = validated_save(location)

    fulfillments = {}
    for fulfillment_data in data.get("fulfillments", []):
        fulfillment, _ = Fulfillment.objects.update_or_create(
            provider=provider,
            local_id=fulfillment_data["id"],
            defaults={"type": fulfillment_data.get("type", "ONSITE")},
        )
        fulfillment.full_clean()
        fulfillments[fulfillment.local_id] = fulfillment

    for item_data in data.get("items", []):
        _item_import(provider, item_data, locations=locations, fulfillments=fulfillments)
    return provider


def _item_import(
    provider: Provider,
    data: dict[str, Any],
    *,
    locations: dict[str, ServiceLocation],
    fulfillments: dict[str, Fulfillment],
) -> Item:
    category = Category.objects.filter(code=data["category"]).first()
    if category is None:
        raise ValidationError(f"item {data['id']}: unknown category {data['category']!r}")
    item = Item.objects.filter(provider=provider, external_id=data["id"]).first() or Item(
        provider=provider, external_id=data["id"]
    )
    item.code = data["code"]
    item.name = data["name"]
    item.short_desc = data.get("short_desc", "")
    item.long_desc = data.get("long_desc", "")
    item.category = category
    item.price_estimated_value = _decimal(data["price"], "price")
    item.currency = data.get("currency", "USD")
    item.system_capacity = data.get("system_capacity", "")
    item.property_type = data.get("property_type", "")
    item.empaneled = bool(data.get("empaneled", False))
    item.financial_assistance = bool(data.get("financial_assistance", False))
    item.installation_category = data.get("installation_category", "")
    item.complexity = data.get("complexity", "")
    item.equipment_type = data.get("equipment_type", "")
    equipment = _mapping(data.get("equipment"), "equipment")
    for piece in ("panel", "inverter", "battery"):
        described = _mapping(equipment.get(piece), f"equipment.{piece}")
        setattr(item, f"{piece}_make", str(described.get("make", "")))
        setattr(item, f"{piece}_model", str(described.get("model", "")))
    warranty = _mapping(data.get("warranty"), "warranty")
    item.product_warranty_years = _whole(warranty.get("product_years"), "product_years")
    item.workmanship_warranty_years = _whole(warranty.get("workmanship_years"), "workmanship_years")
    item.is_active = bool(data.get("is_active", True))
    item.documents_required_before_confirm = bool(
        data.get("documents_required_before_confirm", item.documents_required_before_confirm)
    )
    validated_save(item)

    item.locations.set([_by_id(locations, local_id, "location") for local_id in data["locations"]])
    item.fulfillments.set(
        [_by_id(fulfillments, local_id, "fulfillment") for local_id in data["fulfillments"]]
    )
    codes = data.get("required_documents", [])
    documents = {d.code: d for d in DocumentType.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(documents))
    if unknown:
        raise ValidationError(f"item {item.external_id}: unknown document types {unknown}")
    item.required_documents.set(documents.values())
    return item


def _by_id(rows: dict[str, Any], local_id: str, kind: str) -> Any:
    try:
        return rows[local_id]
    except KeyError:
        raise ValidationError(f"unknown {kind} id {local_id!r}") from None


def _decimal(value: Any, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{name} must be a number, not {value!r}") from None


def _mapping(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{name} must be an object, not {value!r}")
    return value


def _whole(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValidationError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _gps(value: str | None) -> tuple[Decimal | None, Decimal | None]:
    if not value:
        return None, None
    try:
        lat, lng = (Decimal(part.strip()) for part in value.split(","))
    except (ValueError, InvalidOperation):
        raise ValidationError(f"gps must be 'latitude,longitude', not {value!r}") from None
    return lat, lng
