"""Homeowner accounts: sign up with an e-mail address and a password, or sign in (or up) with a
one-time link sent by e-mail.

A sign-in link carries a token made with django.core.signing (our own salt): the e-mail address,
where to go next, and a fingerprint of the account's sign-in state (its password hash and last
sign-in). It expires after EMAIL_LINK_MAX_AGE; signing in changes the last sign-in, so a link
works once. Opening the link shows a button: signing in takes a POST, so that mail scanners that
fetch links do not use it up. Asking for a link answers the same whether the address has an
account or not; following a link for an address without one creates the account.

Signing up answers "check your email" whatever the address: a new address gets a link that
creates the account (with the name and the password hash the form was given) once followed; an
address that has an account gets a note saying how to sign in. Staff and superusers sign in with
their password only: asking for a link for them mails a note saying so, and no link signs them
in. Links are limited per address and per client IP (web/throttling.py).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from orders.services import homeowner_create
from web.homeowner.account_forms import EmailLinkForm, SignUpForm
from web.throttling import mail_request_refusal

SALT = "sunbeckn.orders.email-link"
EMAIL_LINK_MAX_AGE = timedelta(minutes=20)


class LinkRefused(Exception):
    """The link is forged, expired or used; the message says so in words for the homeowner."""


@dataclass(frozen=True)
class LinkClaim:
    email: str
    next_url: str
    name: str = ""
    password_hash: str = ""


def safe_next(request: HttpRequest, candidate: str) -> str:
    """`candidate` if it is a path on this site, else ''."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _account(email: str) -> Any:
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def _state(email: str) -> str:
    """A fingerprint of the address's sign-in state: it changes when the account is created,
    signs in, or changes its password."""
    user = _account(email)
    value = f"{user.pk}|{user.password}|{user.last_login!s}|{user.is_active}" if user else "none"
    return salted_hmac(SALT, f"{email}|{value}").hexdigest()[:32]


def _signs_in_by_password_only(user: Any) -> bool:
    return user is not None and (user.is_staff or user.is_superuser)


def email_link_token(
    email: str, next_url: str = "", *, name: str = "", password_hash: str = ""
) -> str:
    payload = {"e": email, "s": _state(email), "n": next_url}
    if password_hash:  # a sign-up's: the account it creates
        payload.update(m=name, h=password_hash)
    return signing.dumps(payload, salt=SALT)


def email_link_check(token: str) -> LinkClaim:
    """What a sign-in link's token claims, if it still may. Raises LinkRefused."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=EMAIL_LINK_MAX_AGE)
        email, state, next_url = str(payload["e"]), str(payload["s"]), str(payload.get("n", ""))
        name, password_hash = str(payload.get("m", "")), str(payload.get("h", ""))
    except signing.SignatureExpired:
        raise LinkRefused("This sign-in link has expired. Ask for a new one below.") from None
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkRefused("This sign-in link is not valid. Ask for a new one below.") from None
    if state != _state(email):
        raise LinkRefused("This sign-in link has been used already. Ask for a new one below.")
    user = _account(email)
    if user is not None and not user.is_active:
        raise LinkRefused("This account is disabled.")
    if _signs_in_by_password_only(user):
        raise LinkRefused("This account signs in with its password only.")
    return LinkClaim(email=email, next_url=next_url, name=name, password_hash=password_hash)


def _asked_next(request: HttpRequest) -> str:
    """Where the form (or its link) asks to go on to after signing in, if it is on this site."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


def _link_refused(request: HttpRequest, message: str) -> HttpResponse:
    context = {"error": message, "form": EmailLinkForm()}
    return render(request, "registration/email_link_sign_in.html", context, status=400)


def _mail(template: str, subject: str, email: str, context: dict[str, Any]) -> None:
    send_mail(subject, render_to_string(template, context), None, [email])


def _link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("orders:email-link-sign-in", args=[token])


def _site_url(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign up (name, e-mail, password): the account is made when the link mailed to the
    address is followed. The page answers the same whether the address has an account."""
    next_url = _asked_next(request)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refusal = mail_request_refusal(request, purpose="signup", email=email)
        if refusal is not None:
            return refusal
        minutes = int(EMAIL_LINK_MAX_AGE.total_seconds() // 60)
        if _account(email) is None:
            token = email_link_token(
                email,
                next_url,
                name=form.cleaned_data["name"],
                password_hash=make_password(form.cleaned_data["password1"]),
            )
            context = {"link": _link(token), "minutes": minutes}
            _mail("registration/signup_email.txt", "Confirm your Sunbeckn account", email, context)
        else:
            context = {
                "sign_in": _site_url("login"),
                "reset": _site_url("password_reset"),
            }
            _mail(
                "registration/signup_exists_email.txt",
                "Someone tried to sign up with your address",
                email,
                context,
            )
        return render(request, "registration/email_link_sent.html", {"email": email})
    status = 400 if form.errors else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": next_url}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_link(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time sign-in link by e-mail."""
    next_url = _asked_next(request)
    form = EmailLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refusal = mail_request_refusal(request, purpose="email-link", email=email)
        if refusal is not None:
            return refusal
        account = _account(email)
        if _signs_in_by_password_only(account):
            context = {"sign_in": _site_url("login"), "reset": _site_url("password_reset")}
            _mail(
                "registration/email_link_staff_email.txt",
                "Sign in with your password",
                email,
                context,
            )
            return render(request, "registration/email_link_sent.html", {"email": email})
        context = {
            "link": _link(email_link_token(email, next_url)),
            "minutes": int(EMAIL_LINK_MAX_AGE.total_seconds() // 60),
            "has_account": account is not None,
        }
        send_mail(
            render_to_string("registration/email_link_subject.txt", context).strip(),
            render_to_string("registration/email_link_email.txt", context),
            None,
            [email],
        )
        return render(request, "registration/email_link_sent.html", {"email": email})
    status = 400 if form.errors else 200
    return render(
        request,
        "registration/email_link_form.html",
        {"form": form, "next": next_url},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def email_link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the link's page, with a button to sign in. POST: sign in (creating the account if
    the address has none) and go on."""
    try:
        claim = email_link_check(token)
    except LinkRefused as exc:
        return _link_refused(request, str(exc))
    if request.method == "GET":
        return render(request, "registration/email_link_sign_in.html", {"email": claim.email})
    user = _account(claim.email)
    if user is None:
        try:
            user = homeowner_create(
                email=claim.email, name=claim.name, password_hash=claim.password_hash
            )
        except ValidationError:  # created meanwhile: the link's state no longer holds
            return _link_refused(request, "This sign-in link has been used already.")
    login(request, user, backend="config.auth.EmailBackend")
    return redirect(safe_next(request, claim.next_url) or reverse("account-home"))
