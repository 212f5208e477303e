"""Synthetic catalogs (catalog.synthetic) written in bulk, for demos and benchmarks."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog import zones
from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ServiceLocation,
)
from catalog.services.imports import taxonomy_ensure
from catalog.signals import catalog_changed_send
from catalog.synthetic import ProviderSpec, external_id_prefix, provider_specs


@dataclass
class GenerateResult:
    providers: int = 0
    locations: int = 0
    items: int = 0


@transaction.atomic
def catalog_generate(
    *, items: int, providers: int, seed: int, batch_items: int = 5000
) -> GenerateResult:
    """Add `providers` synthetic installers with `items` items in all (catalog.synthetic).

    The same seed gives the same catalog (external ids start with `gen-s<seed>-`); a seed
    already loaded is refused with ValidationError. Rows are written with bulk_create, about
    `batch_items` items at a time, in one transaction. Generated rows are valid but not
    full_clean()ed one by one: that is what keeps 100k items fast.
    """
    if providers < 1 or items < providers:
        raise ValidationError("Need at least one provider and at least one item per provider.")
    if Provider.objects.filter(external_id__startswith=external_id_prefix(seed)).exists():
        raise ValidationError(f"The catalog of seed {seed} is already loaded.")
    taxonomy_ensure()
    categories = dict(Category.objects.values_list("code", "pk"))
    documents = dict(DocumentType.objects.values_list("code", "pk"))
    result = GenerateResult()
    chunk: list[ProviderSpec] = []
    chunk_items = 0
    for spec in provider_specs(items=items, providers=providers, seed=seed):
        chunk.append(spec)
        chunk_items += len(spec.items)
        if chunk_items >= batch_items:
            _generated_write(chunk, result, categories=categories, documents=documents)
            chunk, chunk_items = [], 0
    if chunk:
        _generated_write(chunk, result, categories=categories, documents=documents)
    return result


def _generated_write(
    specs: list[ProviderSpec],
    result: GenerateResult,
    *,
    categories: dict[str, int],
    documents: dict[str, int],
) -> None:
    """Write some providers with everything they own; rows come back with their pks."""
    providers = Provider.objects.bulk_create(
        Provider(
            external_id=spec.external_id,
            code=spec.code,
            name=spec.name,
            short_desc=spec.short_desc,
            long_desc=spec.long_desc,
            govt_subsidy_empaneled=spec.govt_subsidy_empaneled,
            contact_phone=spec.contact_phone,
            contact_email=spec.contact_email,
            support_url=spec.support_url,
            rating_value=spec.rating_value,
            rating_count=spec.rating_count,
            is_active=spec.is_active,
        )
        for spec in specs
    )
    ProviderImage.objects.bulk_create(
        ProviderImage(provider=provider, url=url, position=position)
        for provider, spec in zip(providers, specs, strict=True)
        for position, url in enumerate(spec.images)
    )
    locations = ServiceLocation.objects.bulk_create(
        ServiceLocation(
            provider=provider,
            local_id=loc.local_id,
            city_name=loc.city_name,
            city_code=loc.city_code,
            state=loc.state,
            address=loc.address,
            area_code=loc.area_code,
            latitude=loc.latitude,
            longitude=loc.longitude,
            time_zone=zones.zone_at(latitude=loc.latitude, longitude=loc.longitude),
            service_radius_km=loc.service_radius_km,
        )
        for provider, spec in zip(providers, specs, strict=True)
        for loc in spec.locations
    )
    location_ids = {(loc.provider_id, loc.local_id): loc.pk for loc in locations}
    fulfillments = Fulfillment.objects.bulk_create(
        Fulfillment(provider=provider, local_id="1") for provider in providers
    )
    fulfillment_ids = {f.provider_id: f.pk for f in fulfillments}
    pairs = [
        (provider, item)
        for provider, spec in zip(providers, specs, strict=True)
        for item in spec.items
    ]
    rows = Item.objects.bulk_create(
        (
            Item(
                provider=provider,
                external_id=i.external_id,
                code=i.code,
                name=i.name,
                short_desc=i.short_desc,
                category_id=categories[i.category_code],
                price_estimated_value=i.price,
                system_capacity=i.system_capacity,
                property_type=i.property_type,
                empaneled=i.empaneled,
                financial_assistance=i.financial_assistance,
                installation_category=i.installation_category,
                complexity=i.complexity,
                equipment_type=i.equipment_type,
                is_active=i.is_active,
            )
            for provider, i in pairs
        ),
        batch_size=1000,
    )
    _links_create(
        Item.locations.through,
        "servicelocation_id",
        (
            (row.pk, location_ids[(row.provider_id, local_id)])
            for row, (_, spec) in zip(rows, pairs, strict=True)
            for local_id in spec.location_ids
        ),
    )
    _links_create(
        Item.fulfillments.through,
        "fulfillment_id",
        ((row.pk, fulfillment_ids[row.provider_id]) for row in rows),
    )
    _links_create(
        Item.required_documents.through,
        "documenttype_id",
        (
            (row.pk, documents[code])
            for row, (_, spec) in zip(rows, pairs, strict=True)
            for code in spec.document_codes
        ),
    )
    # bulk_create sends no model signals: say what was written.
    catalog_changed_send(
        sender=Provider,
        provider_ids=[provider.pk for provider in providers],
        item_ids=[row.pk for row in rows],
        created=True,
    )
    result.providers += len(providers)
    result.locations += len(locations)
    result.items += len(rows)


def _links_create(through: Any, target: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Many-to-many rows (item_id, <target>) of an auto-created through model."""
    through.objects.bulk_create(
        (through(item_id=item_id, **{target: target_id}) for item_id, target_id in pairs),
        batch_size=5000,
    )
