"""The rules installers work by: appointments, cancellation and payment terms."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from catalog import zones
from catalog.hours import WEEKDAYS_DEFAULT, days_in_words, work_days_parse
from catalog.models import Provider
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
# How far ahead the first site survey is looked for, from SURVEY_LEAD_DAYS on.
SURVEY_SEARCH_DAYS = 21
APPOINTMENT_HOURS = 2
MAX_APPOINTMENT_HOURS = 10
MIN_NOTICE = timedelta(hours=2)
# An installer's working hours unless it sets its own (catalog.models.Provider's defaults).
WORK_START = time(8, 0)
WORK_END = time(17, 0)


@dataclass(frozen=True)
class Slot:
    """An appointment window."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class WorkingHours:
    """When an installer takes appointments: on `days` (ISO weekday numbers, 1 is Monday), from
    `start` to `end`, in `zone`, the installer's own, whatever the zone of the site."""

    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo
    installer: str = "The installer"

    @classmethod
    def of(cls, provider: Provider, zone_name: str = "") -> "WorkingHours":
        """The provider's working hours, in its zone; in `zone_name` when it sets none (the zone
        of its first located place: orders.selectors.provider_working_hours finds it)."""
        return cls(
            days=work_days_parse(provider.work_days),
            start=provider.work_start,
            end=provider.work_end,
            zone=zones.zone(provider.time_zone or zone_name),
            installer=provider.name,
        )

    @classmethod
    def default(cls, zone: tzinfo | None = None) -> "WorkingHours":
        """An installer's hours unless it says otherwise: Monday to Friday, WORK_START to
        WORK_END, in `zone` (the current zone by default)."""
        zone = zone or timezone.get_current_timezone()
        return cls(
            days=work_days_parse(WEEKDAYS_DEFAULT),
            start=WORK_START,
            end=WORK_END,
            zone=zones.zone(getattr(zone, "key", "")),
        )

    def covers(self, slot: Slot) -> bool:
        """Whether the window lies wholly inside one working day, in the installer's zone."""
        start, end = slot.start.astimezone(self.zone), slot.end.astimezone(self.zone)
        return (
            start.isoweekday() in self.days
            and start.date() == end.date()
            and self.start <= start.time()
            and end.time() <= self.end
        )

    def in_words(self, moment: datetime | None = None) -> str:
        """'Monday\u2013Friday, 08:00\u201317:00 EST (America/New_York)' (en dashes): the zone's
        abbreviation at `moment` (now by default)."""
        abbreviation = (moment or timezone.now()).astimezone(self.zone).tzname()
        return (
            f"{days_in_words(self.days)}, {self.start:%H:%M}\u2013{self.end:%H:%M} "
            f"{abbreviation} ({self.zone.key})"
        )


def working_hours_problem(slot: Slot, working_hours: WorkingHours) -> str:
    """Why a window cannot be booked with this installer: it is not wholly inside its working
    hours, in its zone ('' when it is). The window is said in the installer's zone, as the
    hours are."""
    if working_hours.covers(slot):
        return ""
    window = zones.window_in_words(slot.start, slot.end, working_hours.zone.key)
    return (
        f"{working_hours.installer} works {working_hours.in_words(slot.start)}: {window} is "
        "outside those hours. Choose another time."
    )


def slot_problem(
    slot: Slot, now: datetime | None = None, *, working_hours: WorkingHours | None = None
) -> str:
    """Why a requested appointment window cannot be booked ('' when it can); with
    `working_hours`, also when it is outside the installer's working hours."""
    now = now or timezone.now()
    if slot.end <= slot.start:
        return "The appointment must end after it starts."
    if slot.start < now + MIN_NOTICE:
        return f"The appointment must start at least {MIN_NOTICE} from now."
    if slot.end - slot.start > timedelta(hours=MAX_APPOINTMENT_HOURS):
        return f"An appointment lasts at most {MAX_APPOINTMENT_HOURS} hours."
    if working_hours is not None:
        return working_hours_problem(slot, working_hours)
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


def day_slots(
    day: date,
    hours: int = APPOINTMENT_HOURS,
    zone: tzinfo | None = None,
    *,
    working_hours: WorkingHours | None = None,
) -> list[Slot]:
    """The appointment windows offered on `day` (the site's day), in `zone` (the site's; the
    current zone by default): those starting at WORKDAY_SLOT_STARTS there, and with
    `working_hours` only those that lie wholly inside the installer's working hours in its own
    zone (none on a day it does not work)."""
    zone = zone or timezone.get_current_timezone()
    slots = []
    for start_time in WORKDAY_SLOT_STARTS:
        start = datetime.combine(day, start_time, tzinfo=zone)
        slot = Slot(start=start, end=start + timedelta(hours=hours))
        if working_hours is None or working_hours.covers(slot):
            slots.append(slot)
    return slots


def default_survey_slot(
    now: datetime | None = None,
    zone: tzinfo | None = None,
    *,
    working_hours: WorkingHours | None = None,
) -> Slot:
    """The first site-survey window from SURVEY_LEAD_DAYS after `now` (its day in `zone`, the
    site's; the current zone by default) that fits the installer's working hours (Monday to
    Friday, 08:00 to 17:00 in `zone` when not given): the one at SURVEY_START that day if it
    fits, else the day's first. Looked for over SURVEY_SEARCH_DAYS days; when none fits (hours
    too short for any window), the first day's SURVEY_START window, which slot_problem then
    refuses in words."""
    zone = zone or timezone.get_current_timezone()
    working_hours = working_hours or WorkingHours.default(zone)
    first_day = timezone.localdate(now, zone) + timedelta(days=SURVEY_LEAD_DAYS)
    for offset in range(SURVEY_SEARCH_DAYS):
        slots = day_slots(
            first_day + timedelta(days=offset), zone=zone, working_hours=working_hours
        )
        if slots:
            preferred = [slot for slot in slots if slot.start.time() == SURVEY_START]
            return (preferred or slots)[0]
    start = datetime.combine(first_day, SURVEY_START, tzinfo=zone)
    return Slot(start=start, end=start + timedelta(hours=APPOINTMENT_HOURS))
