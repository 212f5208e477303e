"""Forms of the installer workspace's catalog pages.

They check what a person types; they never save. The writes and the catalog's rules are
catalog.services' (item_problems and location_problems, shown here with the other errors).
"""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog import zones
from catalog.hours import WorkDaysFormField
from catalog.models import MAX_CERTIFICATIONS, DocumentType, Item, Provider, ServiceLocation
from catalog.selectors import MAX_SERVICE_RADIUS_KM
from catalog.services import (
    EQUIPMENT_FIELDS,
    ITEM_FIELDS,
    LOCATION_FIELDS,
    image_upload_read,
    item_problems,
    location_problems,
)

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _descriptor_code(name: str) -> str:
    """A descriptor code from an item's name: "2kW Rooftop Setup" -> "2kW_Rooftop_Setup"."""
    return "_".join(re.findall(r"[A-Za-z0-9]+", name))[:100]


def _problems_add(form: forms.BaseForm, problems: dict[str, str]) -> None:
    """The service's rules, on the fields that have no error of their own yet."""
    for name, problem in problems.items():
        if name not in form.errors:
            form.add_error(name, problem)


def _location_label(location: ServiceLocation) -> str:
    place = ", ".join(filter(None, [location.city_name, location.state]))
    return f"{place} (#{location.local_id}, {location.service_radius_km.normalize():f} km)"


