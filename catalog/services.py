"""Writes to the catalog; the import format is documented in README ("Adding an installer")."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ProviderMember,
    ServiceLocation,
)
from catalog.synthetic import ProviderSpec, external_id_prefix, provider_specs
from catalog.taxonomy import CATEGORIES, DOCUMENT_TYPES
from catalog.tenancy import ROLE_PERMISSIONS, role_group_name


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


def _saved(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


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
    provider.is_active = bool(data.get("is_active", True))
    _saved(provider)

    provider.images.all().delete()
    for position, url in enumerate(data.get("images", [])):
        _saved(ProviderImage(provider=provider, url=url, position=position))

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
        locations[location.local_id] = _saved(location)

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
    item.is_active = bool(data.get("is_active", True))
    item.documents_required_before_confirm = bool(
        data.get("documents_required_before_confirm", item.documents_required_before_confirm)
    )
    _saved(item)

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


def _gps(value: str | None) -> tuple[Decimal | None, Decimal | None]:
    if not value:
        return None, None
    try:
        lat, lng = (Decimal(part.strip()) for part in value.split(","))
    except (ValueError, InvalidOperation):
        raise ValidationError(f"gps must be 'latitude,longitude', not {value!r}") from None
    return lat, lng


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
    result.providers += len(providers)
    result.locations += len(locations)
    result.items += len(rows)


def _links_create(through: Any, target: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Many-to-many rows (item_id, <target>) of an auto-created through model."""
    through.objects.bulk_create(
        (through(item_id=item_id, **{target: target_id}) for item_id, target_id in pairs),
        batch_size=5000,
    )


def role_group(role: str) -> Group:
    """The auth group of an installer role, with exactly the role's permissions (idempotent)."""
    group, _ = Group.objects.get_or_create(name=role_group_name(role))
    wanted = Q()
    for name in ROLE_PERMISSIONS[role]:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def member_add(
    *, provider: Provider, email: str, role: str, name: str = "", password: str | None = None
) -> ProviderMember:
    """Give a person (found or created by e-mail) a role in an installer company.

    Raises ValidationError when the person already works for another installer.
    """
    users = get_user_model()
    email = users.objects.normalize_email(email).lower()
    user = users.objects.filter(email__iexact=email).first()
    if user is None:
        first, _, last = name.partition(" ")
        user = users.objects.create_user(
            username=email, email=email, password=password, first_name=first, last_name=last
        )
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    member = ProviderMember.objects.filter(user=user).first()
    if member is not None and member.provider_id != provider.pk:
        raise ValidationError(f"{email} already works for another installer.")
    if member is None:
        member = ProviderMember.objects.create(user=user, provider=provider, role=role)
    return member_role_set(member=member, role=role)


def member_role_set(*, member: ProviderMember, role: str) -> ProviderMember:
    """Change a member's role; their auth groups follow."""
    user: AbstractBaseUser = member.user
    groups = [role_group(other) for other in ROLE_PERMISSIONS]
    user.groups.remove(*groups)  # type: ignore[attr-defined]
    user.groups.add(role_group(role))  # type: ignore[attr-defined]
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member
