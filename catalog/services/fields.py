"""Helpers of the catalog's writers (and of orders' technician records): checked field
assignment, a validated save, a row re-read under lock for its owner."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from catalog.models import Provider


def validated_save(instance: Any) -> Any:
    """`instance` checked (full_clean: ValidationError) and saved."""
    instance.full_clean()
    instance.save()
    return instance


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
