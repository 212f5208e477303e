"""The card form of the test gateway's hosted card page (web/test_gateway.py)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.utils import timezone

from payments.test_gateway.cards import (
    CardInvalid,
    card_cvc_parse,
    card_expiry_parse,
    card_number_parse,
)

T = TypeVar("T")


def _checked(parse: Callable[..., T], value: str, **kwargs: Any) -> T:
    """What `parse` makes of a field's value; its CardInvalid becomes the field's error."""
    try:
        return parse(value, **kwargs)
    except CardInvalid as exc:
        raise forms.ValidationError(str(exc)) from None


class CardForm(forms.Form):
    number = forms.CharField(
        label="Card number",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "cc-number",
                "inputmode": "numeric",
                "placeholder": "4242 4242 4242 4242",
            }
        ),
    )
    expiry = forms.CharField(
        label="Expiry (MM/YY)",
        max_length=9,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/34"}),
    )
    cvc = forms.CharField(
        label="CVC",
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label="Name on the card",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )

    def clean_number(self) -> str:
        return _checked(card_number_parse, self.cleaned_data["number"])

    def clean_expiry(self) -> str:
        _checked(card_expiry_parse, self.cleaned_data["expiry"], today=timezone.localdate())
        return self.cleaned_data["expiry"]

    def clean_cvc(self) -> str:
        return _checked(card_cvc_parse, self.cleaned_data["cvc"])
