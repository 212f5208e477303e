"""The installer workspace's catalog pages (namespace "workspace", at /installer/catalog/).

Owners edit the catalog; dispatchers see it. Every object is looked up in the member's own
provider's rows, so another installer's ids answer 404; writes go through catalog.services.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from catalog.models import Item, ServiceLocation
from catalog.selectors import provider_items, provider_locations
from catalog.services import (
    item_active_set,
    item_save,
    provider_logo_set,
    provider_photo_add,
    provider_photo_remove,
    provider_profile_update,
    provider_working_hours_update,
    service_location_save,
)
from orders.selectors import provider_working_hours
from web.frame import form_page, is_htmx, page, posted
from web.workspace.catalog_forms import CompanyProfileForm, ItemForm, ServiceLocationForm
from web.workspace.tenancy import installer_view


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


@installer_view("catalog.change_item")
def company_profile(request: HttpRequest) -> HttpResponse:
    """Who the installer is on its public pages: year founded, licence, certifications, logo and
    photos; and its working hours (appointments are offered and booked inside them only)."""
    provider = request.member.provider
    initial = {
        "founded_year": provider.founded_year,
        "license_number": provider.license_number,
        "certifications": "\n".join(provider.certifications),
        "work_days": provider.work_days,
        "work_start": provider.work_start,
        "work_end": provider.work_end,
        "time_zone": provider.time_zone,
    }
    data = posted(request)
    form = CompanyProfileForm(data, request.FILES if data is not None else None, initial=initial)

    def save() -> tuple[str, str]:
        with transaction.atomic():
            values = form.cleaned_data
            provider_profile_update(
                provider=provider,
                founded_year=values["founded_year"],
                license_number=values["license_number"],
                certifications=values["certifications"],
            )
            provider_working_hours_update(
                provider=provider,
                work_days=values["work_days"],
                work_start=values["work_start"],
                work_end=values["work_end"],
                time_zone=values["time_zone"],
            )
            if values["logo"]:
                provider_logo_set(provider=provider, data=values["logo"])
            elif values["remove_logo"] and provider.logo:
                provider_logo_set(provider=provider, data=None)
            if values["photo"]:
                provider_photo_add(
                    provider=provider, data=values["photo"], caption=values["photo_caption"]
                )
        return "Your company profile is saved.", "workspace:company-profile"

    template = "workspace/catalog/company_profile.html"
    context = {
        "provider": provider,
        "photos": provider.photos.all(),
        "working_hours": provider_working_hours(provider).in_words(),
    }
    return form_page(request, form, save, template, context, nav="catalog")


@installer_view("catalog.change_item")
def photo_remove(request: HttpRequest, photo_id: int) -> HttpResponse:
    """POST: take a photo off the installer's profile."""
    photo = get_object_or_404(request.member.provider.photos.all(), pk=photo_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    provider_photo_remove(photo=photo)
    messages.success(request, "The photo is removed.")
    return redirect("workspace:company-profile")
