"""Writes of documents: form submissions, the installer's verdicts, certificates and invoices.

The order's documentation status follows from its documents; it is kept on the order through
orders.services.order_documentation_update, which puts it on the timeline and announces it.
"""

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from catalog.models import DocumentType, Item
from catalog.taxonomy import (
    EquipmentType,
    InstallationPhase,
    InstallationStatus,
    PaymentStatus,
    TechnicianType,
    VerificationStatus,
)
from documents import pdf, selectors
from documents.errors import DocumentsError, FormClosed, IllegalReview, SubmissionConflict
from documents.models import Certificate, Document, Invoice, Submission
from documents.storage import documents_storage
from documents.tokens import FormScope
from documents.uploads import InspectedUpload
from orders.models import Order, OrderEvent, PaymentTerms
from orders.services import order_documentation_update

logger = logging.getLogger(__name__)
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

# The verdicts an installer may give, from each state. A document to revise waits for a new
# upload; a rejected one can be re-opened for revision.
REVIEWS: dict[str, tuple[str, ...]] = {
    VerificationStatus.PENDING: (
        VerificationStatus.VERIFIED,
        VerificationStatus.REJECTED,
        VerificationStatus.NEEDS_REVISION,
    ),
    VerificationStatus.VERIFIED: (VerificationStatus.REJECTED, VerificationStatus.NEEDS_REVISION),
    VerificationStatus.REJECTED: (VerificationStatus.NEEDS_REVISION,),
    VerificationStatus.NEEDS_REVISION: (),
}
NEEDS_REASON = (VerificationStatus.REJECTED, VerificationStatus.NEEDS_REVISION)


def _number(prefix: str, length: int = 10) -> str:
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(length))
    return f"{prefix}-{timezone.now():%y%m}-{suffix[:5]}-{suffix[5:]}"


def _documentation_refresh(*, order: Order, actor: str, reason: str = "") -> None:
    status = selectors.documentation_status(order)
    if status is not None:
        order_documentation_update(order=order, status=status, actor=actor, reason=reason)


# --- Forms ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    document_type: DocumentType
    file: UploadedFile
    inspected: InspectedUpload


def _submission_for(scope: FormScope, item: Item) -> Submission:
    """The scope's submission, created if needed, locked (the caller is inside atomic)."""
    if scope.order_id is not None:
        submission, _ = Submission.objects.get_or_create(order_id=scope.order_id, item=item)
    else:
        submission, _ = Submission.objects.get_or_create(
            buyer_reference=scope.buyer_reference, transaction_id=scope.transaction_id, item=item
        )
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("order", "item")
        .get(pk=submission.pk)
    )


def form_check_open(order: Order | None) -> None:
    """Raises FormClosed when the order takes no more documents."""
    if order is not None and order.is_closed:
        raise FormClosed(
            f"Order {order.installation_request_id} is {order.get_status_display().lower()}: "
            "it takes no more documents."
        )


def submission_submit(
    *,
    scope: FormScope,
    item: Item,
    details: dict[str, Any],
    uploads: list[Upload],
    uploaded_by: str,
) -> Submission:
    """Keep a filled form: its details and its (already inspected) files, each under a
    generated name in the private storage. All or nothing: on any failure no row and no file
    remains. Raises FormClosed or SubmissionConflict."""
    storage = documents_storage()
    saved: list[str] = []
    try:
        with transaction.atomic():
            submission = _submission_for(scope, item)
            form_check_open(submission.order)
            current = selectors.current_documents(submission)
            state = selectors.form_state(item, current)
            open_types = {t.pk for t in state.needed + state.replaceable}
            for upload in uploads:
                if upload.document_type.pk not in open_types:
                    raise SubmissionConflict(
                        f"{upload.document_type.name} was reviewed meanwhile; reload the form."
                    )
            lacking = {t.pk for t in state.needed} - {u.document_type.pk for u in uploads}
            if lacking:
                raise SubmissionConflict("The form changed meanwhile; reload it.")
            for name, value in details.items():
                setattr(submission, name, value)
            now = timezone.now()
            submission.consent_at = submission.submitted_at = now
            for upload in uploads:
                previous = current.get(upload.document_type.pk)
                if previous is not None:
                    Document.objects.filter(pk=previous.pk).update(is_current=False)
                document = Document(
                    submission=submission,
                    order=submission.order,
                    document_type=upload.document_type,
                    original_name=upload.inspected.display_name,
                    size=upload.inspected.size,
                    sha256=upload.inspected.sha256,
                    content_type=upload.inspected.content_type,
                    uploaded_by=uploaded_by,
                )
                upload.file.seek(0)
                stored = storage.save(
                    f"documents/{submission.pk}/{uuid.uuid4().hex}.{upload.inspected.extension}",
                    upload.file,
                )
                saved.append(stored)
                document.file.name = stored
                document.save()
                current[upload.document_type.pk] = document
            submission.complete = selectors.is_complete(item, current)
            submission.save()
            if submission.order is not None:
                _documentation_refresh(order=submission.order, actor=uploaded_by)
    except BaseException:
        for name in saved:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not remove %s after a failed submission", name)
        raise
    return submission


