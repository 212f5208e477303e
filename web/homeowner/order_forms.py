"""The homeowner's order forms: an order (details, documents, payment and terms), and what can be
done with an order afterwards (cancel, reschedule, re-upload a document)."""

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from django import forms
from django.utils import timezone

from catalog import zones
from documents.forms import DETAIL_FIELDS
from orders import policies
from orders.models import PaymentCollector, PaymentTerms
from orders.policies import Slot, WorkingHours
from web.homeowner.document_forms import SubmissionForm

# --- Appointments ------------------------------------------------------------------------------

# How many days ahead the times offered are gathered from (the installer's working days).
OFFERED_DAYS = 14


def _window_choices(zone: tzinfo, working_hours: WorkingHours) -> list[tuple[str, str]]:
    """The windows the installer's working hours allow on some day of the coming OFFERED_DAYS
    (all of the day's windows if none: the chosen one is then refused in words)."""
    first = timezone.localdate(timezone=zone) + timedelta(days=1)
    slots = [
        slot
        for offset in range(OFFERED_DAYS)
        for slot in policies.day_slots(
            first + timedelta(days=offset), zone=zone, working_hours=working_hours
        )
    ] or policies.day_slots(first, zone=zone)
    labels = {f"{s.start:%H:%M}": f"{s.start:%H:%M} to {s.end:%H:%M}" for s in slots}
    return sorted(labels.items())


class SlotForm(forms.Form):
    """A day and one of the installer's appointment windows on it, inside its working hours."""

    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    window = forms.ChoiceField(label="Time")

    def __init__(
        self,
        *args: Any,
        zone_name: str = "",
        working_hours: WorkingHours | None = None,
        **kwargs: Any,
    ) -> None:
        """`zone_name`: the site's time zone, where the windows are offered; `working_hours`:
        the installer's (orders.selectors.provider_working_hours), Monday to Friday, 08:00 to
        17:00 in the site's zone if not given."""
        super().__init__(*args, **kwargs)
        self.zone = zones.zone(zone_name)
        self.working_hours = working_hours or WorkingHours.default(self.zone)
        self.fields["window"].choices = _window_choices(self.zone, self.working_hours)
        today = timezone.localdate(timezone=self.zone)
        self.fields["day"].widget.attrs["min"] = f"{today + timedelta(days=1)}"
        abbreviation = timezone.localtime(timezone=self.zone).tzname()
        works = f"{self.working_hours.installer} works {self.working_hours.in_words()}"
        self.fields["window"].help_text = (
            f"Times are the site's local time ({self.zone.key}, {abbreviation}); each visit "
            f"lasts up to {policies.APPOINTMENT_HOURS} hours. {works}."
        )
        self.fields["window"].error_messages["invalid_choice"] = (
            f"Choose one of the times offered: {works}."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day, window = cleaned.get("day"), cleaned.get("window")
        if day is None or not window:
            return cleaned
        slot = next(
            (s for s in policies.day_slots(day, zone=self.zone) if f"{s.start:%H:%M}" == window),
            None,
        )
        if slot is None:
            self.add_error("window", "Choose one of the times offered.")
            return cleaned
        if problem := policies.slot_problem(slot):
            self.add_error("day", problem)
        elif problem := policies.working_hours_problem(slot, self.working_hours):
            # A day the installer does not work at all is the day's fault, else the time's.
            offered = policies.day_slots(day, zone=self.zone, working_hours=self.working_hours)
            self.add_error("window" if offered else "day", problem)
        cleaned["slot"] = slot
        return cleaned

    @staticmethod
    def initial_for(slot: Slot, zone_name: str = "") -> dict[str, Any]:
        start = slot.start.astimezone(zones.zone(zone_name))
        return {"day": start.date(), "window": f"{start:%H:%M}"}


def slot_from(start: str, end: str) -> Slot:
    return Slot(datetime.fromisoformat(start), datetime.fromisoformat(end))


# --- Ordering ------------------------------------------------------------------------------------


class CheckoutDetailsForm(SlotForm):
    """Who pays, where the installation is, and when the site survey suits."""

    billing_name = forms.CharField(label="Full name", max_length=200)
    billing_email = forms.EmailField(label="Email")
    billing_phone = forms.CharField(
        label="Phone", max_length=32, widget=forms.TextInput(attrs={"type": "tel"})
    )
    billing_address = forms.CharField(label="Billing address", max_length=500)
    same_address = forms.BooleanField(
        label="The installation is at my billing address", required=False, initial=True
    )
    site_address = forms.CharField(
        label="Installation address",
        max_length=500,
        required=False,
        help_text="Only if it is not your billing address.",
    )

    field_order = [
        "billing_name",
        "billing_email",
        "billing_phone",
        "billing_address",
        "same_address",
        "site_address",
        "day",
        "window",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = "Preferred site-survey day"
        self.fields["window"].label = "Preferred site-survey time"
        self.fields["billing_name"].widget.attrs["autocomplete"] = "name"
        self.fields["billing_email"].widget.attrs["autocomplete"] = "email"
        self.fields["billing_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["billing_address"].widget.attrs["autocomplete"] = "street-address"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("same_address"):
            cleaned["site_address"] = cleaned.get("billing_address", "")
        elif not cleaned.get("site_address", "").strip():
            self.add_error(
                "site_address",
                "Give the installation address, or tick that it is your billing address.",
            )
        return cleaned


@dataclass(frozen=True)
class PaymentOption:
    """A way to pay that the installers offer, as the homeowner chooses it."""

    key: str
    label: str
    description: str
    terms: str
    collector: str = PaymentCollector.INSTALLER


# Nothing is charged upfront (policies.SUPPORTED_PAYMENT_TERMS); the installer collects.
PAYMENT_OPTIONS = [
    option
    for option in (
        PaymentOption(
            "card-on-installation",
            "Card on installation",
            "Pay by card on the day of the installation; nothing is charged before.",
            PaymentTerms.ON_FULFILLMENT,
        ),
        PaymentOption(
            "pay-on-site",
            "Pay the installer on site",
            "Pay the installer on site once the installation is done, against the invoice.",
            PaymentTerms.POST_FULFILLMENT,
        ),
    )
    if option.terms in policies.SUPPORTED_PAYMENT_TERMS
]


def payment_option(key: str) -> PaymentOption:
    return next(option for option in PAYMENT_OPTIONS if option.key == key)


class CheckoutConfirmForm(forms.Form):
    payment = forms.ChoiceField(
        label="Payment",
        widget=forms.RadioSelect,
        choices=[(o.key, f"{o.label} — {o.description}") for o in PAYMENT_OPTIONS],
        error_messages={"required": "Choose how you will pay."},
    )
    accept_terms = forms.BooleanField(
        label="I accept the terms and the cancellation policy above.",
        error_messages={"required": "Accept the terms and the cancellation policy to order."},
    )
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=12, decimal_places=2)


# --- After ordering ----------------------------------------------------------------------------


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why do you cancel?",
        choices=[("", "Choose a reason"), *policies.CANCELLATION_REASONS.items()],
        error_messages={"required": "Choose a reason."},
    )
    note = forms.CharField(label="Anything to add (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["invalid_choice"] = "Choose one of the reasons."


class RescheduleForm(SlotForm):
    pass


class DocumentFilesForm(SubmissionForm):
    """The files of an item's document form, without its details (kept from the order): what a
    homeowner sends again from the order page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DETAIL_FIELDS:
            del self.fields[name]
        del self.fields["token"]
