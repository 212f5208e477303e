"""Forms of the installer workspace's technician pages: they check input and never save (the
writes are orders.services')."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orders.models import Technician
from orders.services import TECHNICIAN_FIELDS

PHONE_RE = re.compile(r"^\+?[0-9 ().-]{7,32}$")


class TechnicianForm(forms.ModelForm):
    class Meta:
        model = Technician
        fields = list(TECHNICIAN_FIELDS)
        labels = {"technician_type": "Technician type", "is_active": "Active (can be assigned)"}
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 7:
            raise ValidationError("Enter a phone number, e.g. +1 415 555 0100.")
        return phone

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TECHNICIAN_FIELDS}


class CertificationForm(forms.Form):
    name = forms.CharField(
        max_length=200, help_text="e.g. NABCEP PV Installation Professional, C-10 licence."
    )
    issuer = forms.CharField(max_length=200, required=False)
    number = forms.CharField(max_length=100, required=False, label="Licence number")
    valid_until = forms.DateField(
        label="Valid until",
        help_text="The last day it is valid.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
