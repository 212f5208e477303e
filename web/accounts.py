"""Signing in, for installer members and homeowners alike: the sign-in page asks for an e-mail
address (config.auth.EmailBackend finds it in any case), and signing in lands where the person
works (the installer workspace) or follows their orders. Wrong passwords are counted by
django-axes, and password-reset mails are limited per address and IP (web/throttling.py)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from catalog.selectors import member_for_user
from web.throttling import mail_request_refusal


class EmailAuthenticationForm(AuthenticationForm):
    username = UsernameField(
        label="E-mail",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Please enter a correct e-mail and password.",
    }


sign_in = LoginView.as_view(authentication_form=EmailAuthenticationForm)


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, with a limit on the mails sent per address and per IP."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        refusal = mail_request_refusal(
            self.request, purpose="password-reset", email=form.cleaned_data["email"]
        )
        return refusal or super().form_valid(form)


password_reset = ThrottledPasswordResetView.as_view()


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: installer members in their workspace, homeowners at their orders."""
    if member_for_user(request.user) is not None:
        return redirect("workspace:board")
    return redirect("orders:my-orders")
