"""The admin site, with a second factor: with OTP_ENABLED, a staff member who has a confirmed
TOTP device (django-otp, added in the admin under "TOTP devices") gives its code with the
password, and no page of the admin opens to a session that has not. Staff never sign in by an
e-mail link (web/homeowner/accounts.py)."""

from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm


def _has_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


class SecondFactorAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin's sign-in: the password, and the device's code when the person has one."""

    def clean_otp(self, user: Any) -> None:
        if settings.OTP_ENABLED and user is not None and _has_device(user):
            super().clean_otp(user)


class SecondFactorAdminSite(AdminSite):
    login_form = SecondFactorAuthenticationForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        return not settings.OTP_ENABLED or user.is_verified() or not _has_device(user)