class ItemForm(forms.ModelForm):
    """An item of the installer's catalog: what it is, its price, its tags (the DEG taxonomy),
    the documents it requires and where it is offered."""

    price_estimated_value = forms.DecimalField(
        label="Estimated price",
        max_digits=12,
        decimal_places=2,
        help_text="What the installation costs, above zero.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.CharField(
        max_length=3,
        initial="USD",
        help_text="ISO 4217 code, e.g. USD.",
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    required_documents = forms.ModelMultipleChoiceField(
        queryset=DocumentType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the homeowner must upload for this installation.",
    )
    locations = forms.ModelMultipleChoiceField(
        queryset=ServiceLocation.objects.none(),
        label="Service area",
        widget=forms.CheckboxSelectMultiple,
        help_text="The places (with their radius) where you offer this item.",
        error_messages={"required": "Choose at least one service location."},
    )

    class Meta:
        model = Item
        fields = [*ITEM_FIELDS, "required_documents", "locations"]
        labels = {
            "external_id": "Item id",
            "code": "Descriptor code",
            "short_desc": "Short description",
            "long_desc": "Long description",
            "property_type": "Property type",
            "complexity": "Installation complexity",
            "empaneled": "Empaneled for subsidy schemes",
            "product_warranty_years": "Product warranty (years)",
            "workmanship_warranty_years": "Workmanship warranty (years)",
        }
        help_texts = {
            "code": "Leave empty to derive it from the name (e.g. 2kW_Rooftop_Solar_Setup).",
        }
        widgets = {"long_desc": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, provider: Provider, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["locations"].queryset = ServiceLocation.objects.filter(provider=provider)
        self.fields["locations"].label_from_instance = _location_label
        self.fields["code"].required = False
        self.fields["category"].empty_label = None
        if self.instance.pk is not None:
            # Buyer apps know the item by this id (in carts, orders, ratings): it stays.
            self.fields["external_id"].disabled = True
            self.fields["external_id"].help_text = "Published on the network: it cannot change."

    SECTIONS = (
        ("The item", ("name", "external_id", "code", "category", "short_desc", "long_desc")),
        ("Price", ("price_estimated_value", "currency")),
        (
            "Tags",
            (
                "system_capacity",
                "property_type",
                "installation_category",
                "complexity",
                "equipment_type",
                "empaneled",
                "financial_assistance",
            ),
        ),
        ("Equipment and warranty", EQUIPMENT_FIELDS),
        ("Documents", ("required_documents", "documents_required_before_confirm")),
        ("Where it is offered", ("locations",)),
    )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form's fields in the groups the page shows them in."""
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"].strip().upper()
        if not CURRENCY_RE.match(currency):
            raise ValidationError("Enter a three-letter currency code, e.g. USD.")
        return currency

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("code") and data.get("name"):
            data["code"] = _descriptor_code(data["name"])
        problems = item_problems(
            provider=self.provider,
            price=data.get("price_estimated_value"),
            locations=list(data.get("locations") or []),
            required_documents=list(data.get("required_documents") or []),
            documents_required_before_confirm=bool(data.get("documents_required_before_confirm")),
        )
        _problems_add(self, problems)
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned item fields, for item_save."""
        return {name: self.cleaned_data[name] for name in ITEM_FIELDS}


class ServiceLocationForm(forms.ModelForm):
    """A place the installer works from, with the radius it serves around it."""

    latitude = forms.DecimalField(
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        help_text="GPS latitude, e.g. 37.7749 (with the longitude, or neither).",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        help_text="GPS longitude, e.g. -122.4194.",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    service_radius_km = forms.DecimalField(
        label="Service radius (km)",
        max_digits=6,
        decimal_places=1,
        initial=Decimal("50"),
        help_text=f"How far around this place you work: above 0, at most "
        f"{MAX_SERVICE_RADIUS_KM} km.",
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.1"}),
    )

    class Meta:
        model = ServiceLocation
        fields = list(LOCATION_FIELDS)
        labels = {
            "city_name": "City",
            "city_code": "City code",
            "country_code": "Country code",
            "area_code": "Postcode",
            "local_id": "Location id",
        }
        help_texts = {"local_id": "Leave empty for the next number."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_id"].required = False

    def clean_country_code(self) -> str:
        return self.cleaned_data["country_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = location_problems(
            service_radius_km=data.get("service_radius_km"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
        _problems_add(self, problems)
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in LOCATION_FIELDS}


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CompanyProfileForm(forms.Form):
    """Who the installer is, as homeowners see it: founding year, licence, certifications, logo
    and a new photo (the pictures are checked and re-encoded by catalog.services.images); and
    its working hours, which every appointment offered or booked with it must lie inside."""

    founded_year = forms.IntegerField(
        label="Year founded",
        required=False,
        min_value=1800,
        max_value=2100,
        help_text="Homeowners see your years in business.",
    )
    license_number = forms.CharField(
        label="Licence number", required=False, max_length=64, help_text="e.g. CSLB 1012345."
    )
    certifications = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One a line, e.g. NABCEP PV Installation Professional (at most "
        f"{MAX_CERTIFICATIONS}). Each shows as a badge.",
    )
    logo = forms.FileField(label="New logo", required=False, help_text="JPEG, PNG, WebP or GIF.")
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    photo = forms.FileField(label="Add a photo of your work", required=False)
    photo_caption = forms.CharField(label="Its caption", required=False, max_length=200)
    work_days = WorkDaysFormField(
        label="Work days", help_text="Appointments are only offered and booked on these days."
    )
    work_start = forms.TimeField(label="Working day starts", widget=_time_input())
    work_end = forms.TimeField(label="Working day ends", widget=_time_input())
    time_zone = forms.CharField(
        label="Time zone of the working hours",
        required=False,
        max_length=64,
        help_text="IANA time zone, e.g. America/New_York; leave empty for that of your first "
        "service location.",
    )

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name and not zones.is_zone(name):
            raise ValidationError("Give an IANA time zone, e.g. America/Chicago.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("work_start"), data.get("work_end")
        if start is not None and end is not None and end <= start:
            self.add_error("work_end", "The working day must end after it starts.")
        return data

    def clean_certifications(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["certifications"].splitlines()]
        names = [name for name in names if name]
        if len(names) > MAX_CERTIFICATIONS:
            raise ValidationError(f"Give at most {MAX_CERTIFICATIONS} certifications.")
        if any(len(name) > 100 for name in names):
            raise ValidationError("Each certification has at most 100 characters.")
        return names

    def clean_logo(self) -> bytes | None:
        return image_upload_read(self.cleaned_data.get("logo"))

    def clean_photo(self) -> bytes | None:
        return image_upload_read(self.cleaned_data.get("photo"))
