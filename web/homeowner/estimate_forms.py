"""The savings estimate's inputs on the offer and compare pages (GET, so an estimate is a link):
the homeowner's electricity price, and the place they searched (lat, lng, near)."""

from decimal import Decimal

from django import forms
from django.conf import settings


class EstimateForm(forms.Form):
    kwh_price = forms.DecimalField(
        label="Your electricity price ($ per kWh)",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        max_digits=5,
        decimal_places=3,
        help_text="It is on your electricity bill.",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    near = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, data: object = None) -> None:
        super().__init__(data)
        self.fields["kwh_price"].widget.attrs["placeholder"] = str(
            settings.ESTIMATES_ELECTRICITY_PRICE
        )
        self.is_valid()

    def electricity_price(self) -> Decimal:
        price = self.cleaned_data.get("kwh_price") if not self.errors.get("kwh_price") else None
        return price if price is not None else settings.ESTIMATES_ELECTRICITY_PRICE

    def place(self) -> tuple[float, float, str] | None:
        """The homeowner's place, when the page was given one."""
        data = self.cleaned_data
        if self.errors.get("lat") or self.errors.get("lng"):
            return None
        if data.get("lat") is None or data.get("lng") is None:
            return None
        return data["lat"], data["lng"], data.get("near") or "the place you searched"
