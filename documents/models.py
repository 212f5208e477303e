"""What homeowners hand in and what installers hand back.

A Submission is one item's document form for one transaction (before the order exists) or one
order: the homeowner's details and the documents uploaded through it. Each Document is one file
of a required type, with its checksum and the installer's verdict. A completed installation gets
a Certificate (publicly verifiable by its number) and an Invoice. Files live in the private
storage (documents.storage); names given by uploaders are only ever displayed.
"""

import uuid

from django.db import models
from django.db.models import Q

from catalog.models import DocumentType, Item, Provider
from catalog.taxonomy import LocationType, PaymentStatus, VerificationStatus
from documents.storage import documents_storage
from orders.models import Order


class Submission(models.Model):
    """The document form of one item: for a buyer's transaction and/or, once placed, an order.

    Its id is the `submission_id` a buyer app quotes when it confirms the order.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="document_submissions")
    buyer_reference = models.CharField(
        max_length=255, blank=True, help_text="The buyer (app) whose transaction this form is for."
    )
    transaction_id = models.CharField(max_length=255, blank=True)
    order = models.ForeignKey(
        Order,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_submissions",
    )

    # Customer details
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.EmailField(blank=True)
    customer_phone = models.CharField(max_length=32, blank=True)
    site_address = models.CharField(max_length=500, blank=True)
    # Technical details
    property_type = models.CharField(max_length=12, choices=LocationType.choices, blank=True)
    roof_type = models.CharField(max_length=100, blank=True)
    main_panel_amps = models.PositiveIntegerField(null=True, blank=True)
    utility_name = models.CharField(max_length=200, blank=True)
    utility_account_number = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)

    complete = models.BooleanField(
        default=False,
        help_text="Every document the item requires is uploaded, none rejected or to revise.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer_reference", "transaction_id", "item"],
                condition=~Q(transaction_id=""),
                name="documents_submission_unique_transaction_item",
            ),
            models.UniqueConstraint(
                fields=["order", "item"],
                condition=Q(order__isnull=False),
                name="documents_submission_unique_order_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} form {self.id}"


class Document(models.Model):
    """One uploaded file of a required document type, and the installer's verdict on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="documents")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(storage=documents_storage, max_length=255)
    original_name = models.CharField(
        max_length=255, help_text="The uploader's file name, for display only."
    )
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=32, help_text="As found from the content.")
    uploaded_by = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(
        default=True, help_text="The latest upload of its type in its submission."
    )
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected or must be revised.")
    reviewed_by = models.CharField(max_length=255, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document_type__position", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "document_type"],
                condition=Q(is_current=True),
                name="documents_document_one_current_per_type",
            ),
        ]
        indexes = [models.Index(fields=["order", "is_current"])]

    def __str__(self) -> str:
        return f"{self.document_type} ({self.get_verification_status_display()})"


class IssuedDocument(models.Model):
    """A PDF the platform issues for an order."""

    number = models.CharField(max_length=40)
    pdf = models.FileField(storage=documents_storage, max_length=255)
    sha256 = models.CharField(max_length=64, help_text="Fingerprint of the PDF file.")
    issued_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class Certificate(IssuedDocument):
    """The installation certificate of a completed order. What it states is kept as issued, so
    that its public verification page shows exactly that."""

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="installation_certificate"
    )
    homeowner_name = models.CharField(max_length=200)
    site_address = models.CharField(max_length=500)
    installer_name = models.CharField(max_length=200)
    system = models.CharField(max_length=500, help_text="Capacity and equipment installed.")
    completed_on = models.DateField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="documents_certificate_unique_number")
        ]


class Invoice(IssuedDocument):
    """The invoice of a completed order, numbered in sequence per installer and year."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    tax_rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2)
    payment_status = models.CharField(max_length=10, choices=PaymentStatus.choices)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "year", "sequence"], name="documents_invoice_unique_sequence"
            ),
        ]
