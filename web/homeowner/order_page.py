"""What a homeowner's order page shows, read from the orders, documents and ratings selectors:
the installation's progress, its timeline, the documents and what can still be done."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.urls import reverse

from catalog.models import DocumentType, Item
from catalog.taxonomy import InstallationPhase, InstallationStatus
from documents import selectors as documents
from documents.models import Document, Submission
from orders import policies
from orders.models import Order, OrderEvent
from orders.policies import Slot
from orders.selectors import provider_working_hours, public_events
from payments.models import Payment
from ratings.models import Rating
from ratings.selectors import order_review, provider_reputation
from web.homeowner.order_forms import CancelForm, DocumentFilesForm, RescheduleForm
from web.homeowner.payment import payment_panel
from web.homeowner.rating_forms import OrderRatingForm

POLL_SECONDS = 3


@dataclass(frozen=True)
class PhaseStep:
    label: str
    state: str  # "done", "current" or "upcoming"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    reason: str


@dataclass(frozen=True)
class DocumentRow:
    item: Item
    document_type: DocumentType
    document: Document | None
    url: str


@dataclass(frozen=True)
class UploadForm:
    """The form to send an item's documents (again) from the order page."""

    item: Item
    form: DocumentFilesForm
    action: str
    needed: list[DocumentType] = field(default_factory=list)
    error: str = ""  # about the whole upload (too large)


def phase_steps(order: Order) -> list[PhaseStep]:
    phases = list(InstallationPhase)
    if order.status == InstallationStatus.COMPLETED:
        reached = len(phases)
    elif order.phase:
        reached = phases.index(InstallationPhase(order.phase))
    else:
        reached = -1
    steps = []
    for index, phase in enumerate(phases):
        if index < reached:
            state = "done"
        elif index == reached:
            state = "current" if order.status == InstallationStatus.IN_PROGRESS else "stopped"
        else:
            state = "upcoming"
        steps.append(PhaseStep(phase.label, state))
    return steps


def timeline(order: Order) -> list[TimelineEntry]:
    """The order's changes, newest first, in words."""
    entries = []
    for event in public_events(order):
        to_value = event.to_label
        if event.kind == OrderEvent.Kind.CREATED:
            title = f"Order placed: {event.to_value}"
        elif to_value:
            title = f"{event.get_kind_display()}: {to_value}"
        else:
            title = str(event.get_kind_display())
        entries.append(TimelineEntry(event.created_at, title, event.reason))
    return entries[::-1]


def order_fingerprint(order: Order) -> str:
    """Changes whenever anything the page shows changes: the order (every service call saves
    it), its documents (uploads, verdicts), its rating or its card payment (a declined card)."""
    uploads = Document.objects.filter(order=order).aggregate(
        n=Count("pk"), uploaded=Max("uploaded_at"), reviewed=Max("reviewed_at")
    )
    rated = Rating.objects.filter(order=order).aggregate(at=Max("updated_at"), n=Count("pk"))
    card = Payment.objects.filter(order=order).values_list("status", "checkout_attempt").first()
    parts = [order.updated_at, *uploads.values(), *rated.values(), card]
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _upload_forms(
    order: Order, bound: DocumentFilesForm | None, bound_item: int | None, error: str
) -> list[UploadForm]:
    if order.is_closed:
        return []
    submissions = {s.item_id: s for s in Submission.objects.filter(order=order)}
    forms = []
    for line in order.items.all():
        item = line.item
        if not documents.required_types(item):
            continue
        state = documents.form_state(item, documents.current_documents(submissions.get(item.pk)))
        if not state.open:
            continue
        form = (
            bound
            if bound is not None and bound_item == item.pk
            else DocumentFilesForm(needed=state.needed, replaceable=state.replaceable)
        )
        action = reverse(
            "orders:order-documents-upload", args=[order.installation_request_id, item.pk]
        )
        forms.append(
            UploadForm(
                item=item,
                form=form,
                action=action,
                needed=state.needed,
                error=error if bound_item == item.pk else "",
            )
        )
    return forms


def order_page(
    order: Order,
    *,
    cancel_form: CancelForm | None = None,
    reschedule_form: RescheduleForm | None = None,
    rating_form: OrderRatingForm | None = None,
    upload_form: DocumentFilesForm | None = None,
    upload_item: int | None = None,
    upload_error: str = "",
) -> dict[str, Any]:
    """The context of the order page and of its live part; bound forms show their errors."""
    ir = order.installation_request_id
    certificate, invoice = documents.issued_documents(order)
    rows = [
        DocumentRow(
            item=r.item,
            document_type=r.document_type,
            document=r.document,
            url=reverse("orders:order-document", args=[ir, r.document.pk]) if r.document else "",
        )
        for r in documents.order_requirements(order)
    ]
    appointment = policies.reschedulable(order.status, order.phase)
    if reschedule_form is None and appointment:
        survey = appointment == policies.Appointment.SURVEY
        current = order.survey_start if survey else order.installation_start
        initial = (
            RescheduleForm.initial_for(Slot(current, current), order.site_time_zone)
            if current is not None
            else {}
        )
        reschedule_form = RescheduleForm(
            initial=initial,
            zone_name=order.site_time_zone,
            working_hours=provider_working_hours(order.provider),
        )
    review = order_review(order=order)
    if rating_form is None:
        initial = {"value": review.value, "comment": review.public_comment} if review else {}
        rating_form = OrderRatingForm(initial=initial)
    return {
        "order": order,
        "fingerprint": order_fingerprint(order),
        "poll_seconds": POLL_SECONDS,
        "phases": phase_steps(order),
        "timeline": timeline(order),
        "items": [line.item for line in order.items.all()],
        "document_rows": rows,
        "upload_forms": _upload_forms(order, upload_form, upload_item, upload_error),
        "certificate": certificate,
        "invoice": invoice,
        "card": payment_panel(order),
        "can_cancel": policies.can_cancel(order.status, order.phase),
        "cancel_form": cancel_form or CancelForm(),
        "appointment": appointment.label.lower() if appointment else "",
        "reschedule_form": reschedule_form,
        # The ratings panel (templates/ratings/_order_panel.html), posting to our own page.
        "review": review,
        "reputation": provider_reputation(provider=order.provider),
        "can_rate": order.status == InstallationStatus.COMPLETED,
        "rating_form": rating_form,
        "rating_action": reverse("orders:order-rate", args=[ir]),
    }
