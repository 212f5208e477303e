"""The homeowner's search form (the discover page): where, what, free text, sort and filters."""

from typing import Any

from django import forms

from catalog.selectors import (
    OfferQuery,
    OfferSort,
    Place,
    known_cities,
    place_lookup,
    region_cities,
)
from catalog.taxonomy import CATEGORIES, InstallationType

# The network category code of each installation type.
CATEGORY_CODES: dict[str, str] = {str(kind): code for _, code, _, kind in CATEGORIES}
YOUR_LOCATION = "your location"


def _listed(names: list[str]) -> str:
    """Names as words: "A", "A or B", "A, B or C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _point(latitude: str, longitude: str) -> tuple[float, float] | None:
    """The GPS point the browser gave, or None when it is not one."""
    try:
        point = float(latitude), float(longitude)
    except ValueError:
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None
    return point


class DiscoverForm(forms.Form):
    """Every field is optional: an empty form lists every offer. Sent by GET, so a search is a
    link. The place is resolved here (cleaned_data["place"]) from the catalog's own locations."""

    where = forms.CharField(
        label="Where",
        required=False,
        max_length=200,
        help_text="A city, postcode or address.",
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "inputmode": "search"}),
    )
    type = forms.ChoiceField(
        label="Installation type",
        required=False,
        choices=[("", "Any"), *InstallationType.choices],
    )
    q = forms.CharField(
        label="Looking for",
        required=False,
        max_length=200,
        help_text="Words to look for, e.g. rooftop, 8kW or battery backup.",
        widget=forms.TextInput(attrs={"inputmode": "search"}),
    )
    # Filled by "Use my location" (static/js/discover.js); read only when "where" is empty.
    lat = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=OfferSort.choices, initial=OfferSort.RELEVANCE
    )
    empaneled = forms.BooleanField(label="Government-approved installers only", required=False)
    financing = forms.BooleanField(label="Financing available", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        where = " ".join((data.get("where") or "").split())
        place: Place | None = None
        if where:
            place = place_lookup(where)
            if place is None:
                self.add_error("where", self._unknown_place(where))
        elif data.get("lat") or data.get("lng"):
            point = _point(data.get("lat") or "", data.get("lng") or "")
            if point is None:
                raise forms.ValidationError(
                    "Your location did not come through whole. Press “Use my location” again, "
                    "or type a city or postcode."
                )
            place = Place(label=YOUR_LOCATION, latitude=point[0], longitude=point[1])
        data["place"] = place
        wants_distance = data.get("sort") == OfferSort.DISTANCE
        if wants_distance and not self.has_error("where") and not (place and place.has_point):
            self.add_error(
                "sort",
                "Sorting by distance needs a place on the map: type a city or postcode, "
                "or use your location.",
            )
        return data

    @staticmethod
    def _unknown_place(where: str) -> str:
        cities = region_cities(where)
        if cities:
            return (
                f"“{where}” is a whole region: name a city or postcode in it, "
                f"such as {_listed(cities[:3])}."
            )
        examples = known_cities()
        hint = f", such as {_listed(examples)}" if examples else ""
        return (
            "We don't know that place yet. Try a city, postcode or address where installers "
            f"work{hint}."
        )

    def offer_query(self) -> OfferQuery:
        """The search these (valid) answers ask for, as the network search reads it."""
        data = self.cleaned_data
        criteria = {
            "text": data.get("q") or "",
            "category_code": CATEGORY_CODES.get(data.get("type") or "", ""),
        }
        place: Place | None = data.get("place")
        return place.offer_query(**criteria) if place else OfferQuery(**criteria)
