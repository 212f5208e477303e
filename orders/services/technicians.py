"""An installer's technicians (the installer workspace): their records, their certifications and
who signs in as them."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.lock_objects import owned_lock
from catalog.models import Provider
from catalog.services import fields_assign
from orders.lock_objects import technician_lock
from orders.models import Technician, TechnicianCertification

# The fields of a technician its installer edits (technician_save's `values`).
TECHNICIAN_FIELDS = ("name", "phone", "email", "technician_type", "is_active")


@transaction.atomic
def technician_save(
    *, provider: Provider, values: Mapping[str, Any], technician: Technician | None = None
) -> Technician:
    """Create a technician of `provider` (or change `technician`) from TECHNICIAN_FIELDS.

    A technician made inactive keeps the orders already assigned to them and gets no new one.
    Raises ValidationError with field names.
    """
    if technician is None:
        technician = Technician(provider=provider)
    else:
        technician = owned_lock(Technician, technician, provider)
    fields_assign(technician, values, TECHNICIAN_FIELDS)
    technician.full_clean()
    technician.save()
    return technician


@transaction.atomic
def certification_add(
    *, technician: Technician, name: str, valid_until: date, issuer: str = "", number: str = ""
) -> TechnicianCertification:
    """Record a certification a technician holds, valid until the given day (included)."""
    certification = TechnicianCertification(
        technician=technician, name=name, issuer=issuer, number=number, valid_until=valid_until
    )
    certification.full_clean()
    certification.save()
    return certification


@transaction.atomic
def certification_remove(*, certification: TechnicianCertification) -> None:
    certification.delete()


@transaction.atomic
def technician_user_set(
    *, provider: Provider, user: AbstractBaseUser, technician: Technician | None
) -> None:
    """Make `technician` the technician record `user` signs in as (None: no record): a
    technician member of the workspace sees the orders assigned to it. Raises ValidationError
    for another installer's technician or one that already signs in as someone else."""
    if technician is not None:
        technician = technician_lock(technician.pk)
        if technician.provider_id != provider.pk:
            raise ValidationError({"technician": "This technician works for another installer."})
        if technician.user_id not in (None, user.pk):
            raise ValidationError(
                {"technician": f"{technician.name} already signs in as someone else."}
            )
    others = Technician.objects.filter(user=user)
    if technician is not None:
        others = others.exclude(pk=technician.pk)
    others.update(user=None)
    if technician is not None and technician.user_id != user.pk:
        technician.user = user
        technician.save(update_fields=["user"])
