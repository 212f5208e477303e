"""Writes to orders. Every change locks the order, checks the transition, keeps an OrderEvent
and sends `order_changed` inside the same transaction; an illegal change raises an OrderError."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Provider
from catalog.services import fields_assign, owned_locked
from catalog.taxonomy import (
    DocumentationStatus,
    InstallationPhase,
    InstallationStatus,
    PaymentStatus,
    SafetyStatus,
    SchedulingStatus,
)
from orders import policies
from orders.errors import (
    CancellationNotPossible,
    IllegalTransition,
    InvalidCancellationReason,
    PaymentNotSupported,
    QuoteChanged,
    TechnicianUnavailable,
    UpdateNotPossible,
)
from orders.models import (
    Order,
    OrderEvent,
    OrderItem,
    PaymentCollector,
    PaymentTerms,
    Technician,
    TechnicianCertification,
)
from orders.policies import Appointment, Slot
from orders.selectors import Quote, next_appointments, technician_clashes
from orders.signals import order_changed

PHASES = list(InstallationPhase.values)
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Billing:
    name: str
    address: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str = ""
    email: str = ""


def _new_installation_request_id() -> str:
    suffix = "".join(secrets.choice(ID_ALPHABET) for _ in range(6))
    return f"IR-{timezone.now():%y%m}-{suffix}"


class _Changes:
    """The events of one service call, announced together once they are all written."""

    def __init__(self, order: Order, actor: str, reason: str = "") -> None:
        self.order, self.actor, self.reason = order, actor, reason
        self.events: list[OrderEvent] = []

    def add(self, kind: str, from_value: object, to_value: object) -> None:
        self.events.append(
            OrderEvent.objects.create(
                order=self.order,
                kind=kind,
                from_value=str(from_value or ""),
                to_value=str(to_value or ""),
                actor=self.actor,
                reason=self.reason,
            )
        )

    def announce(self) -> Order:
        order_changed.send(sender=Order, order=self.order, events=self.events)
        return self.order


def _locked(order: Order) -> Order:
    """The order re-read under a row lock (the caller is inside transaction.atomic)."""
    return Order.objects.select_for_update().get(pk=order.pk)


@transaction.atomic
def order_place(
    *,
    quote: Quote,
    billing: Billing,
    customer: Customer,
    site_address: str,
    channel: str,
    buyer_reference: str,
    actor: str,
    payment_terms: str = PaymentTerms.ON_FULFILLMENT,
    payment_collector: str = PaymentCollector.INSTALLER,
    payment_status: str = PaymentStatus.PENDING,
    expected_total: object = None,
    survey_slot: Slot | None = None,
) -> Order:
    """Place an order for a quote and book its site survey.

    Raises QuoteChanged when `expected_total` is not the current price, PaymentNotSupported
    for payment terms the installers do not offer, UpdateNotPossible for a survey slot that
    cannot be booked.
    """
    if expected_total is not None and expected_total != quote.total:
        raise QuoteChanged(
            f"The price is now {quote.total} {quote.currency}, not {expected_total}."
        )
    if payment_terms not in policies.SUPPORTED_PAYMENT_TERMS:
        raise PaymentNotSupported(
            f"Payment {PaymentTerms(payment_terms).label.lower()} is not offered; pay on "
            "installation or after it."
        )
    slot = survey_slot or policies.default_survey_slot()
    if problem := policies.slot_problem(slot):
        raise UpdateNotPossible(problem)
    fields = {
        "provider": quote.provider,
        "channel": channel,
        "buyer_reference": buyer_reference,
        "fulfillment": quote.fulfillment,
        "billing_name": billing.name,
        "billing_email": billing.email,
        "billing_phone": billing.phone,
        "billing_address": billing.address,
        "customer_name": customer.name,
        "customer_phone": customer.phone,
        "customer_email": customer.email,
        "site_address": site_address,
        "currency": quote.currency,
        "total": quote.total,
        "payment_terms": payment_terms,
        "payment_collector": payment_collector,
        "payment_status": payment_status,
        "status": InstallationStatus.SCHEDULED,
        "scheduling_status": SchedulingStatus.CONFIRMED,
        "location_type": quote.items[0].property_type,
        "survey_start": slot.start,
        "survey_end": slot.end,
    }
    for _ in range(5):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    installation_request_id=_new_installation_request_id(), **fields
                )
            break
        except IntegrityError:  # the random id was taken: draw another
            continue
    else:
        raise IntegrityError("Could not draw a unique installation request id.")
    OrderItem.objects.bulk_create(
        OrderItem(order=order, item=item, price=item.price_estimated_value, currency=item.currency)
        for item in quote.items
    )
    changes = _Changes(order, actor)
    changes.add(OrderEvent.Kind.CREATED, "", order.installation_request_id)
    changes.add(OrderEvent.Kind.SCHEDULE, "", f"site survey {slot.start:%Y-%m-%d %H:%M}")
    return changes.announce()


@transaction.atomic
def order_phase_advance(*, order: Order, actor: str, reason: str = "") -> Order:
    """Move the installation to its next phase; the first one starts the work."""
    order = _locked(order)
    changes = _Changes(order, actor, reason)
    if order.status == InstallationStatus.SCHEDULED and not order.phase:
        order.status, order.phase = InstallationStatus.IN_PROGRESS, InstallationPhase.SITE_SURVEY
        changes.add(OrderEvent.Kind.STATUS, InstallationStatus.SCHEDULED, order.status)
        changes.add(OrderEvent.Kind.PHASE, "", order.phase)
    elif order.status == InstallationStatus.IN_PROGRESS and order.phase != PHASES[-1]:
        if order.phase == InstallationPhase.SITE_SURVEY and _documents_outstanding(order):
            raise IllegalTransition(
                "The installation cannot move past the site survey before every required "
                f"document is verified (documentation is {order.documentation_status.lower()})."
            )
        previous = order.phase
        order.phase = PHASES[PHASES.index(previous) + 1]
        changes.add(OrderEvent.Kind.PHASE, previous, order.phase)
    else:
        raise IllegalTransition(
            f"An order that is {order.get_status_display().lower()}"
            f"{' in ' + order.get_phase_display().lower() if order.phase else ''} has no next "
            "phase."
        )
    order.save(update_fields=["status", "phase", "updated_at"])
    return changes.announce()


def _documents_outstanding(order: Order) -> bool:
    """Whether the order's items require documents that are not all verified yet."""
    if order.documentation_status == DocumentationStatus.VERIFIED:
        return False
    return OrderItem.objects.filter(order=order, item__required_documents__isnull=False).exists()


