"""Installer workspace tenancy: who works for which provider, and what their role lets them do.

Roles are Django auth groups holding model permissions; every workspace view is wrapped in
`installer_view(permission)`, which admits only members of an installer company whose role
grants the permission and puts the member on `request.member`. Selectors then scope every
query to `request.member.provider`, so another tenant's ids answer 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from catalog.models import ProviderMember

Role = ProviderMember.Role

_TECHNICIAN = ("orders.view_order", "orders.change_order")
_DISPATCHER = (
    *_TECHNICIAN,
    "orders.view_technician",
    "orders.add_technician",
    "orders.change_technician",
    "documents.view_document",
    "documents.change_document",
    "catalog.view_item",
    "catalog.view_provider",
)
_OWNER = (
    *_DISPATCHER,
    "catalog.add_item",
    "catalog.change_item",
    "catalog.change_provider",
    "catalog.view_providermember",
    "catalog.add_providermember",
    "catalog.change_providermember",
    "catalog.delete_providermember",
    "ratings.view_rating",
    "ratings.change_rating",
)

# The permissions each role's group holds ("app_label.codename").
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.OWNER: _OWNER,
    Role.DISPATCHER: _DISPATCHER,
    Role.TECHNICIAN: _TECHNICIAN,
}


def role_group_name(role: str) -> str:
    return f"Installer {Role(role).label.lower()}s"


def member_for_user(user: Any) -> ProviderMember | None:
    """The signed-in user's membership of an installer company, or None."""
    if not user.is_authenticated:
        return None
    return (
        ProviderMember.objects.select_related("provider", "user")
        .filter(user=user, provider__is_active=True)
        .first()
    )


def installer_view(permission: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Admit installer members whose role grants `permission`; sets `request.member`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member = member_for_user(request.user)
            if member is None or not request.user.has_perm(permission):
                raise PermissionDenied
            request.member = member  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
