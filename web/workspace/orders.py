"""The installer's orders workspace: the board, an order's page, and the actions on an order.

Every view is an `installer_view`; the order is looked up among the member's own orders first
(another installer's id answers 404, whatever the method), then the method and the role are
checked. Actions are POSTs that call the order services, so every change lands on the timeline
and reaches the buyer app that placed the order. With htmx they answer the order's panels
(`workspace/orders/_panels.html`), otherwise a redirect to the order's page with a message.
Technicians see only the orders assigned to them, and may only advance the phase, record the
safety check and add site notes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from catalog import zones
from catalog.models import ProviderMember
from catalog.taxonomy import (
    InstallationPhase,
    InstallationStatus,
    PaymentStatus,
    TechnicianType,
    VerificationStatus,
)
from documents import selectors as document_selectors
from documents import services as document_services
from documents.errors import DocumentsError
from documents.models import Document
from orders import policies, selectors, services
from orders.actors import actor_for_user
from orders.errors import OrderError
from orders.models import Order
from orders.policies import Appointment, WorkingHours
from orders.selectors import charge_breakup
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.errors import PaymentError
from payments.models import Payment
from web.frame import is_htmx
from web.workspace.order_forms import (
    BoardFilterForm,
    DocumentReviewForm,
    NoteForm,
    PaymentForm,
    PhaseForm,
    RefundForm,
    SafetyForm,
    ScheduleForm,
    TechnicianAssignForm,
)
from web.workspace.tenancy import installer_view

TECHNICIAN = ProviderMember.Role.TECHNICIAN
OWNER = ProviderMember.Role.OWNER
REFUNDABLE = (Payment.Status.PAID, Payment.Status.REVIEW)
PHASES = list(InstallationPhase)


def dispatches(member: ProviderMember) -> bool:
    """Whether the member runs the installer's orders (owner, dispatcher), not just their own
    jobs (technician)."""
    return member.role != TECHNICIAN


def _method_not_allowed(request: HttpRequest, *allowed: str) -> HttpResponse | None:
    if request.method in allowed or (request.method == "HEAD" and "GET" in allowed):
        return None
    return HttpResponseNotAllowed(list(allowed))


# --- The board ------------------------------------------------------------------------------------


@installer_view("orders.view_order")
def board(request: HttpRequest) -> HttpResponse:
    """The member's orders in a column per status and phase, with filters and search."""
    if refused := _method_not_allowed(request, "GET"):
        return refused
    member = request.member  # type: ignore[attr-defined]
    technicians = list(selectors.member_technicians(member)) if dispatches(member) else []
    form = BoardFilterForm(
        request.GET or None,
        cities=selectors.provider_cities(member.provider_id),
        technicians=technicians,
    )
    columns = selectors.order_board(member=member, filters=form.filters())
    context = {
        "member": member,
        "dispatch": dispatches(member),
        "form": form,
        "columns": columns,
        "total": sum(column.count for column in columns),
        "nav": "board",
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "board":
        return render(request, "workspace/orders/_board.html", context)
    return render(request, "workspace/board.html", context)


# --- An order's page ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What an action did: a notice, or an error (with the bound form that has the errors)."""

    notice: str = ""
    error: str = ""
    form: forms.Form | None = None


def _phase_steps(order: Order) -> list[dict[str, str]]:
    current = PHASES.index(InstallationPhase(order.phase)) if order.phase else -1
    done_all = order.status == InstallationStatus.COMPLETED
    steps = []
    for index, phase in enumerate(PHASES):
        if done_all or index < current:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        steps.append({"value": phase.value, "label": phase.label, "state": state})
    return steps


def _next_step(order: Order) -> str:
    """The label of the button that advances the installation ('' when it cannot)."""
    if order.status == InstallationStatus.SCHEDULED and not order.phase:
        return "Start the site survey"
    if order.status == InstallationStatus.IN_PROGRESS and order.phase != PHASES[-1]:
        following = PHASES[PHASES.index(InstallationPhase(order.phase)) + 1]
        return f"Move to {following.label.lower()}"
    return ""


def _busy_technicians(order: Order, technician_ids: list[int]) -> dict[int, str]:
    """Which technicians another appointment keeps from the order's coming appointments."""
    clashes = selectors.technician_clashes(
        technician_ids=technician_ids,
        slots=selectors.next_appointments(order),
        exclude_order_id=order.pk,
    )
    return {
        technician_id: f"booked ({b.appointment_label.lower()} of {b.installation_request_id})"
        for technician_id, b in clashes.items()
    }


def _availability_context(
    order: Order, day: date, hours: int, technician_type: str, working_hours: WorkingHours
) -> dict[str, Any]:
    """The windows of `day` inside the installer's working hours, and who is free in each."""
    return {
        "order": order,
        "availability_day": day,
        "availability_slots": policies.day_slots(
            day, hours, order.zone, working_hours=working_hours
        ),
        "availability": selectors.technician_availability(
            provider_id=order.provider_id,
            day=day,
            hours=hours,
            zone=order.zone,
            working_hours=working_hours,
            technician_type=technician_type,
            exclude_order_id=order.pk,
        ),
        # Said with the zone's abbreviation on that day (EST or EDT).
        "working_hours": working_hours.in_words(datetime.combine(day, time(12), order.zone)),
    }


def _verdicts(document: Document | None) -> list[tuple[str, str]]:
    """The verdicts that can be given on a document now (none for an old upload)."""
    if document is None or not document.is_current:
        return []
    return [
        (status, VerificationStatus(status).label)
        for status in document_services.REVIEWS.get(document.verification_status, ())
    ]


def _detail_context(
    request: HttpRequest, order: Order, outcome: Outcome | None = None, panel: str = ""
) -> dict[str, Any]:
    member = request.member  # type: ignore[attr-defined]
    dispatch = dispatches(member)
    forms_: dict[str, forms.Form] = {
        "phase": PhaseForm(),
        "safety": SafetyForm(initial={"safety_status": order.safety_status}),
        "note": NoteForm(),
    }
    lines = list(order.items.all())
    context: dict[str, Any] = {
        "member": member,
        "dispatch": dispatch,
        "order": order,
        "lines": lines,
        "needs_documents": any(line.item.required_documents.all() for line in lines),
        "events": list(order.events.all()),
        "steps": _phase_steps(order),
        "next_step": _next_step(order),
        "next_step_blocked": policies.advance_problem(order),
        "can_record_safety": order.status == InstallationStatus.IN_PROGRESS,
        "outcome": outcome,
        "panel": panel,
        "nav": "board",
    }
    if dispatch:
        suggested_type = selectors.suggested_technician_type(order)
        technicians = list(selectors.member_technicians(member))
        schedulable = policies.schedulable(order.status, order.phase)
        working_hours = selectors.provider_working_hours(order.provider)
        day = selectors.default_schedule_day(order, working_hours=working_hours)
        forms_["technician"] = TechnicianAssignForm(
            initial={"technician": order.technician_id or ""},
            technicians=technicians,
            busy=_busy_technicians(order, [t.pk for t in technicians]),
            suggested_type=suggested_type,
        )
        forms_["schedule"] = ScheduleForm(
            initial={
                "appointment": schedulable[-1] if schedulable else Appointment.SURVEY,
                "day": day,
                "start": f"{policies.SURVEY_START:%H:%M}",
            },
            availability_url=reverse("workspace:order-availability", args=[order.pk]),
        )
        forms_["payment"] = PaymentForm(initial={"reference": order.payment_reference})
        card = payment_selectors.order_payment(order=order)
        if member.role == OWNER:
            forms_["refund"] = RefundForm()
        forms_["review"] = DocumentReviewForm()
        certificate, invoice = document_selectors.issued_documents(order)
        context.update(
            documents=[
                {
                    "requirement": requirement,
                    "verdicts": _verdicts(requirement.document),
                }
                for requirement in document_selectors.order_requirements(order)
            ],
            certificate=certificate,
            invoice=invoice,
            emails=list(order.emails.all()),
            schedulable=schedulable,
            quote=charge_breakup([(line.item.name, line.price) for line in lines]),
            can_complete=order.status == InstallationStatus.IN_PROGRESS
            and order.phase == PHASES[-1],
            complete_blocked=policies.complete_problem(order),
            can_take_payment=order.payment_status != PaymentStatus.PAID
            and order.status != InstallationStatus.CANCELLED
            and not (card and card.status in REFUNDABLE),
            card=card,
            card_receipt=payment_selectors.payment_receipt(payment=card) if card else None,
            can_refund=member.role == OWNER and card is not None and card.status in REFUNDABLE,
            suggested_type=suggested_type,
            suggested_type_label=TechnicianType(suggested_type).label if suggested_type else "",
            **_availability_context(
                order, day, policies.APPOINTMENT_HOURS, suggested_type, working_hours
            ),
        )
    if outcome is not None and outcome.form is not None:
        forms_[panel] = outcome.form
    context["forms"] = forms_
    return context


@installer_view("orders.view_order")
def order_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one order, and what the member may do with it."""
    order = selectors.member_order(member=request.member, order_id=pk, detail=True)  # type: ignore[attr-defined]
    if refused := _method_not_allowed(request, "GET"):
        return refused
    return render(request, "workspace/order_detail.html", _detail_context(request, order))


@installer_view("orders.view_order")
def order_availability(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is free on a day, for the slot picker (an htmx partial)."""
    member = request.member  # type: ignore[attr-defined]
    order = selectors.member_order(member=member, order_id=pk, detail=True)
    if refused := _method_not_allowed(request, "GET"):
        return refused
    if not dispatches(member):
        raise PermissionDenied
    form = ScheduleForm(request.GET)
    form.is_valid()
    working_hours = selectors.provider_working_hours(order.provider)
    day = form.cleaned_data.get("day") or selectors.default_schedule_day(
        order, working_hours=working_hours
    )
    hours = form.cleaned_data.get("hours") or policies.APPOINTMENT_HOURS
    technician_type = selectors.suggested_technician_type(order)
    context = _availability_context(order, day, hours, technician_type, working_hours)
    return render(request, "workspace/orders/_availability.html", context)


# --- Actions ------------------------------------------------------------------------------------


def _form_problem(form: forms.Form) -> str:
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name.replace("_", " ").capitalize()) if field else ""
        problems.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return " ".join(problems)


