"""The installer's side of documents (staff, until installers have accounts): review uploaded
documents, download them, and see the certificates and invoices issued."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from catalog.taxonomy import VerificationStatus
from documents import services
from documents.errors import IllegalReview
from documents.models import Certificate, Document, Invoice, Submission
from orders.actors import actor_for_user


def reviewer(request: HttpRequest) -> str:
    return actor_for_user(request.user)


class DocumentReviewForm(forms.ModelForm):
    """The verdict and its reason; checked like the service checks it."""

    class Meta:
        model = Document
        fields = ["verification_status", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        status = cleaned.get("verification_status")
        stored = Document.objects.get(pk=self.instance.pk)
        if status and status != stored.verification_status:
            problem = services.review_problem(stored, status, cleaned.get("reason") or "")
            if problem:
                raise forms.ValidationError(problem)
        return cleaned


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentReviewForm
    list_display = [
        "document_type",
        "order",
        "item",
        "verification_status",
        "is_current",
        "uploaded_at",
        "size",
        "download",
    ]
    list_filter = ["verification_status", "is_current", "document_type"]
    search_fields = ["order__installation_request_id", "sha256", "submission__id"]
    list_select_related = ["document_type", "order", "submission__item"]
    readonly_fields = [
        "document_type",
        "order",
        "submission",
        "download",
        "original_name",
        "size",
        "sha256",
        "content_type",
        "uploaded_by",
        "uploaded_at",
        "is_current",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["mark_verified"]

    @admin.display(description="Item")
    def item(self, document: Document) -> str:
        return document.submission.item.name

    @admin.display(description="File")
    def download(self, document: Document) -> str:
        url = reverse("documents:installer_document", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        """A verdict goes through the service (timeline, buyer app told); nothing else changes."""
        stored = Document.objects.get(pk=obj.pk)
        if obj.verification_status != stored.verification_status:
            services.document_verify(
                document=obj,
                status=obj.verification_status,
                reviewer=reviewer(request),
                reason=obj.reason,
            )

    @admin.action(description="Mark the selected documents verified")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        done = 0
        for document in queryset:
            try:
                services.document_verify(
                    document=document,
                    status=VerificationStatus.VERIFIED,
                    reviewer=reviewer(request),
                )
                done += 1
            except IllegalReview as exc:
                self.message_user(request, f"{document}: {exc}", messages.WARNING)
        self.message_user(request, f"{done} document(s) verified.")


class DocumentInline(admin.TabularInline):
    model = Document
    fields = ["document_type", "verification_status", "reason", "is_current", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["id", "item", "order", "customer_name", "complete", "submitted_at"]
    list_filter = ["complete"]
    search_fields = ["id", "order__installation_request_id", "customer_name", "transaction_id"]
    list_select_related = ["item", "order"]
    inlines = [DocumentInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class IssuedAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "issued_at", "download"]
    search_fields = ["number", "order__installation_request_id"]
    list_select_related = ["order"]
    url_name = ""

    @admin.display(description="PDF")
    def download(self, issued: Certificate | Invoice) -> str:
        url = reverse(f"documents:{self.url_name}", args=[issued.pk])
        return format_html('<a href="{}">{}.pdf</a>', url, issued.number)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + ["download"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(IssuedAdmin):
    url_name = "installer_certificate"


@admin.register(Invoice)
class InvoiceAdmin(IssuedAdmin):
    url_name = "installer_invoice"
    list_display = [
        "number",
        "order",
        "total",
        "currency",
        "payment_status",
        "issued_at",
        "download",
    ]
