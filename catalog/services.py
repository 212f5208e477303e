"""Writes to the catalog; the import format is documented in README ("Adding an installer")."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
from catalog.selectors import MAX_SERVICE_RADIUS_KM
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


# --- The installer workspace: an installer's own catalog and team ------------------------------

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


def fields_assign(instance: Any, values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    """Set `values` on `instance`; a TypeError for a field that is not `allowed`."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(unknown)}")
    for name, value in values.items():
        setattr(instance, name, value)


def owned_locked(model: type[Any], instance: Any, provider: Provider) -> Any:
    """`instance` re-read under a row lock, refused unless `provider` owns it."""
    locked = model.objects.select_for_update().get(pk=instance.pk)
    if locked.provider_id != provider.pk:
        raise ValidationError(f"This {model._meta.verbose_name} is another installer's.")
    return locked


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
    item = Item(provider=provider) if item is None else owned_locked(Item, item, provider)
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
    _saved(item)
    item.locations.set(locations)
    item.required_documents.set(required_documents)
    if created:
        fulfillments = list(Fulfillment.objects.filter(provider=provider))
        if not fulfillments:
            fulfillments = [_saved(Fulfillment(provider=provider, local_id="1"))]
        item.fulfillments.set(fulfillments)
    return item


@transaction.atomic
def item_active_set(*, item: Item, is_active: bool) -> Item:
    """Offer an item on the network again, or stop offering it (its orders are kept)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
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
        location = owned_locked(ServiceLocation, location, provider)
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
    return _saved(location)


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


@transaction.atomic
def member_invite(*, provider: Provider, email: str, role: str, name: str = "") -> ProviderMember:
    """Add a person to an installer's team (member_add) and e-mail them, once the transaction
    commits, a link to choose their password (Django's password reset confirmation page).

    Raises ValidationError when they already are in this team or work for another installer.
    """
    normalized = get_user_model().objects.normalize_email(email).lower()
    team = ProviderMember.objects.filter(provider=provider)
    if team.filter(user__email__iexact=normalized).exists():
        raise ValidationError({"email": f"{normalized} is already in your team."})
    try:
        member = member_add(provider=provider, email=normalized, role=role, name=name)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    transaction.on_commit(lambda: member_invitation_send(member_id=member.pk))
    return member


def member_invitation_send(*, member_id: int) -> None:
    """E-mail a member the link that lets them choose a password and sign in."""
    member = ProviderMember.objects.select_related("user", "provider").get(pk=member_id)
    user = member.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "member": member,
        "provider": member.provider,
        "url": settings.SITE_URL.rstrip("/") + path,
        "sign_in_url": settings.SITE_URL.rstrip("/") + reverse("login"),
    }
    subject = render_to_string("workspace/team/invitation_subject.txt", context)
    body = render_to_string("workspace/team/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def _owners_locked(provider: Provider) -> list[int]:
    """The ids of the provider's owners, their rows locked until the transaction ends."""
    return list(
        ProviderMember.objects.select_for_update()
        .filter(provider=provider, role=ProviderMember.Role.OWNER)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def member_update(*, member: ProviderMember, role: str) -> ProviderMember:
    """Change a member's role; the last owner of an installer stays an owner."""
    owners = _owners_locked(member.provider)
    if role != ProviderMember.Role.OWNER and owners == [member.pk]:
        raise ValidationError(
            {"role": "This is the last owner of the company: make someone else an owner first."}
        )
    return member_role_set(member=member, role=role)


@transaction.atomic
def member_remove(*, member: ProviderMember) -> None:
    """Take a person off an installer's team: their role's permissions go with it (their
    account stays, e.g. for their own orders). The last owner cannot be removed."""
    owners = _owners_locked(member.provider)
    if owners == [member.pk]:
        raise ValidationError(
            "This is the last owner of the company: make someone else an owner first."
        )
    member.user.groups.remove(*(role_group(role) for role in ROLE_PERMISSIONS))
    member.delete()
