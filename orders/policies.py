"""The rules installers work by: appointments, cancellation and payment terms."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from catalog.taxonomy import InstallationPhase, InstallationStatus
from orders.models import PaymentTerms

# Reasons a buyer may give for cancelling, by id.
CANCELLATION_REASONS: dict[str, str] = {
    "1": "Changed my mind",
    "2": "Found a better offer",
    "3": "The appointment does not suit me",
    "4": "The property is not eligible",
    "5": "Other reason",
}

# Phases during which an order may still be cancelled, free of charge. Once the installation
# itself has begun, it cannot be.
CANCELLABLE_PHASES = ("", InstallationPhase.SITE_SURVEY, InstallationPhase.PREPARATION)
CANCELLABLE_STATUSES = (
    InstallationStatus.PENDING,
    InstallationStatus.SCHEDULED,
    InstallationStatus.IN_PROGRESS,
)

# Homeowners pay the installer on site or after the installation; nothing is charged upfront.
SUPPORTED_PAYMENT_TERMS = (PaymentTerms.ON_FULFILLMENT, PaymentTerms.POST_FULFILLMENT)

SURVEY_LEAD_DAYS = 2
SURVEY_START = time(10, 0)
APPOINTMENT_HOURS = 2
MAX_APPOINTMENT_HOURS = 10
MIN_NOTICE = timedelta(hours=2)


@dataclass(frozen=True)
class Slot:
    """An appointment window."""

    start: datetime
    end: datetime


def default_survey_slot(now: datetime | None = None) -> Slot:
    """The first site-survey window SURVEY_LEAD_DAYS after `now`, on a weekday."""
    day = (now or timezone.now()).date() + timedelta(days=SURVEY_LEAD_DAYS)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, SURVEY_START, tzinfo=timezone.get_current_timezone())
    return Slot(start=start, end=start + timedelta(hours=APPOINTMENT_HOURS))


def slot_problem(slot: Slot, now: datetime | None = None) -> str:
    """Why a requested appointment window cannot be booked ('' when it can)."""
    now = now or timezone.now()
    if slot.end <= slot.start:
        return "The appointment must end after it starts."
    if slot.start < now + MIN_NOTICE:
        return f"The appointment must start at least {MIN_NOTICE} from now."
    if slot.end - slot.start > timedelta(hours=MAX_APPOINTMENT_HOURS):
        return f"An appointment lasts at most {MAX_APPOINTMENT_HOURS} hours."
    return ""


def can_cancel(status: str, phase: str) -> bool:
    return status in CANCELLABLE_STATUSES and phase in CANCELLABLE_PHASES
