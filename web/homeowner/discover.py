"""The homeowner's public pages (no sign-in): discover offers, compare them, an installer's profile
and an offer's detail. They read through catalog.selectors, the same reads as the network search."""

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.estimates import capacity_kw, is_solar, method_sentence, solar_estimate
from catalog.models import Item
from catalog.selectors import (
    discover_offers,
    offers_by_ids,
    provider_public_offers,
    public_offer,
    public_provider,
)
from orders.policies import terms_in_words
from ratings.selectors import provider_reputation, public_review_counts, public_reviews
from web.homeowner.discover_forms import DiscoverForm
from web.homeowner.estimate_forms import EstimateForm

OFFERS_PER_PAGE = 20
REVIEWS_PER_PAGE = 10
MIN_COMPARED = 2
MAX_COMPARED = 3
# An offer id as the compare form sends it (the item's primary key).
OFFER_ID_RE = re.compile(r"^\d{1,18}$")


def _service_area(item: Item) -> str:
    """The item's cities, each once, in the order of its locations: "San Francisco, CA"."""
    places = (
        ", ".join(filter(None, [location.city_name, location.state]))
        for location in item.locations.all()
    )
    return "; ".join(dict.fromkeys(places))


def _present(items: Iterable[Item]) -> None:
    """What the offer cards show beside the item's own fields: its service area and country
    (which says miles or km), price per watt of capacity, and the installer's written review
    count (one query for all items)."""
    items = list(items)
    counts = public_review_counts(provider_ids={item.provider_id for item in items})
    for item in items:
        item.service_area = _service_area(item)
        locations = list(item.locations.all())
        item.country = locations[0].country_code if locations else "USA"
        item.capacity_kw = capacity_kw(item.system_capacity)
        item.price_per_watt = (
            (item.price_estimated_value / (item.capacity_kw * 1000)).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
            if item.capacity_kw
            else None
        )
        item.provider.review_count = counts.get(item.provider_id, 0)


def _estimate(items: Iterable[Item], form: EstimateForm) -> None:
    """For each solar offer with a capacity in kW, its savings estimate at the homeowner's
    place (the form's) or, without one, at the installer's first located service location."""
    for item in items:
        item.estimate = item.estimate_place = None
        solar = is_solar(item.category.installation_type) and item.capacity_kw
        # The tax credit and the price form are the United States' (dollars, the federal credit).
        if not solar or item.currency != "USD":
            continue
        place = form.place() or _item_place(item)
        if place is None:
            continue
        item.estimate_place = place[2]
        item.estimate = solar_estimate(
            latitude=place[0],
            longitude=place[1],
            capacity=item.capacity_kw,
            price=item.price_estimated_value,
            electricity_price=form.electricity_price(),
        )


def _item_place(item: Item) -> tuple[float, float, str] | None:
    for location in item.locations.all():
        if location.latitude is not None:
            label = ", ".join(filter(None, [location.city_name, location.state]))
            return float(location.latitude), float(location.longitude), label
    return None


def _page(request: HttpRequest, objects: object, per_page: int) -> Page:
    page = Paginator(objects, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def discover(request: HttpRequest) -> HttpResponse:
    """Where and what the homeowner looks for; the matching offers as cards to compare."""
    form = DiscoverForm(request.GET)
    context: dict[str, object] = {"form": form, "page": None, "place": None}
    if form.is_valid():
        data = form.cleaned_data
        offers = discover_offers(
            form.offer_query(),
            empaneled_only=data["empaneled"],
            financing_only=data["financing"],
            sort=data["sort"],
        )
        page = _page(request, offers, OFFERS_PER_PAGE)
        _present(page.object_list)
        context.update(page=page, place=data["place"], searched=bool(request.GET))
    return render(request, "catalog/discover.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    """Two or three offers side by side; another number gets a message, an unknown id a 404."""
    values = request.GET.getlist("offer")
    if any(not OFFER_ID_RE.match(value.strip()) for value in values):
        raise Http404("No such offer.")
    ids = list(dict.fromkeys(int(value) for value in values))
    if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
        return render(
            request,
            "catalog/compare.html",
            {"offers": [], "picked": len(ids), "min": MIN_COMPARED, "max": MAX_COMPARED},
        )
    offers = offers_by_ids(ids)
    if len(offers) != len(ids):
        raise Http404("No such offer.")
    _present(offers)
    estimate_form = EstimateForm(request.GET)
    _estimate(offers, estimate_form)
    by_currency: dict[str, Decimal] = {}
    for item in offers:
        lowest = by_currency.get(item.currency)
        if lowest is None or item.price_estimated_value < lowest:
            by_currency[item.currency] = item.price_estimated_value
    ratings = [item.provider.rating_value for item in offers if item.provider.rating_value]
    for item in offers:
        item.lowest_price = item.price_estimated_value == by_currency[item.currency]
        item.best_rated = bool(ratings) and item.provider.rating_value == max(ratings)
    return render(
        request,
        "catalog/compare.html",
        {
            "offers": offers,
            "picked": len(ids),
            "terms": terms_in_words(),
            "estimate_form": estimate_form,
            "estimated": any(item.estimate for item in offers),
            "estimate_place": next((i.estimate_place for i in offers if i.estimate), None),
            "electricity_price": estimate_form.electricity_price(),
            "method": method_sentence(),
        },
    )


def provider(request: HttpRequest, provider_id: str) -> HttpResponse:
    """An installer's public profile: who they are, where they work, their offers, reviews."""
    installer = public_provider(provider_id)
    if installer is None:
        raise Http404("No such installer.")
    offers = list(provider_public_offers(installer))
    for item in offers:
        item.provider = installer
    _present(offers)
    return render(
        request,
        "catalog/provider.html",
        {
            "provider": installer,
            "offers": offers,
            "reputation": provider_reputation(provider=installer),
            "reviews": _page(request, public_reviews(provider=installer), REVIEWS_PER_PAGE),
        },
    )


def item(request: HttpRequest, provider_id: str, item_id: str) -> HttpResponse:
    """One offer in full: every detail, the documents it needs, the terms, its reviews."""
    offer = public_offer(provider_external_id=provider_id, item_external_id=item_id)
    if offer is None:
        raise Http404("No such offer.")
    _present([offer])
    estimate_form = EstimateForm(request.GET)
    _estimate([offer], estimate_form)
    return render(
        request,
        "catalog/item.html",
        {
            "item": offer,
            "provider": offer.provider,
            "reputation": provider_reputation(provider=offer.provider),
            "terms": terms_in_words(),
            "estimate_form": estimate_form,
            "method": method_sentence(),
            "reviews": _page(
                request,
                public_reviews(provider=offer.provider, item=offer),
                REVIEWS_PER_PAGE,
            ),
        },
    )