@transaction.atomic
def order_documentation_update(*, order: Order, status: str, actor: str, reason: str = "") -> Order:
    """Record the order's documentation status, as the documents app derives it from the
    documents. A change, or a `reason` (a document to revise, one rejected), is kept on the
    timeline and announced; nothing else happens."""
    order = _locked(order)
    status = DocumentationStatus(status)
    if status == order.documentation_status and not reason:
        return order
    changes = _Changes(order, actor, reason)
    changes.add(OrderEvent.Kind.DOCUMENTS, order.documentation_status, status)
    order.documentation_status = status
    order.save(update_fields=["documentation_status", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_safety_record(*, order: Order, safety_status: str, actor: str, reason: str = "") -> Order:
    order = _locked(order)
    if order.status != InstallationStatus.IN_PROGRESS:
        raise IllegalTransition("Safety is checked while the installation is in progress.")
    changes = _Changes(order, actor, reason)
    changes.add(OrderEvent.Kind.SAFETY, order.safety_status, safety_status)
    order.safety_status = SafetyStatus(safety_status)
    order.save(update_fields=["safety_status", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_complete(*, order: Order, actor: str, reason: str = "") -> Order:
    """Close a commissioned installation whose safety has been verified."""
    order = _locked(order)
    if order.status != InstallationStatus.IN_PROGRESS or order.phase != PHASES[-1]:
        raise IllegalTransition("Only a commissioned installation can be completed.")
    if order.safety_status not in (SafetyStatus.VERIFIED, SafetyStatus.RESOLVED):
        raise IllegalTransition("Safety must be verified (or its issues resolved) first.")
    changes = _Changes(order, actor, reason)
    changes.add(OrderEvent.Kind.STATUS, order.status, InstallationStatus.COMPLETED)
    order.status = InstallationStatus.COMPLETED
    order.save(update_fields=["status", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_cancel(*, order: Order, reason_id: str, actor: str, note: str = "") -> Order:
    """Cancel an order before its installation begins (the cancellation terms)."""
    order = _locked(order)
    if reason_id not in policies.CANCELLATION_REASONS:
        raise InvalidCancellationReason(
            f"Unknown cancellation reason {reason_id!r}; use one of "
            f"{', '.join(policies.CANCELLATION_REASONS)}."
        )
    if not policies.can_cancel(order.status, order.phase):
        stage = order.get_phase_display() if order.phase else order.get_status_display()
        raise CancellationNotPossible(f"The order can no longer be cancelled ({stage.lower()}).")
    reason = policies.CANCELLATION_REASONS[reason_id] + (f": {note}" if note else "")
    changes = _Changes(order, actor, reason)
    changes.add(OrderEvent.Kind.STATUS, order.status, InstallationStatus.CANCELLED)
    order.status = InstallationStatus.CANCELLED
    order.scheduling_status = SchedulingStatus.CANCELLED
    order.cancellation_reason, order.cancelled_by = reason, actor
    order.save(
        update_fields=[
            "status",
            "scheduling_status",
            "cancellation_reason",
            "cancelled_by",
            "updated_at",
        ]
    )
    return changes.announce()


@transaction.atomic
def order_reschedule(*, order: Order, slot: Slot, actor: str, reason: str = "") -> Order:
    """Move the next appointment: the site survey until it starts, then the installation
    until it begins (order_schedule's rules: the survey ends before the installation starts)."""
    order = _locked(order)
    appointment = policies.reschedulable(order.status, order.phase)
    if appointment is None:
        raise UpdateNotPossible("Nothing is left to schedule on this order.")
    return order_schedule(
        order=order, appointment=appointment, slot=slot, actor=actor, reason=reason
    )


def _appointment_set(order: Order, appointment: Appointment, slot: Slot, changes: _Changes) -> None:
    """Put `slot` in the order's site-survey or installation window, with its event (in local
    time), and save the schedule and the scheduling status the caller chose. The caller holds
    the order's lock."""
    label = appointment.label.lower()
    survey = appointment == Appointment.SURVEY
    previous = order.survey_start if survey else order.installation_start
    changes.add(
        OrderEvent.Kind.SCHEDULE,
        f"{label} {timezone.localtime(previous):%Y-%m-%d %H:%M}" if previous else "",
        f"{label} {timezone.localtime(slot.start):%Y-%m-%d %H:%M}",
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
    order = _locked(order)
    if technician.provider_id != order.provider_id or not technician.is_active:
        raise TechnicianUnavailable(f"{technician.name} does not work for {order.provider}.")
    if order.is_closed:
        raise IllegalTransition(f"The order is {order.get_status_display().lower()}.")
    if problem := _technician_busy(order, next_appointments(order), technician=technician):
        raise TechnicianUnavailable(problem)
    changes = _Changes(order, actor)
    changes.add(OrderEvent.Kind.TECHNICIAN, order.technician or "", technician)
    order.technician = technician
    order.save(update_fields=["technician", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_payment_record(*, order: Order, status: str, actor: str, reference: str = "") -> Order:
    order = _locked(order)
    if order.status == InstallationStatus.CANCELLED and status == PaymentStatus.PAID:
        raise UpdateNotPossible("A cancelled order takes no payment.")
    changes = _Changes(order, actor)
    changes.add(OrderEvent.Kind.PAYMENT, order.payment_status, status)
    order.payment_status = PaymentStatus(status)
    order.payment_reference = reference or order.payment_reference
    order.save(update_fields=["payment_status", "payment_reference", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_billing_update(*, order: Order, billing: Billing, actor: str) -> Order:
    order = _locked(order)
    if order.is_closed:
        raise UpdateNotPossible(f"The order is {order.get_status_display().lower()}.")
    changes = _Changes(order, actor)
    changes.add(OrderEvent.Kind.BILLING, order.billing_name, billing.name)
    order.billing_name, order.billing_address = billing.name, billing.address
    order.billing_email, order.billing_phone = billing.email, billing.phone
    order.save(
        update_fields=[
            "billing_name",
            "billing_address",
            "billing_email",
            "billing_phone",
            "updated_at",
        ]
    )
    return changes.announce()


# --- Technicians (the installer workspace) -----------------------------------------------------

# The fields of a technician its installer edits (technician_save's `values`).
TECHNICIAN_FIELDS = ("name", "phone", "email", "technician_type", "is_active")


@transaction.atomic
def technician_save(
    *, provider: Provider, values: Mapping[str, Any], technician: Technician | None = None
) -> Technician:
    """Create a technician of `provider` (or change `technician`) from TECHNICIAN_FIELDS.

    A technician made inactive keeps the orders already assigned to them and gets no new one.
    Raises ValidationError with field names.
    """
    if technician is None:
        technician = Technician(provider=provider)
    else:
        technician = owned_locked(Technician, technician, provider)
    fields_assign(technician, values, TECHNICIAN_FIELDS)
    technician.full_clean()
    technician.save()
    return technician


@transaction.atomic
def certification_add(
    *, technician: Technician, name: str, valid_until: date, issuer: str = "", number: str = ""
) -> TechnicianCertification:
    """Record a certification a technician holds, valid until the given day (included)."""
    certification = TechnicianCertification(
        technician=technician, name=name, issuer=issuer, number=number, valid_until=valid_until
    )
    certification.full_clean()
    certification.save()
    return certification


@transaction.atomic
def certification_remove(*, certification: TechnicianCertification) -> None:
    certification.delete()


@transaction.atomic
def technician_user_set(
    *, provider: Provider, user: AbstractBaseUser, technician: Technician | None
) -> None:
    """Make `technician` the technician record `user` signs in as (None: no record): a
    technician member of the workspace sees the orders assigned to it. Raises ValidationError
    for another installer's technician or one that already signs in as someone else."""
    if technician is not None:
        technician = Technician.objects.select_for_update().get(pk=technician.pk)
        if technician.provider_id != provider.pk:
            raise ValidationError({"technician": "This technician works for another installer."})
        if technician.user_id not in (None, user.pk):
            raise ValidationError(
                {"technician": f"{technician.name} already signs in as someone else."}
            )
    others = Technician.objects.filter(user=user)
    if technician is not None:
        others = others.exclude(pk=technician.pk)
    others.update(user=None)
    if technician is not None and technician.user_id != user.pk:
        technician.user = user
        technician.save(update_fields=["user"])


# --- Homeowners (the web front door) -------------------------------------------------------------


@transaction.atomic
def homeowner_create(*, email: str, name: str = "", password: str | None = None) -> Any:
    """A homeowner's account, signed in by e-mail (their user name) with a password or a
    one-time link (no password: `password` None). Raises ValidationError when the e-mail
    address has an account already."""
    users = get_user_model()
    email = users.objects.normalize_email(email).lower()
    if users.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"{email} has an account already.")
    first, _, last = name.strip().partition(" ")
    try:
        with transaction.atomic():
            return users.objects.create_user(
                username=email, email=email, password=password, first_name=first, last_name=last
            )
    except IntegrityError:  # the same address signed up at the same moment
        raise ValidationError(f"{email} has an account already.") from None


# --- Appointments and site notes (the installer workspace) --------------------------------------


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
    technician = Technician.objects.select_for_update().get(pk=technician_id)
    clashes = technician_clashes(
        technician_ids=[technician.pk], slots=slots, exclude_order_id=order.pk
    )
    clash = clashes.get(technician.pk)
    if clash is None:
        return ""
    start = timezone.localtime(clash.slot.start)
    return (
        f"{technician.name} is booked then: the {clash.appointment_label.lower()} of "
        f"{clash.installation_request_id} on {start:%Y-%m-%d} from {start:%H:%M} to "
        f"{timezone.localtime(clash.slot.end):%H:%M}."
    )


@transaction.atomic
def order_schedule(
    *, order: Order, appointment: str, slot: Slot, actor: str, reason: str = ""
) -> Order:
    """Book or move one appointment of an order: the site survey (until the work starts) or
    the installation (until it begins; after the survey). With a technician assigned, the
    window must be free in their diary: nobody is booked twice. Raises UpdateNotPossible."""
    order = _locked(order)
    appointment = Appointment(appointment)
    survey = appointment == Appointment.SURVEY
    if appointment not in policies.schedulable(order.status, order.phase):
        if survey:
            raise UpdateNotPossible("The site survey can no longer be moved: the work has begun.")
        raise UpdateNotPossible("The installation can no longer be moved: it has begun.")
    if survey and order.installation_start and slot.end > order.installation_start:
        raise UpdateNotPossible(
            "The site survey must end before the installation starts "
            f"({timezone.localtime(order.installation_start):%Y-%m-%d %H:%M})."
        )
    if not survey and order.survey_end and slot.start < order.survey_end:
        raise UpdateNotPossible(
            "The installation must start after the site survey ends "
            f"({timezone.localtime(order.survey_end):%Y-%m-%d %H:%M})."
        )
    if problem := policies.slot_problem(slot):
        raise UpdateNotPossible(problem)
    if problem := _technician_busy(order, [slot]):
        raise UpdateNotPossible(problem)
    changes = _Changes(order, actor, reason)
    if (order.survey_start if survey else order.installation_start) is not None:
        order.scheduling_status = SchedulingStatus.RESCHEDULED
    elif order.scheduling_status == SchedulingStatus.PENDING:
        order.scheduling_status = SchedulingStatus.CONFIRMED
    _appointment_set(order, appointment, slot, changes)
    return changes.announce()


@transaction.atomic
def order_note_add(*, order: Order, text: str, actor: str) -> OrderEvent:
    """Keep a site note on the order's timeline (what the technician found, what was agreed).

    A note is the installer's own record: nothing about the order changes, so nobody is told
    (no order_changed)."""
    text = text.strip()
    if not text:
        raise UpdateNotPossible("Write the note first.")
    order = _locked(order)
    return OrderEvent.objects.create(
        order=order, kind=OrderEvent.Kind.NOTE, to_value="", actor=actor, reason=text
    )