@transaction.atomic
def order_documents_attach(
    *,
    order: Order,
    submissions: list[Submission],
    actor: str,
    buyer_reference: str = "",
    transaction_id: str = "",
) -> None:
    """Link the forms filled before the order to it, open one for each other item that needs
    documents, and set the order's documentation status from them."""
    given = {s.item_id: s for s in submissions}
    for line in order.items.select_related("item"):
        if not selectors.required_types(line.item):
            continue
        submission = given.get(line.item_id)
        if submission is None:
            submission, _ = Submission.objects.get_or_create(
                order=order,
                item=line.item,
                defaults={"buyer_reference": buyer_reference, "transaction_id": transaction_id},
            )
        Submission.objects.filter(pk=submission.pk).update(order=order)
        Document.objects.filter(submission=submission).update(order=order)
    _documentation_refresh(order=order, actor=actor)


# --- The installer's verdict --------------------------------------------------------------------


def review_problem(document: Document, status: str, reason: str) -> str:
    """Why this verdict cannot be given ('' when it can)."""
    if not document.is_current:
        return "A newer file of this document has been uploaded; review that one."
    if status not in REVIEWS.get(document.verification_status, ()):
        before = VerificationStatus(document.verification_status).label.lower()
        return f"A document that is {before} cannot be marked {status.lower()}."
    if status in NEEDS_REASON and not reason.strip():
        return "Say why: the homeowner sees the reason."
    return ""


