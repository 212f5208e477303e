"""The installer workspace's catalog and team pages (namespace "workspace").

Owners edit the catalog and the team; dispatchers see the catalog. Every object is looked up in
the member's own provider's rows, so another installer's ids answer 404; writes go through
catalog.services (and orders.services for a member's technician record).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.request import QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from catalog.models import Item, ProviderMember, ServiceLocation
from catalog.selectors import provider_items, provider_locations, provider_members
from catalog.services import (
    item_active_set,
    item_save,
    member_invite,
    member_remove,
    member_update,
    service_location_save,
)
from catalog.tenancy import installer_view
from catalog.workspace_forms import ItemForm, MemberForm, MemberRoleForm, ServiceLocationForm
from orders.selectors import linkable_technicians
from orders.services import technician_user_set


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


# --- Catalog -----------------------------------------------------------------------------------


@installer_view("catalog.view_item")
def catalog(request: HttpRequest) -> HttpResponse:
    """The installer's items and service locations."""
    provider = request.member.provider
    context = {
        "items": provider_items(provider=provider),
        "locations": provider_locations(provider=provider),
        "can_edit": request.user.has_perm("catalog.change_item"),
    }
    return page(request, "workspace/catalog/catalog.html", context, nav="catalog")


def _item_page(request: HttpRequest, item: Item | None) -> HttpResponse:
    provider = request.member.provider
    locations = list(ServiceLocation.objects.filter(provider=provider).values_list("pk", flat=True))
    # A new item is offered everywhere the installer works, unless they narrow it.
    initial = {"locations": locations} if item is None else {}
    form = ItemForm(
        posted(request),
        instance=item or Item(provider=provider),
        initial=initial,
        provider=provider,
    )

    def save() -> tuple[str, str]:
        saved = item_save(
            provider=provider,
            item=item,
            values=form.values(),
            locations=form.cleaned_data["locations"],
            required_documents=form.cleaned_data["required_documents"],
        )
        return f"{saved.name} is saved.", "workspace:catalog"

    template = "workspace/catalog/item_form.html"
    context = {"item": item, "has_locations": bool(locations)}
    return form_page(request, form, save, template, context, nav="catalog")


@installer_view("catalog.add_item")
def item_new(request: HttpRequest) -> HttpResponse:
    return _item_page(request, None)


@installer_view("catalog.change_item")
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(provider_items(provider=request.member.provider), pk=item_id)
    return _item_page(request, item)


@installer_view("catalog.change_item")
def item_deactivate(request: HttpRequest, item_id: int) -> HttpResponse:
    """POST: stop offering an item (active=1: offer it again). htmx gets the item's new row."""
    items = provider_items(provider=request.member.provider)
    item = get_object_or_404(items, pk=item_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = item_active_set(item=item, is_active=request.POST.get("active") == "1")
    if is_htmx(request):
        context = {"item": items.get(pk=item.pk), "can_edit": True}
        return render(request, "workspace/catalog/_item_row.html", context)
    state = "offered again" if item.is_active else "no longer offered"
    messages.success(request, f"{item.name} is {state}.")
    return redirect("workspace:catalog")


def _location_page(request: HttpRequest, location: ServiceLocation | None) -> HttpResponse:
    provider = request.member.provider
    form = ServiceLocationForm(
        posted(request), instance=location or ServiceLocation(provider=provider)
    )

    def save() -> tuple[str, str]:
        saved = service_location_save(provider=provider, location=location, values=form.values())
        return f"The service location in {saved.city_name} is saved.", "workspace:catalog"

    template, context = "workspace/catalog/location_form.html", {"location": location}
    return form_page(request, form, save, template, context, nav="catalog")


@installer_view("catalog.add_item")
def location_new(request: HttpRequest) -> HttpResponse:
    return _location_page(request, None)


@installer_view("catalog.change_item")
def location_edit(request: HttpRequest, location_id: int) -> HttpResponse:
    location = get_object_or_404(
        provider_locations(provider=request.member.provider), pk=location_id
    )
    return _location_page(request, location)


# --- Team --------------------------------------------------------------------------------------


@installer_view("catalog.view_providermember")
def team(request: HttpRequest) -> HttpResponse:
    """The people of the installer's team, with their roles."""
    members = provider_members(provider=request.member.provider).select_related("user__technician")
    return page(request, "workspace/team/team.html", {"members": members}, nav="team")


@installer_view("catalog.add_providermember")
def member_new(request: HttpRequest) -> HttpResponse:
    """Add a person by e-mail: they get a link to choose their password."""
    provider = request.member.provider
    form = MemberForm(posted(request), technicians=linkable_technicians(provider=provider))

    @transaction.atomic
    def save() -> tuple[str, str]:
        data = form.cleaned_data
        member = member_invite(
            provider=provider, email=data["email"], role=data["role"], name=data["name"]
        )
        if data["technician"] is not None:
            technician_user_set(provider=provider, user=member.user, technician=data["technician"])
        role = member.get_role_display().lower()
        return (
            f"{member.user.email} is in your team as {role}: "
            "they received an e-mail to choose their password.",
            "workspace:team",
        )

    return form_page(request, form, save, "workspace/team/member_form.html", {}, nav="team")


def _member(request: HttpRequest, member_id: int) -> ProviderMember:
    members = provider_members(provider=request.member.provider).select_related("user__technician")
    return get_object_or_404(members, pk=member_id)


def _left_own_team_pages(request: HttpRequest, member: ProviderMember) -> bool:
    """Whether the signed-in owner just changed or removed their own membership."""
    return member.pk == request.member.pk


@installer_view("catalog.change_providermember")
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    """Change a member's role, and the technician record a technician signs in as."""
    member = _member(request, member_id)
    provider = request.member.provider
    linked = getattr(member.user, "technician", None)
    form = MemberRoleForm(
        posted(request),
        initial={"role": member.role, "technician": linked},
        technicians=linkable_technicians(provider=provider, user=member.user),
    )

    @transaction.atomic
    def save() -> tuple[str, str]:
        role, technician = form.cleaned_data["role"], form.cleaned_data["technician"]
        updated = member_update(member=member, role=role)
        technician_user_set(provider=provider, user=updated.user, technician=technician)
        notice = f"{updated.user.email} is now {updated.get_role_display().lower()}."
        if _left_own_team_pages(request, updated) and role != ProviderMember.Role.OWNER:
            return notice, "account-home"
        return notice, "workspace:team"

    context = {"member_edited": member}
    return form_page(request, form, save, "workspace/team/member_form.html", context, nav="team")


@installer_view("catalog.delete_providermember")
def member_remove_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """GET: confirm. POST: take the person off the team (never the last owner)."""
    member = _member(request, member_id)
    error = ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                technician_user_set(
                    provider=request.member.provider, user=member.user, technician=None
                )
                member_remove(member=member)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{member.user.email} is no longer in your team.")
            if _left_own_team_pages(request, member):
                return redirect("account-home")
            return redirect("workspace:team")
    return page(
        request,
        "workspace/team/member_remove.html",
        {"member_removed": member, "error": error},
        nav="team",
        status=400 if error else 200,
    )
