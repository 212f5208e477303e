"""An order's life: placing it, its phases, safety, completion, cancellation, payment, billing
and site notes. Every change locks the order (orders.lock_objects), checks the transition (an
illegal one raises an OrderError), keeps an OrderEvent and sends `order_changed` inside the same
transaction (orders.services.changes)."""

import secrets
from dataclasses import dataclass
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog import zones
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
    JourneyOutOfOrder,
    PaymentNotSupported,
    QuoteChanged,
    UpdateNotPossible,
)
from orders.lock_objects import order_lock
from orders.models import Order, OrderEvent, OrderItem, PaymentCollector, PaymentTerms
from orders.policies import Slot
from orders.selectors import Quote, provider_working_hours
from orders.selectors.pricing import quote_time_zone
from orders.services.changes import OrderChanges

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


class PlacementTerms(TypedDict, total=False):
    """The terms of an order being placed that order_place defaults: its payment, the price
    the buyer agreed to (checked against the quote), the slot of its site survey. For callers
    that pass them on (documents.services.order_place_with_documents)."""

    payment_terms: str
    payment_collector: str
    payment_status: str
    expected_total: object
    survey_slot: Slot | None


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
    site_time_zone: str = "",
) -> Order:
    """Place an order for a quote and book its site survey.

    Raises QuoteChanged when `expected_total` is not the current price, PaymentNotSupported
    for payment terms the installers do not offer, UpdateNotPossible for a survey slot that
    cannot be booked (too soon, or outside the installer's working hours). Without
    `survey_slot`, the first one the installer's working hours allow.
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
    site_time_zone = site_time_zone or quote_time_zone(quote)
    working_hours = provider_working_hours(quote.provider)
    slot = survey_slot or policies.default_survey_slot(
        zone=zones.zone(site_time_zone), working_hours=working_hours
    )
    if problem := policies.slot_problem(slot, working_hours=working_hours):
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
        "site_time_zone": site_time_zone,
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
    changes = OrderChanges(order, actor)
    changes.add(OrderEvent.Kind.CREATED, "", order.installation_request_id)
    changes.add(
        OrderEvent.Kind.SCHEDULE,
        "",
        f"site survey {zones.moment_in_words(slot.start, order.site_time_zone)}",
    )
    return changes.announce()


@transaction.atomic
def order_phase_advance(*, order: Order, actor: str, reason: str = "") -> Order:
    """Move the installation to its next phase; the first one starts the work."""
    order = order_lock(order.pk)
    changes = OrderChanges(order, actor, reason)
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
        if problem := policies.advance_problem(order):
            raise JourneyOutOfOrder(problem)
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
def order_safety_record(*, order: Order, safety_status: str, actor: str, reason: str = "") -> Order:
    order = order_lock(order.pk)
    if order.status != InstallationStatus.IN_PROGRESS:
        raise IllegalTransition("Safety is checked while the installation is in progress.")
    changes = OrderChanges(order, actor, reason)
    changes.add(OrderEvent.Kind.SAFETY, order.safety_status, safety_status)
    order.safety_status = SafetyStatus(safety_status)
    order.save(update_fields=["safety_status", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_complete(*, order: Order, actor: str, reason: str = "") -> Order:
    """Close a commissioned installation whose safety has been verified."""
    order = order_lock(order.pk)
    if order.status != InstallationStatus.IN_PROGRESS or order.phase != PHASES[-1]:
        raise IllegalTransition("Only a commissioned installation can be completed.")
    if order.safety_status not in (SafetyStatus.VERIFIED, SafetyStatus.RESOLVED):
        raise IllegalTransition("Safety must be verified (or its issues resolved) first.")
    if problem := policies.complete_problem(order):
        raise JourneyOutOfOrder(problem)
    changes = OrderChanges(order, actor, reason)
    changes.add(OrderEvent.Kind.STATUS, order.status, InstallationStatus.COMPLETED)
    order.status = InstallationStatus.COMPLETED
    order.save(update_fields=["status", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_cancel(*, order: Order, reason_id: str, actor: str, note: str = "") -> Order:
    """Cancel an order before its installation begins (the cancellation terms)."""
    order = order_lock(order.pk)
    if reason_id not in policies.CANCELLATION_REASONS:
        raise InvalidCancellationReason(
            f"Unknown cancellation reason {reason_id!r}; use one of "
            f"{', '.join(policies.CANCELLATION_REASONS)}."
        )
    if not policies.can_cancel(order.status, order.phase):
        stage = order.get_phase_display() if order.phase else order.get_status_display()
        raise CancellationNotPossible(f"The order can no longer be cancelled ({stage.lower()}).")
    reason = policies.CANCELLATION_REASONS[reason_id] + (f": {note}" if note else "")
    changes = OrderChanges(order, actor, reason)
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
def order_payment_record(*, order: Order, status: str, actor: str, reference: str = "") -> Order:
    order = order_lock(order.pk)
    if order.status == InstallationStatus.CANCELLED and status == PaymentStatus.PAID:
        raise UpdateNotPossible("A cancelled order takes no payment.")
    changes = OrderChanges(order, actor)
    changes.add(OrderEvent.Kind.PAYMENT, order.payment_status, status)
    order.payment_status = PaymentStatus(status)
    order.payment_reference = reference or order.payment_reference
    order.save(update_fields=["payment_status", "payment_reference", "updated_at"])
    return changes.announce()


@transaction.atomic
def order_billing_update(*, order: Order, billing: Billing, actor: str) -> Order:
    order = order_lock(order.pk)
    if order.is_closed:
        raise UpdateNotPossible(f"The order is {order.get_status_display().lower()}.")
    changes = OrderChanges(order, actor)
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


@transaction.atomic
def order_note_add(*, order: Order, text: str, actor: str) -> OrderEvent:
    """Keep a site note on the order's timeline (what the technician found, what was agreed).

    A note is the installer's own record: nothing about the order changes, so nobody is told
    (no order_changed)."""
    text = text.strip()
    if not text:
        raise UpdateNotPossible("Write the note first.")
    order = order_lock(order.pk)
    return OrderEvent.objects.create(
        order=order, kind=OrderEvent.Kind.NOTE, to_value="", actor=actor, reason=text
    )
