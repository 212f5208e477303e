"""Helpers of the catalog's writers (and of orders' technician records): checked field
assignment and a validated save."""

from collections.abc import Mapping
from typing import Any


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