class _Invalid(Exception):
    def __init__(self, form: forms.Form) -> None:
        self.form = form


FormT = TypeVar("FormT", bound=forms.Form)


def _valid(form: FormT) -> FormT:
    """The posted form, valid; else the action stops there and the panel shows its errors."""
    if not form.is_valid():
        raise _Invalid(form)
    return form


def order_action(
    permission: str, *, panel: str, dispatch_only: bool = False, owner_only: bool = False
) -> Callable[[Callable[..., Outcome]], Callable[..., HttpResponse]]:
    """A POST on one of the member's orders that answers the order's panels (htmx) or
    redirects to its page with a message. The action returns an Outcome; an invalid form
    (_valid), an OrderError, a DocumentsError or a PaymentError it raises is shown as the
    error. `dispatch_only` refuses technicians, `owner_only` everyone but the owners."""

    def decorator(action: Callable[..., Outcome]) -> Callable[..., HttpResponse]:
        @installer_view(permission)
        @wraps(action)
        def view(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            member = request.member  # type: ignore[attr-defined]
            order = selectors.member_order(member=member, order_id=pk)
            if refused := _method_not_allowed(request, "POST"):
                return refused
            if (dispatch_only and not dispatches(member)) or (owner_only and member.role != OWNER):
                raise PermissionDenied
            try:
                outcome = action(request, order, **kwargs)
            except _Invalid as invalid:
                outcome = Outcome(error=_form_problem(invalid.form), form=invalid.form)
            except (OrderError, DocumentsError, PaymentError) as exc:
                outcome = Outcome(error=str(exc))
            if is_htmx(request):
                order = selectors.member_order(member=member, order_id=pk, detail=True)
                response = render(
                    request,
                    "workspace/orders/_panels.html",
                    _detail_context(request, order, outcome, panel),
                )
                if not outcome.error:
                    response["HX-Trigger"] = "order-changed"
                return response
            if outcome.error:
                messages.error(request, outcome.error)
            else:
                messages.success(request, outcome.notice)
            return redirect("workspace:order", pk=pk)

        return view

    return decorator


@order_action("orders.change_order", panel="phase")
def order_phase(request: HttpRequest, order: Order) -> Outcome:
    form = _valid(PhaseForm(request.POST))
    order = services.order_phase_advance(
        order=order, actor=actor_for_user(request.user), reason=form.cleaned_data["reason"]
    )
    return Outcome(notice=f"The installation is now in {order.get_phase_display().lower()}.")


@order_action("orders.change_order", panel="safety")
def order_safety(request: HttpRequest, order: Order) -> Outcome:
    form = _valid(SafetyForm(request.POST))
    order = services.order_safety_record(
        order=order,
        safety_status=form.cleaned_data["safety_status"],
        actor=actor_for_user(request.user),
        reason=form.cleaned_data["reason"],
    )
    return Outcome(notice=f"Safety: {order.get_safety_status_display().lower()}.")


@order_action("orders.change_order", panel="note")
def order_note(request: HttpRequest, order: Order) -> Outcome:
    form = _valid(NoteForm(request.POST))
    services.order_note_add(
        order=order, text=form.cleaned_data["text"], actor=actor_for_user(request.user)
    )
    return Outcome(notice="Note added to the timeline.")


@order_action("orders.change_order", panel="schedule", dispatch_only=True)
def order_schedule(request: HttpRequest, order: Order) -> Outcome:
    form = _valid(ScheduleForm(request.POST))
    slot = form.slot(order.zone)
    appointment = Appointment(form.cleaned_data["appointment"])
    services.order_schedule(
        order=order,
        appointment=appointment,
        slot=slot,
        actor=actor_for_user(request.user),
        reason=form.cleaned_data["reason"],
    )
    when = zones.moment_in_words(slot.start, order.site_time_zone)
    return Outcome(notice=f"{appointment.label} booked on {when}.")


@order_action("orders.change_order", panel="technician", dispatch_only=True)
def order_technician(request: HttpRequest, order: Order) -> Outcome:
    technicians = list(selectors.member_technicians(request.member))  # type: ignore[attr-defined]
    form = _valid(TechnicianAssignForm(request.POST, technicians=technicians, busy={}))
    technician = next(t for t in technicians if str(t.pk) == form.cleaned_data["technician"])
    services.order_technician_assign(
        order=order, technician=technician, actor=actor_for_user(request.user)
    )
    return Outcome(notice=f"{technician.name} is assigned.")


@order_action("orders.change_order", panel="payment", dispatch_only=True)
def order_payment(request: HttpRequest, order: Order) -> Outcome:
    form = _valid(PaymentForm(request.POST))
    services.order_payment_record(
        order=order,
        status=PaymentStatus.PAID,
        actor=actor_for_user(request.user),
        reference=form.cleaned_data["reference"],
    )
    return Outcome(notice="Payment recorded as received.")


@order_action("orders.change_order", panel="refund", owner_only=True)
def order_refund(request: HttpRequest, order: Order) -> Outcome:
    """Give the order's card payment back at its gateway (the buyer app hears of it)."""
    form = _valid(RefundForm(request.POST))
    card = payment_selectors.order_payment(order=order)
    if card is None:
        return Outcome(error="Nothing was paid by card for this order.")
    card = payment_services.payment_refund(
        payment=card, actor=actor_for_user(request.user), reason=form.cleaned_data["reason"]
    )
    return Outcome(notice=f"The payment is refunded ({card.refund_reference or 'at the gateway'}).")


@order_action("orders.change_order", panel="complete", dispatch_only=True)
def order_complete(request: HttpRequest, order: Order) -> Outcome:
    form = _valid(PhaseForm(request.POST))
    services.order_complete(
        order=order, actor=actor_for_user(request.user), reason=form.cleaned_data["reason"]
    )
    return Outcome(
        notice="The installation is completed; its certificate and invoice follow shortly."
    )


@order_action("orders.change_order", panel="issue", dispatch_only=True)
def order_documents_issue(request: HttpRequest, order: Order) -> Outcome:
    certificate, invoice = document_services.order_documents_issue(order=order)
    return Outcome(notice=f"Certificate {certificate.number} and invoice {invoice.number} issued.")


@order_action("documents.change_document", panel="review", dispatch_only=True)
def document_review(request: HttpRequest, order: Order, document_id: Any) -> Outcome:
    document = get_object_or_404(Document.objects.filter(order=order), pk=document_id)
    form = _valid(DocumentReviewForm(request.POST))
    document = document_services.document_verify(
        document=document,
        status=form.cleaned_data["status"],
        reviewer=actor_for_user(request.user),
        reason=form.cleaned_data["reason"],
    )
    return Outcome(
        notice=f"{document.document_type.name}: "
        f"{document.get_verification_status_display().lower()}."
    )
