"""Forms of the installer's orders workspace: they parse and check what a member typed; the
services decide."""

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django import forms
from django.utils import timezone

from catalog.taxonomy import InstallationPriority, SafetyStatus, TechnicianType, VerificationStatus
from orders import policies, selectors
from orders.models import Technician
from orders.policies import Appointment, Slot


class BoardFilterForm(forms.Form):
    """The board's filters, offered from the member's own installer only."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Installation Request ID or customer name",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "IR-… or a name"}),
    )
    priority = forms.ChoiceField(
        required=False, choices=[("", "Any priority"), *InstallationPriority.choices]
    )
    city = forms.ChoiceField(required=False, choices=[("", "Any city")])
    day = forms.DateField(
        label="Appointment on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    technician = forms.ChoiceField(required=False, choices=[("", "Any technician")])

    def __init__(
        self, *args: Any, cities: list[str], technicians: list[Technician], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "Any city"), *((c, c) for c in cities)]
        self.fields["technician"].choices = [
            ("", "Any technician"),
            ("none", "Not assigned"),
            *((str(t.pk), t.name) for t in technicians),
        ]

    def filters(self) -> selectors.BoardFilters:
        """The valid filters (an invalid one is left out, and shown with its error)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data  # only the fields that are valid
        return selectors.BoardFilters(
            priority=data.get("priority") or "",
            city=data.get("city") or "",
            day=data.get("day"),
            technician=data.get("technician") or "",
            query=data.get("q") or "",
        )


class PanelForm(forms.Form):
    """A form of one panel of the order's page: its fields' ids carry the panel's name, since
    several panels ask for a reason."""

    panel = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.panel}-%s")
        super().__init__(*args, **kwargs)


class PhaseForm(PanelForm):
    panel = "phase"
    reason = forms.CharField(
        label="Note for the timeline",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SafetyForm(PanelForm):
    panel = "safety"
    safety_status = forms.ChoiceField(label="Safety check", choices=SafetyStatus.choices)
    reason = forms.CharField(
        label="What was checked or found",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("safety_status") == SafetyStatus.ISSUES_FOUND
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say which issues were found.")
        return cleaned


class NoteForm(PanelForm):
    panel = "note"
    text = forms.CharField(
        label="Site note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the installer's team; the homeowner and the buyer app do not see it.",
    )


def _start_choices() -> list[tuple[str, str]]:
    return [(f"{t:%H:%M}", f"{t:%H:%M}") for t in policies.WORKDAY_SLOT_STARTS]


class ScheduleForm(PanelForm):
    """An appointment window: a day, one of the day's start times and a length. With
    `availability_url`, changing the day or length reloads the availability grid (htmx)."""

    panel = "schedule"

    appointment = forms.ChoiceField(choices=Appointment.choices)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.ChoiceField(label="Starts at", choices=_start_choices)
    hours = forms.IntegerField(
        label="Hours",
        min_value=1,
        max_value=policies.MAX_APPOINTMENT_HOURS,
        initial=policies.APPOINTMENT_HOURS,
    )
    reason = forms.CharField(label="Reason", required=False, max_length=300)

    def __init__(self, *args: Any, availability_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if availability_url:
            for name in ("day", "hours"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": availability_url,
                        "hx-trigger": "change",
                        "hx-target": "#availability",
                        "hx-swap": "outerHTML",
                        "hx-include": "closest form",
                    }
                )

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError("Choose a day from today on.")
        return day

    def slot(self, zone: tzinfo) -> Slot:
        """The window asked for, in `zone` (the site's)."""
        start = datetime.combine(
            self.cleaned_data["day"], time.fromisoformat(self.cleaned_data["start"]), tzinfo=zone
        )
        return Slot(start=start, end=start + timedelta(hours=self.cleaned_data["hours"]))


class TechnicianAssignForm(PanelForm):
    """The installer's active technicians, grouped by technician type, the type the order
    calls for first, each saying whether they are free for the order's appointments."""

    panel = "technician"

    technician = forms.ChoiceField(label="Technician")

    def __init__(
        self,
        *args: Any,
        technicians: list[Technician],
        busy: dict[int, str],
        suggested_type: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        types = sorted(TechnicianType, key=lambda t: (t.value != suggested_type, t.label))
        groups = []
        for technician_type in types:
            options = [
                (str(t.pk), f"{t.name} — {busy[t.pk]}" if t.pk in busy else f"{t.name} — free")
                for t in technicians
                if t.technician_type == technician_type
            ]
            if options:
                groups.append((technician_type.label, options))
        self.fields["technician"].choices = [("", "Choose a technician"), *groups]


class PaymentForm(PanelForm):
    panel = "payment"
    reference = forms.CharField(
        label="Payment reference",
        required=False,
        max_length=200,
        help_text="A receipt or transfer number, if any.",
    )


class RefundForm(PanelForm):
    """Giving back a card payment: the owner says why and confirms (no script asks)."""

    panel = "refund"
    reason = forms.CharField(label="Reason", max_length=500)
    confirm = forms.BooleanField(
        label="Yes, give the whole payment back to the card",
        error_messages={"required": "Tick the box to confirm the refund."},
    )


class DocumentReviewForm(PanelForm):
    panel = "review"
    status = forms.ChoiceField(
        choices=[
            (s, VerificationStatus(s).label)
            for s in (
                VerificationStatus.VERIFIED,
                VerificationStatus.NEEDS_REVISION,
                VerificationStatus.REJECTED,
            )
        ]
    )
    reason = forms.CharField(
        label="Reason (the homeowner sees it)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
