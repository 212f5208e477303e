"""The rules installers work by: appointments, cancellation and payment terms."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db import models
from django.utils import timezone

from catalog import zones
from catalog.taxonomy import InstallationPhase, InstallationStatus, InstallationType, TechnicianType
from orders.models import Order, PaymentTerms

# Reasons a buyer may give for cancelling, by id.
CANCELLATION_REASONS: dict[str, str] = {
    "1": "Changed my mind",
    "2": "Found a better offer",
    "3": "The appointment does not suit me",
    "4": "The property is not eligible",
    "5": "Other reason",
}

# The statuses of an order that is not closed yet (orders.models.CLOSED_STATUSES).
OPEN_STATUSES = (
    InstallationStatus.PENDING,
    InstallationStatus.SCHEDULED,
    InstallationStatus.IN_PROGRESS,
)
# Phases during which an open order may still be cancelled, free of charge, and its
# installation moved. Once the installation itself has begun, neither can be.
CANCELLABLE_PHASES = ("", InstallationPhase.SITE_SURVEY, InstallationPhase.PREPARATION)

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


def default_survey_slot(now: datetime | None = None, zone: tzinfo | None = None) -> Slot:
    """The first site-survey window SURVEY_LEAD_DAYS after `now` (its day in `zone`, the
    site's; the current zone by default), on a weekday, at SURVEY_START in that zone."""
    zone = zone or timezone.get_current_timezone()
    day = timezone.localdate(now, zone) + timedelta(days=SURVEY_LEAD_DAYS)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, SURVEY_START, tzinfo=zone)
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


def _starts(order: Order, moment: datetime) -> str:
    return f"it starts {zones.moment_in_words(moment, order.site_time_zone)}"


def advance_problem(order: Order, now: datetime | None = None) -> str:
    """Why the installation cannot move to its next phase yet because of its appointments
    ('' when the appointments allow it): the site survey cannot be left before it starts, the
    installation phase cannot begin with no installation booked, nor before it starts."""
    now = now or timezone.now()
    if order.status != InstallationStatus.IN_PROGRESS:
        return ""
    if order.phase == InstallationPhase.SITE_SURVEY:
        if order.survey_start is None:
            return "The site survey is not booked yet."
        if now < order.survey_start:
            return f"The site survey has not started yet: {_starts(order, order.survey_start)}."
    if order.phase == InstallationPhase.PREPARATION and order.installation_start is None:
        return "Book the installation first: the installation phase needs its appointment."
    if order.phase == InstallationPhase.PREPARATION and now < order.installation_start:
        return f"The installation has not started yet: {_starts(order, order.installation_start)}."
    return ""


def complete_problem(order: Order, now: datetime | None = None) -> str:
    """Why the installation cannot be completed yet because of its appointment ('' when it
    can): it must have been booked and have started."""
    now = now or timezone.now()
    if order.installation_start is None:
        return "No installation was booked: book it before completing the order."
    if now < order.installation_start:
        return f"The installation has not started yet: {_starts(order, order.installation_start)}."
    return ""


def can_cancel(status: str, phase: str) -> bool:
    return status in OPEN_STATUSES and phase in CANCELLABLE_PHASES


@dataclass(frozen=True)
class OrderTerms:
    """The payment and cancellation terms every order placed here follows, in words."""

    payment: str
    cancellation: str


def terms_in_words() -> OrderTerms:
    payment = " or ".join(PaymentTerms(t).label.lower() for t in SUPPORTED_PAYMENT_TERMS)
    phases = " and ".join(InstallationPhase(p).label.lower() for p in CANCELLABLE_PHASES if p)
    return OrderTerms(
        payment=f"You pay the installer {payment}; nothing is charged when you order.",
        cancellation=(
            f"Free of charge until the installation itself begins (also during the {phases}); "
            "not possible once it has begun."
        ),
    )


class Appointment(models.TextChoices):
    """The two visits an installation takes: the site survey, then the installation itself."""

    SURVEY = "SURVEY", "Site survey"
    INSTALLATION = "INSTALLATION", "Installation"


def reschedulable(status: str, phase: str) -> Appointment | None:
    """The appointment the buyer may still move: the site survey until it starts, then the
    installation until it begins (None when nothing is left to schedule)."""
    if status == InstallationStatus.SCHEDULED:
        return Appointment.SURVEY
    if status == InstallationStatus.IN_PROGRESS and phase in (
        InstallationPhase.SITE_SURVEY,
        InstallationPhase.PREPARATION,
    ):
        return Appointment.INSTALLATION
    return None


def schedulable(status: str, phase: str) -> list[Appointment]:
    """The appointments the installer may still book or move: the site survey until the work
    starts, the installation until it begins."""
    allowed = []
    if status in (InstallationStatus.PENDING, InstallationStatus.SCHEDULED):
        allowed.append(Appointment.SURVEY)
    if status in OPEN_STATUSES and phase in CANCELLABLE_PHASES:
        allowed.append(Appointment.INSTALLATION)
    return allowed


# The appointment windows an installer's day is offered in (each APPOINTMENT_HOURS long).
WORKDAY_SLOT_STARTS = (time(8, 0), time(10, 0), time(13, 0), time(15, 0))

# Who is sent to which kind of installation by default.
TECHNICIAN_TYPE_FOR: dict[str, str] = {
    InstallationType.SOLAR_PANEL: TechnicianType.SOLAR_TECHNICIAN,
    InstallationType.BATTERY_SYSTEM: TechnicianType.ELECTRICIAN,
    InstallationType.EV_CHARGER: TechnicianType.EV_SPECIALIST,
    InstallationType.METER_INSTALLATION: TechnicianType.ELECTRICIAN,
    InstallationType.SMART_DEVICE: TechnicianType.GENERAL_TECHNICIAN,
}


def overlaps(first: Slot, second: Slot) -> bool:
    """Whether two appointment windows share any time (touching ends do not)."""
    return first.start < second.end and second.start < first.end


def day_slots(day: date, hours: int = APPOINTMENT_HOURS, zone: tzinfo | None = None) -> list[Slot]:
    """The appointment windows offered on `day`, in `zone` (the site's; the current zone by
    default)."""
    zone = zone or timezone.get_current_timezone()
    slots = []
    for start_time in WORKDAY_SLOT_STARTS:
        start = datetime.combine(day, start_time, tzinfo=zone)
        slots.append(Slot(start=start, end=start + timedelta(hours=hours)))
    return slots
