"""Row locks of the catalog, taken in the domain's lock order (written in orders/lock_objects.py):
Providers first, then an installer's members or one of its own rows (an Item, a
ServiceLocation; orders edits its Technicians the same way), each kind by ascending id.

Each function must be called inside transaction.atomic: the locks last until it ends.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from catalog.models import Item, Provider, ProviderMember


def rows_lock(model: type[Model], ids: Iterable[Any]) -> list[Any]:
    """Lock the rows of `model` with these ids, by ascending id; their ids (any kind of row: the
    apps above lock theirs with it too)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        model._default_manager.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def providers_lock(provider_ids: Iterable[int]) -> list[int]:
    """Lock the installers' rows, by ascending id; their ids."""
    return rows_lock(Provider, provider_ids)


def owners_lock(provider: Provider) -> list[int]:
    """The ids of the provider's owners, their rows locked by ascending id."""
    return list(
        ProviderMember.objects.select_for_update()
        .filter(provider=provider, role=ProviderMember.Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def item_lock(item_id: int) -> Item:
    """The item re-read under its row lock."""
    return Item.objects.select_for_update().get(pk=item_id)


def owned_lock(model: type[Any], instance: Any, provider: Provider) -> Any:
    """`instance` (an installer's Item, ServiceLocation, Technician...) re-read under its row
    lock; ValidationError unless `provider` owns it."""
    locked = model.objects.select_for_update().get(pk=instance.pk)
    if locked.provider_id != provider.pk:
        raise ValidationError(f"This {model._meta.verbose_name} is another installer's.")
    return locked
