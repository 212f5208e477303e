"""Homeowners' accounts (the web front door)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@transaction.atomic
def homeowner_create(
    *, email: str, name: str = "", password: str | None = None, password_hash: str = ""
) -> Any:
    """A homeowner's account, signed in by e-mail (their user name) with a password or a
    one-time link (no password: `password` None). `password_hash` is a password chosen and
    hashed earlier (on the sign-up page, before the address was confirmed). Raises
    ValidationError when the e-mail address has an account already."""
    users = get_user_model()
    email = users.objects.normalize_email(email).lower()
    if users.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"{email} has an account already.")
    first, _, last = name.strip().partition(" ")
    try:
        with transaction.atomic():
            user = users.objects.create_user(
                username=email, email=email, password=password, first_name=first, last_name=last
            )
            if password_hash:
                user.password = password_hash
                user.save(update_fields=["password"])
            return user
    except IntegrityError:  # the same address signed up at the same moment
        raise ValidationError(f"{email} has an account already.") from None
