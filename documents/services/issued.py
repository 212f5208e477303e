"""Installation certificates and invoices of completed orders (PDF, in the private storage)."""

import hashlib
import secrets
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from catalog.lock_objects import providers_lock
from catalog.taxonomy import (
    EquipmentType,
    InstallationPhase,
    InstallationStatus,
    PaymentStatus,
    TechnicianType,
)
from documents import pdf, selectors
from documents.errors import DocumentsError
from documents.lock_objects import invoice_lock
from documents.models import Certificate, Invoice
from documents.storage import documents_storage
from orders.actors import SYSTEM
from orders.lock_objects import order_lock
from orders.models import Order, OrderEvent, PaymentTerms
from orders.services.changes import OrderChanges

NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _number(prefix: str, length: int = 10) -> str:
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(length))
    return f"{prefix}-{timezone.now():%y%m}-{suffix[:5]}-{suffix[5:]}"


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


def _completed_on(order: Order) -> date:
    """The day the installation was completed (its COMPLETED event), not the day of issue."""
    completion = (
        order.events.filter(kind=OrderEvent.Kind.STATUS, to_value=InstallationStatus.COMPLETED)
        .order_by("-created_at")
        .first()
    )
    return timezone.localdate(completion.created_at if completion else timezone.now(), order.zone)


def certificate_issue(*, order: Order) -> Certificate:
    """The installation certificate of a completed order (issued once)."""
    existing = Certificate.objects.filter(order=order).first()
    if existing is not None:
        return existing
    completed_on = _completed_on(order)
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
            ordered_on=timezone.localdate(order.created_at, order.zone),
            survey_on=(
                timezone.localdate(order.survey_start, order.zone) if order.survey_start else None
            ),
            installed_on=(
                timezone.localdate(order.installation_start, order.zone)
                if order.installation_start
                else None
            ),
            completed_on=completed_on,
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
                    completed_on=completed_on,
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


@transaction.atomic
def invoice_refresh(*, order: Order) -> Invoice | None:
    """Re-issue the invoice's PDF (same number) when the order's payment status changed since it
    was issued; otherwise (or before it is issued) nothing happens, so a second run has no
    effect. Runs after the payment is recorded (documents.tasks): locks the order, then its
    invoice (the lock order)."""
    order = order_lock(order.pk)
    invoice = invoice_lock(order.pk)
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


@transaction.atomic
def order_documents_issue(*, order: Order) -> tuple[Certificate, Invoice]:
    """The certificate and invoice of a completed order, each issued once. Their issue is kept
    on the order's timeline (an ISSUED event, by the system) and announced (order_changed: the
    buyer app hears of them); a second run finds them and changes nothing.

    Runs after the completion commits (documents.tasks), not inside it: rendering the PDFs keeps
    no order's lock for long. Locks the order's Provider, then the order (the lock order: an
    invoice takes the next number of its installer's sequence). Raises DocumentsError for an
    order that is not completed.
    """
    providers_lock([order.provider_id])
    order = order_lock(order.pk)
    if order.status != InstallationStatus.COMPLETED:
        raise DocumentsError("The certificate and invoice come with a completed installation.")
    certificate, invoice = selectors.issued_documents(order)
    if certificate is not None and invoice is not None:
        return certificate, invoice
    certificate, invoice = certificate_issue(order=order), invoice_issue(order=order)
    changes = OrderChanges(order, SYSTEM)
    changes.add(OrderEvent.Kind.ISSUED, "", f"{certificate.number}, {invoice.number}")
    order.save(update_fields=["updated_at"])
    changes.announce()
    return certificate, invoice
