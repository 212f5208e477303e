"""Appointments and the technicians' diaries: who is booked when, who is free, what to book next."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from django.db.models import Q
from django.utils import timezone

from catalog.models import Provider
from catalog.selectors import provider_time_zone
from orders import policies
from orders.models import Order, Technician
from orders.policies import Slot, WorkingHours


def provider_working_hours(provider: Provider) -> WorkingHours:
    """When the installer takes appointments, in its zone (catalog.selectors.provider_time_zone):
    what every window offered or booked with it must lie inside."""
    return WorkingHours.of(provider, provider_time_zone(provider))


@dataclass(frozen=True)
class Booking:
    """A technician's appointment: the site survey or the installation of an order."""

    order_id: int
    installation_request_id: str
    technician_id: int
    appointment: str
    slot: Slot

    @property
    def appointment_label(self) -> str:
        return policies.Appointment(self.appointment).label


def order_windows(order: Order) -> list[tuple[str, Slot]]:
    """The order's booked appointments."""
    windows = []
    if order.survey_start and order.survey_end:
        windows.append(
            (policies.Appointment.SURVEY, Slot(start=order.survey_start, end=order.survey_end))
        )
    if order.installation_start and order.installation_end:
        windows.append(
            (
                policies.Appointment.INSTALLATION,
                Slot(start=order.installation_start, end=order.installation_end),
            )
        )
    return windows


def technician_bookings(
    *,
    technician_ids: list[int],
    start: datetime,
    end: datetime,
    exclude_order_id: int | None = None,
) -> list[Booking]:
    """The appointments of these technicians' open orders that overlap [start, end), in one
    query."""
    overlapping = Q(survey_start__lt=end, survey_end__gt=start) | Q(
        installation_start__lt=end, installation_end__gt=start
    )
    orders = Order.objects.filter(
        overlapping, technician_id__in=technician_ids, status__in=policies.OPEN_STATUSES
    ).only(
        "pk",
        "installation_request_id",
        "technician_id",
        "survey_start",
        "survey_end",
        "installation_start",
        "installation_end",
    )
    if exclude_order_id is not None:
        orders = orders.exclude(pk=exclude_order_id)
    window = Slot(start=start, end=end)
    bookings = [
        Booking(order.pk, order.installation_request_id, order.technician_id, appointment, slot)
        for order in orders
        for appointment, slot in order_windows(order)
        if policies.overlaps(slot, window)
    ]
    return sorted(bookings, key=lambda booking: booking.slot.start)


def technician_clashes(
    *, technician_ids: list[int], slots: list[Slot], exclude_order_id: int | None = None
) -> dict[int, Booking]:
    """Of each of these technicians, their first appointment that one of `slots` would overlap
    (technicians free for all of them are left out): one query."""
    if not slots or not technician_ids:
        return {}
    bookings = technician_bookings(
        technician_ids=technician_ids,
        start=min(slot.start for slot in slots),
        end=max(slot.end for slot in slots),
        exclude_order_id=exclude_order_id,
    )
    clashes: dict[int, Booking] = {}
    for booking in bookings:
        if any(policies.overlaps(booking.slot, slot) for slot in slots):
            clashes.setdefault(booking.technician_id, booking)
    return clashes


@dataclass(frozen=True)
class TechnicianDay:
    """A technician's day: each window offered, and the appointment that fills it (or None)."""

    technician: Technician
    slots: list[tuple[Slot, Booking | None]]
    suggested: bool = False


def technician_availability(
    *,
    provider_id: int,
    day: date,
    hours: int = policies.APPOINTMENT_HOURS,
    technician_type: str = "",
    exclude_order_id: int | None = None,
    zone: tzinfo | None = None,
    working_hours: WorkingHours | None = None,
) -> list[TechnicianDay]:
    """Who of the installer's active technicians is free in each window of `day` (windows of
    `hours`, in `zone`, those inside `working_hours`: none on a day off); technicians of
    `technician_type` first. Two queries."""
    technicians = list(
        Technician.objects.filter(provider_id=provider_id, is_active=True).order_by("name")
    )
    slots = policies.day_slots(day, hours, zone, working_hours=working_hours)
    if not slots:
        return [TechnicianDay(technician=t, slots=[]) for t in technicians]
    bookings = technician_bookings(
        technician_ids=[t.pk for t in technicians],
        start=slots[0].start,
        end=max(slot.end for slot in slots),
        exclude_order_id=exclude_order_id,
    )
    days = []
    for technician in technicians:
        own = [b for b in bookings if b.technician_id == technician.pk]
        days.append(
            TechnicianDay(
                technician=technician,
                slots=[
                    (slot, next((b for b in own if policies.overlaps(b.slot, slot)), None))
                    for slot in slots
                ],
                suggested=bool(technician_type) and technician.technician_type == technician_type,
            )
        )
    return sorted(days, key=lambda d: not d.suggested)


def suggested_technician_type(order: Order) -> str:
    """The kind of technician the order's first item calls for."""
    for line in order.items.all():
        return policies.TECHNICIAN_TYPE_FOR.get(line.item.category.installation_type, "")
    return ""


def next_appointments(order: Order, now: datetime | None = None) -> list[Slot]:
    """The order's appointments that have not ended yet."""
    now = now or timezone.now()
    return [slot for _, slot in order_windows(order) if slot.end > now]


def default_schedule_day(
    order: Order, now: datetime | None = None, working_hours: WorkingHours | None = None
) -> date:
    """The day a dispatcher most likely wants to book: the installation's, the first working
    day after the coming site survey, or the day of the first site survey the installer's
    working hours allow (`working_hours`: the order's installer's by default, one query)."""
    now = now or timezone.now()
    if order.installation_start and order.installation_end and order.installation_end > now:
        return timezone.localdate(order.installation_start, order.zone)
    working_hours = working_hours or provider_working_hours(order.provider)
    if not (order.survey_start and order.survey_end and order.survey_end > now):
        slot = policies.default_survey_slot(now, order.zone, working_hours=working_hours)
        return timezone.localdate(slot.start, order.zone)
    after_survey = timezone.localdate(order.survey_start, order.zone) + timedelta(days=1)
    for offset in range(policies.SURVEY_SEARCH_DAYS):
        day = after_survey + timedelta(days=offset)
        if policies.day_slots(day, zone=order.zone, working_hours=working_hours):
            return day
    return after_survey
