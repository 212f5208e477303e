"""Who may open a workspace page: every workspace view is wrapped in
`installer_view(permission)`, which admits only members of an installer company whose role
(catalog.tenancy: a Django auth group holding model permissions) grants the permission and puts
the member on `request.member`. Selectors then scope every query to `request.member.provider`,
so another tenant's ids answer 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from catalog.selectors import member_for_user


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