@transaction.atomic
def document_verify(
    *, document: Document, status: str, reviewer: str, reason: str = ""
) -> Document:
    """Give the installer's verdict on a document: VERIFIED, REJECTED or NEEDS_REVISION (the
    last two with a reason). Revision re-opens the form and, like a rejection, is told to the
    buyer with the document and the reason. Raises IllegalReview."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("document_type", "submission__item", "order")
        .get(pk=document.pk)
    )
    status = VerificationStatus(status)
    if problem := review_problem(document, status, reason):
        raise IllegalReview(problem)
    document.verification_status = status
    document.reason = reason.strip() if status in NEEDS_REASON else ""
    document.reviewed_by, document.reviewed_at = reviewer, timezone.now()
    document.save(update_fields=["verification_status", "reason", "reviewed_by", "reviewed_at"])
    submission = document.submission
    submission.complete = selectors.is_complete(
        submission.item, selectors.current_documents(submission)
    )
    submission.save(update_fields=["complete", "updated_at"])
    if document.order is not None:
        notice = (
            f"{document.document_type.name}: {status.label.lower()} - {document.reason}"
            if status in NEEDS_REASON
            else ""
        )
        _documentation_refresh(order=document.order, actor=reviewer, reason=notice)
    return document


# --- Certificate and invoice --------------------------------------------------------------------


def _store_pdf(folder: str, number: str, content: bytes) -> tuple[str, str]:
    """Save a PDF under a new unique name (a rollback of the caller's transaction leaves an
    unreferenced file behind, never a wrong one)."""
    name = documents_storage().save(
        f"{folder}/{number}-{uuid.uuid4().hex[:8]}.pdf", ContentFile(content)
    )
    return name, hashlib.sha256(content).hexdigest()


def _system(order: Order) -> list[tuple[str, str]]:
    system = []
    for line in order.items.select_related("item__category"):
        item = line.item
        parts = [item.category.name]
        if item.system_capacity:
            parts.append(f"capacity {item.system_capacity}")
        if item.equipment_type:
            parts.append(f"equipment {EquipmentType(item.equipment_type).label.lower()}")
        system.append((item.name, ", ".join(parts)))
    return system


def _phases(order: Order) -> list[tuple[str, Any]]:
    return [
        (InstallationPhase(event.to_value).label, event.created_at.date())
        for event in order.events.filter(kind=OrderEvent.Kind.PHASE).order_by("created_at", "id")
        if event.to_value in InstallationPhase.values
    ]


def _contact(order: Order) -> str:
    provider = order.provider
    return ", ".join(filter(None, [provider.contact_phone, provider.contact_email])) or "-"


def certificate_issue(*, order: Order) -> Certificate:
    """The installation certificate of a completed order (issued once)."""
    existing = Certificate.objects.filter(order=order).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    technician = order.technician
    system = _system(order)
    for _ in range(5):
        number = _number("IC")
        verification_url = selectors.absolute_url(reverse("documents:certificate", args=[number]))
        content = pdf.CertificateContent(
            number=number,
            homeowner=order.customer_name,
            site_address=order.site_address,
            installer=order.provider.name,
            installer_contact=_contact(order),
            technician=(
                f"{technician.name} ({TechnicianType(technician.technician_type).label})"
                if technician
                else ""
            ),
            installation_request_id=order.installation_request_id,
            system=system,
            ordered_on=timezone.localdate(order.created_at),
            survey_on=timezone.localdate(order.survey_start) if order.survey_start else None,
            installed_on=(
                timezone.localdate(order.installation_start) if order.installation_start else None
            ),
            completed_on=today,
            phases=_phases(order),
            safety=order.get_safety_status_display(),
            verification_url=verification_url,
        )
        name, digest = _store_pdf("certificates", number, pdf.certificate_pdf(content))
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    order=order,
                    number=number,
                    pdf=name,
                    sha256=digest,
                    issued_at=timezone.now(),
                    homeowner_name=order.customer_name,
                    site_address=order.site_address,
                    installer_name=order.provider.name,
                    system="; ".join(f"{n}: {d}" for n, d in system)[:500],
                    completed_on=today,
                )
        except IntegrityError:  # the random number was taken: draw another
            documents_storage().delete(name)
    raise IntegrityError("Could not draw a unique certificate number.")


def _invoice_content(order: Order, invoice: Invoice) -> pdf.InvoiceContent:
    rate = invoice.tax_rate_percent
    tax = invoice.tax_amount
    return pdf.InvoiceContent(
        number=invoice.number,
        issued_on=timezone.localdate(invoice.issued_at),
        installer=order.provider.name,
        installer_contact=_contact(order),
        billed_to=[
            order.billing_name,
            order.billing_address,
            order.billing_email,
            order.billing_phone,
        ],
        installation_request_id=order.installation_request_id,
        site_address=order.site_address,
        currency=order.currency,
        lines=[(line.item.name, line.price) for line in order.items.select_related("item")],
        net=invoice.total - tax,
        tax_rate_percent=rate,
        tax=tax,
        total=invoice.total,
        payment_status=PaymentStatus(order.payment_status).label,
        payment_terms=PaymentTerms(order.payment_terms).label,
        payment_reference=order.payment_reference,
    )


def _included_tax(total: Decimal, rate_percent: Decimal) -> Decimal:
    """The tax included in a total at the given rate, to the cent."""
    if not rate_percent:
        return Decimal("0.00")
    net = total / (1 + rate_percent / 100)
    return (total - net).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def invoice_issue(*, order: Order) -> Invoice:
    """The invoice of a completed order (issued once), numbered in sequence per installer and
    year; prices are tax-inclusive at DOCUMENTS_TAX_RATE_PERCENT."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    now = timezone.now()
    rate = settings.DOCUMENTS_TAX_RATE_PERCENT
    for _ in range(5):
        last = Invoice.objects.filter(provider=order.provider, year=now.year).aggregate(
            last=Max("sequence")
        )["last"]
        sequence = (last or 0) + 1
        invoice = Invoice(
            order=order,
            provider=order.provider,
            year=now.year,
            sequence=sequence,
            number=f"INV-{now.year}-{sequence:05d}",
            issued_at=now,
            currency=order.currency,
            total=order.total,
            tax_rate_percent=rate,
            tax_amount=_included_tax(order.total, rate),
            payment_status=order.payment_status,
        )
        name, digest = _store_pdf(
            "invoices", invoice.number, pdf.invoice_pdf(_invoice_content(order, invoice))
        )
        invoice.pdf, invoice.sha256 = name, digest
        try:
            with transaction.atomic():
                invoice.save()
            return invoice
        except IntegrityError:  # another invoice took this sequence number meanwhile
            documents_storage().delete(name)
    raise IntegrityError("Could not number the invoice.")


def invoice_refresh(*, order: Order) -> Invoice | None:
    """Re-issue the invoice's PDF (same number) when the order's payment status changed."""
    invoice = Invoice.objects.select_for_update().filter(order=order).first()
    if invoice is None or invoice.payment_status == order.payment_status:
        return invoice
    previous = invoice.pdf.name
    invoice.payment_status = order.payment_status
    name, digest = _store_pdf(
        "invoices", invoice.number, pdf.invoice_pdf(_invoice_content(order, invoice))
    )
    invoice.pdf, invoice.sha256 = name, digest
    invoice.save(update_fields=["payment_status", "pdf", "sha256", "updated_at"])
    transaction.on_commit(lambda: documents_storage().delete(previous))
    return invoice


def order_documents_issue(*, order: Order) -> tuple[Certificate, Invoice]:
    """The certificate and invoice of a completed order (each issued once). Raises
    DocumentsError for an order that is not completed."""
    if order.status != InstallationStatus.COMPLETED:
        raise DocumentsError("The certificate and invoice come with a completed installation.")
    return certificate_issue(order=order), invoice_issue(order=order)
