"""Signing in, for installer members and homeowners alike: the sign-in page asks for an e-mail
address (config.auth.EmailBackend finds it in any case), and signing in lands where the person
works (the installer workspace) or follows their orders."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from catalog.selectors import member_for_user


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


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: installer members in their workspace, homeowners at their orders."""
    if member_for_user(request.user) is not None:
        return redirect("workspace:board")
    return redirect("orders:my-orders")
