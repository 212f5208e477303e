"""The installer workspace's writes of its own catalog: items and service locations."""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.lock_objects import item_lock, owned_lock
from catalog.models import DocumentType, Fulfillment, Item, Provider, ServiceLocation
from catalog.selectors import MAX_SERVICE_RADIUS_KM
from catalog.services.fields import fields_assign, validated_save

# What goes on the roof: the equipment's makes and models, and the warranties.
EQUIPMENT_FIELDS = (
    "panel_make",
    "panel_model",
    "inverter_make",
    "inverter_model",
    "battery_make",
    "battery_model",
    "product_warranty_years",
    "workmanship_warranty_years",
)
# The fields of an item its installer edits in the workspace (item_save's `values`).
ITEM_FIELDS = (
    "name",
    "external_id",
    "code",
    "category",
    "short_desc",
    "long_desc",
    "price_estimated_value",
    "currency",
    "system_capacity",
    "property_type",
    "installation_category",
    "complexity",
    "equipment_type",
    *EQUIPMENT_FIELDS,
    "empaneled",
    "financial_assistance",
    "documents_required_before_confirm",
)
# The fields of a service location its installer edits (service_location_save's `values`).
LOCATION_FIELDS = (
    "city_name",
    "city_code",
    "state",
    "country_code",
    "address",
    "area_code",
    "latitude",
    "longitude",
    "service_radius_km",
    "local_id",
)


def item_problems(
    *,
    provider: Provider,
    price: Decimal | None,
    locations: list[ServiceLocation],
    required_documents: list[DocumentType],
    documents_required_before_confirm: bool,
) -> dict[str, str]:
    """What is wrong with an item, by field name ({} when nothing is): a price not above zero,
    no service location or another installer's, documents required before confirmation
    without any document. The workspace's form shows them as it checks the rest."""
    problems: dict[str, str] = {}
    if price is not None and price <= 0:
        problems["price_estimated_value"] = "Enter a price above zero."
    if not locations:
        problems["locations"] = "Choose at least one service location."
    elif any(location.provider_id != provider.pk for location in locations):
        problems["locations"] = "Choose among your own service locations."
    if documents_required_before_confirm and not required_documents:
        problems["documents_required_before_confirm"] = (
            "Choose the required documents, or let them come after the confirmation."
        )
    return problems


@transaction.atomic
def item_save(
    *,
    provider: Provider,
    values: Mapping[str, Any],
    locations: Iterable[ServiceLocation],
    required_documents: Iterable[DocumentType],
    item: Item | None = None,
) -> Item:
    """Create an item of `provider` (or change `item`) with the given ITEM_FIELDS `values`, the
    service locations it is offered at and the documents it requires.

    A new item is delivered by the provider's fulfillments (an onsite visit is created for a
    provider that has none). Its search document follows on its own (database triggers on
    PostgreSQL, the live columns on SQLite). Raises ValidationError, with field names, for
    item_problems, an item id the provider already uses, or a changed item id (buyer apps know
    the item by it).
    """
    item = Item(provider=provider) if item is None else owned_lock(Item, item, provider)
    published_id = item.external_id
    fields_assign(item, values, ITEM_FIELDS)
    locations, required_documents = list(locations), list(required_documents)
    errors = item_problems(
        provider=provider,
        price=item.price_estimated_value,
        locations=locations,
        required_documents=required_documents,
        documents_required_before_confirm=item.documents_required_before_confirm,
    )
    same_id = Item.objects.filter(provider=provider, external_id=item.external_id)
    if item.pk is not None and item.external_id != published_id:
        errors["external_id"] = "An item's id is published on the network: it cannot change."
    elif same_id.exclude(pk=item.pk).exists():
        errors["external_id"] = f"You already have an item {item.external_id}."
    if errors:
        raise ValidationError(errors)
    created = item.pk is None
    validated_save(item)
    item.locations.set(locations)
    item.required_documents.set(required_documents)
    if created:
        fulfillments = list(Fulfillment.objects.filter(provider=provider))
        if not fulfillments:
            fulfillments = [validated_save(Fulfillment(provider=provider, local_id="1"))]
        item.fulfillments.set(fulfillments)
    return item


@transaction.atomic
def item_active_set(*, item: Item, is_active: bool) -> Item:
    """Offer an item on the network again, or stop offering it (its orders are kept)."""
    item = item_lock(item.pk)
    if item.is_active != is_active:
        item.is_active = is_active
        item.save(update_fields=["is_active", "updated_at"])
    return item


def location_problems(
    *, service_radius_km: Decimal | None, latitude: Decimal | None, longitude: Decimal | None
) -> dict[str, str]:
    """What is wrong with a service location, by field name ({} when nothing is): a radius not
    above zero or beyond what search covers (MAX_SERVICE_RADIUS_KM), or half a GPS position."""
    problems: dict[str, str] = {}
    radius = service_radius_km
    if radius is not None and not 0 < radius <= MAX_SERVICE_RADIUS_KM:
        problems["service_radius_km"] = (
            f"Enter a radius above 0 and at most {MAX_SERVICE_RADIUS_KM} km."
        )
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        problems[missing] = "Give both latitude and longitude, or neither."
    return problems


@transaction.atomic
def service_location_save(
    *, provider: Provider, values: Mapping[str, Any], location: ServiceLocation | None = None
) -> ServiceLocation:
    """Create a service location of `provider` (or change `location`) from LOCATION_FIELDS.

    A new location without a `local_id` gets the next free number. Raises ValidationError,
    with field names, for location_problems or a location id the provider already uses.
    """
    if location is None:
        location = ServiceLocation(provider=provider)
    else:
        location = owned_lock(ServiceLocation, location, provider)
    fields_assign(location, values, LOCATION_FIELDS)
    if not location.local_id:
        location.local_id = _next_local_id(provider)
    errors = location_problems(
        service_radius_km=location.service_radius_km,
        latitude=location.latitude,
        longitude=location.longitude,
    )
    same_id = ServiceLocation.objects.filter(provider=provider, local_id=location.local_id)
    if same_id.exclude(pk=location.pk).exists():
        errors["local_id"] = f"You already have a service location {location.local_id}."
    if errors:
        raise ValidationError(errors)
    return validated_save(location)


def _next_local_id(provider: Provider) -> str:
    """One more than the provider's highest numeric location id ("1" for its first)."""
    numbers = [
        int(local_id)
        for local_id in ServiceLocation.objects.filter(provider=provider).values_list(
            "local_id", flat=True
        )
        if local_id.isdigit()
    ]
    return str(max(numbers, default=0) + 1)
