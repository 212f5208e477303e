"""An order's appointments (the site survey, the installation) and its technician: nobody is
booked twice."""

from django.db import transaction

from catalog import zones
from catalog.taxonomy import SchedulingStatus
from orders import policies
from orders.errors import IllegalTransition, TechnicianUnavailable, UpdateNotPossible
from orders.lock_objects import order_lock, technician_lock
from orders.models import Order, OrderEvent, Technician
from orders.policies import Appointment, Slot
from orders.selectors import next_appointments, provider_working_hours, technician_clashes
from orders.services.changes import OrderChanges


@transaction.atomic
def order_reschedule(*, order: Order, slot: Slot, actor: str, reason: str = "") -> Order:
    """Move the next appointment: the site survey until it starts, then the installation
    until it begins (order_schedule's rules: the survey ends before the installation starts)."""
    order = order_lock(order.pk)
    appointment = policies.reschedulable(order.status, order.phase)
    if appointment is None:
        raise UpdateNotPossible("Nothing is left to schedule on this order.")
    return order_schedule(
        order=order, appointment=appointment, slot=slot, actor=actor, reason=reason
    )


def _appointment_set(
    order: Order, appointment: Appointment, slot: Slot, changes: OrderChanges
) -> None:
    """Put `slot` in the order's site-survey or installation window, with its event (in local
    time), and save the schedule and the scheduling status the caller chose. The caller holds
    the order's lock."""
    label = appointment.label.lower()
    survey = appointment == Appointment.SURVEY
    previous = order.survey_start if survey else order.installation_start
    zone_name = order.site_time_zone
    changes.add(
        OrderEvent.Kind.SCHEDULE,
        f"{label} {zones.moment_in_words(previous, zone_name)}" if previous else "",
        f"{label} {zones.moment_in_words(slot.start, zone_name)}",
    )
    if survey:
        order.survey_start, order.survey_end = slot.start, slot.end
    else:
        order.installation_start, order.installation_end = slot.start, slot.end
    order.save(
        update_fields=[
            "survey_start",
            "survey_end",
            "installation_start",
            "installation_end",
            "scheduling_status",
            "updated_at",
        ]
    )


@transaction.atomic
def order_technician_assign(*, order: Order, technician: Technician, actor: str) -> Order:
    order = order_lock(order.pk)
    if technician.provider_id != order.provider_id or not technician.is_active:
        raise TechnicianUnavailable(f"{technician.name} does not work for {order.provider}.")
    if order.is_closed:
        raise IllegalTransition(f"The order is {order.get_status_display().lower()}.")
    if problem := _technician_busy(order, next_appointments(order), technician=technician):
        raise TechnicianUnavailable(problem)
    changes = OrderChanges(order, actor)
    changes.add(OrderEvent.Kind.TECHNICIAN, order.technician or "", technician)
    order.technician = technician
    order.save(update_fields=["technician", "updated_at"])
    return changes.announce()


def _technician_busy(
    order: Order, slots: list[Slot], *, technician: Technician | None = None
) -> str:
    """Why the order's technician (or `technician`) cannot take `slots`: another of their
    appointments overlaps one ('' when none does). Locks the technician's row, so that two
    bookings of the same person are checked one after the other (the caller is inside
    transaction.atomic, holding the order's lock)."""
    technician_id = technician.pk if technician is not None else order.technician_id
    if technician_id is None or not slots:
        return ""
    technician = technician_lock(technician_id)
    clashes = technician_clashes(
        technician_ids=[technician.pk], slots=slots, exclude_order_id=order.pk
    )
    clash = clashes.get(technician.pk)
    if clash is None:
        return ""
    window = zones.window_in_words(clash.slot.start, clash.slot.end, order.site_time_zone)
    return (
        f"{technician.name} is booked then: the {clash.appointment_label.lower()} of "
        f"{clash.installation_request_id}, {window}."
    )


@transaction.atomic
def order_schedule(
    *, order: Order, appointment: str, slot: Slot, actor: str, reason: str = ""
) -> Order:
    """Book or move one appointment of an order: the site survey (until the work starts) or
    the installation (until it begins; after the survey). With a technician assigned, the
    window must be free in their diary: nobody is booked twice; and it must lie inside the
    installer's working hours, in its zone. Raises UpdateNotPossible."""
    order = order_lock(order.pk)
    appointment = Appointment(appointment)
    survey = appointment == Appointment.SURVEY
    if appointment not in policies.schedulable(order.status, order.phase):
        if survey:
            raise UpdateNotPossible("The site survey can no longer be moved: the work has begun.")
        raise UpdateNotPossible("The installation can no longer be moved: it has begun.")
    if survey and order.installation_start and slot.end > order.installation_start:
        raise UpdateNotPossible(
            "The site survey must end before the installation starts "
            f"({zones.moment_in_words(order.installation_start, order.site_time_zone)})."
        )
    if not survey and order.survey_end and slot.start < order.survey_end:
        raise UpdateNotPossible(
            "The installation must start after the site survey ends "
            f"({zones.moment_in_words(order.survey_end, order.site_time_zone)})."
        )
    working_hours = provider_working_hours(order.provider)
    if problem := policies.slot_problem(slot, working_hours=working_hours):
        raise UpdateNotPossible(problem)
    if problem := _technician_busy(order, [slot]):
        raise UpdateNotPossible(problem)
    changes = OrderChanges(order, actor, reason)
    if (order.survey_start if survey else order.installation_start) is not None:
        order.scheduling_status = SchedulingStatus.RESCHEDULED
    elif order.scheduling_status == SchedulingStatus.PENDING:
        order.scheduling_status = SchedulingStatus.CONFIRMED
    _appointment_set(order, appointment, slot, changes)
    return changes.announce()
