"""The frame shared by the pages: a workspace page with its navigation, htmx requests, and the
form pages whose posted forms call the services."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.request import QueryDict
from django.shortcuts import redirect, render


def page(
    request: HttpRequest, template: str, context: dict, *, nav: str, status: int = 200
) -> HttpResponse:
    """A workspace page: `context` with what the workspace frame shows (the member, the
    navigation's current entry)."""
    frame = {"member": request.member, "dispatch": True, "nav": nav}
    return render(request, template, {**frame, **context}, status=status)


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made for part of a page."""
    return request.headers.get("HX-Request") == "true"


def posted(request: HttpRequest) -> QueryDict | None:
    """What a form is bound to: the POST's data, or nothing for a GET."""
    return request.POST if request.method == "POST" else None


def form_errors_add(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields when it names them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], tuple[str, str]],
    template: str,
    context: dict[str, Any],
    *,
    nav: str,
) -> HttpResponse:
    """A workspace page with `form`. Once it is posted and valid, `save()` calls the services
    and answers the message to show and where to go next (a URL or a URL name); a
    ValidationError it raises is shown on the form. With errors the page answers 400."""
    if form.is_bound and form.is_valid():
        try:
            notice, next_page = save()
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, notice)
            return redirect(next_page)
    status = 400 if form.errors else 200
    return page(request, template, {"form": form, **context}, nav=nav, status=status)
