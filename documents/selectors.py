"""Reads of documents: what a form asks for, where an order's documentation stands, who may
download what."""

import uuid
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from catalog.models import DocumentType, Item
from catalog.selectors import member_for_user
from catalog.taxonomy import DocumentationStatus, InstallationStatus, VerificationStatus
from documents.models import Certificate, Document, Invoice, Submission
from documents.tokens import FormScope, token_for
from orders.models import Order

# Documents that count towards a complete submission.
ACCEPTABLE = (VerificationStatus.PENDING, VerificationStatus.VERIFIED)

Issued = TypeVar("Issued", Certificate, Invoice)
Downloadable = TypeVar("Downloadable", Document, Certificate, Invoice)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def form_url(item: Item) -> str:
    """The public address of an item's document form (the token says for whom)."""
    return absolute_url(
        reverse("documents:form", args=[item.provider.external_id, item.external_id])
    )


def required_types(item: Item) -> list[DocumentType]:
    return list(item.required_documents.all())


def current_documents(submission: Submission | None) -> dict[int, Document]:
    """The latest document of each type in a submission, by document type id."""
    if submission is None:
        return {}
    return {d.document_type_id: d for d in submission.documents.filter(is_current=True)}


@dataclass(frozen=True)
class FormState:
    """Which documents of an item's form still need a file, may be replaced, or are settled."""

    needed: list[DocumentType]
    replaceable: list[DocumentType]
    settled: list[Document]

    @property
    def open(self) -> bool:
        return bool(self.needed or self.replaceable)


def form_state(item: Item, current: dict[int, Document]) -> FormState:
    needed, replaceable, settled = [], [], []
    for document_type in required_types(item):
        document = current.get(document_type.pk)
        if document is None or document.verification_status == VerificationStatus.NEEDS_REVISION:
            needed.append(document_type)
        elif document.verification_status == VerificationStatus.PENDING:
            replaceable.append(document_type)
        else:
            settled.append(document)
    return FormState(needed=needed, replaceable=replaceable, settled=settled)


def _lacking(item: Item, current: dict[int, Document]) -> list[DocumentType]:
    return [
        t
        for t in required_types(item)
        if (document := current.get(t.pk)) is None or document.verification_status not in ACCEPTABLE
    ]


def is_complete(item: Item, current: dict[int, Document]) -> bool:
    return not _lacking(item, current)


def missing_types(item: Item, submission: Submission | None) -> list[DocumentType]:
    """The item's required documents that the submission lacks (or has to revise, or had
    rejected)."""
    return _lacking(item, current_documents(submission))


def submission_for_scope(scope: FormScope) -> Submission | None:
    submissions = Submission.objects.select_related("order", "item__provider")
    if scope.order_id is not None:
        return submissions.filter(order_id=scope.order_id, item_id=scope.item_id).first()
    return submissions.filter(
        buyer_reference=scope.buyer_reference,
        transaction_id=scope.transaction_id,
        item_id=scope.item_id,
    ).first()


def scope_order(scope: FormScope, submission: Submission | None) -> Order | None:
    """The order a form is for, if it has been placed."""
    if submission is not None and submission.order is not None:
        return submission.order
    if scope.order_id is not None:
        return Order.objects.filter(pk=scope.order_id).first()
    return None


@dataclass(frozen=True)
class FormOffer:
    """An item's document form as offered to whoever fills it: its address and its token."""

    item: Item
    url: str
    token: str
    required_before_confirm: bool
    resubmit: bool
    submission_id: str = ""
    document_types: list[DocumentType] = field(default_factory=list)

    @property
    def link(self) -> str:
        """The form's address with its token, for a browser."""
        return f"{self.url}?token={self.token}"


def _offer(item: Item, scope: FormScope, submission: Submission | None) -> FormOffer:
    return FormOffer(
        item=item,
        url=form_url(item),
        token=token_for(scope),
        required_before_confirm=item.documents_required_before_confirm,
        resubmit=form_state(item, current_documents(submission)).open,
        submission_id=str(submission.pk) if submission else "",
        document_types=required_types(item),
    )


def transaction_form(*, buyer_reference: str, transaction_id: str, item: Item) -> FormOffer | None:
    """The form of an item a buyer is about to order (None if it needs no documents)."""
    if not required_types(item):
        return None
    scope = FormScope(
        item_id=item.pk, buyer_reference=buyer_reference, transaction_id=transaction_id
    )
    return _offer(item, scope, submission_for_scope(scope))


@dataclass(frozen=True)
class Requirement:
    """A document an order needs for one of its items, and the file that answers it."""

    item: Item
    document_type: DocumentType
    document: Document | None

    @property
    def status(self) -> str:
        return self.document.verification_status if self.document else ""


@dataclass(frozen=True)
class OrderDocuments:
    requirements: list[Requirement]
    forms: list[FormOffer]
    certificate: Certificate | None
    invoice: Invoice | None

    def form_for(self, item: Item) -> FormOffer | None:
        return next((f for f in self.forms if f.item.pk == item.pk), None)


def order_requirements(order: Order) -> list[Requirement]:
    submissions = {
        s.item_id: s for s in Submission.objects.filter(order=order).prefetch_related("documents")
    }
    requirements = []
    for line in order.items.all():
        submission = submissions.get(line.item_id)
        current = (
            {d.document_type_id: d for d in submission.documents.all() if d.is_current}
            if submission
            else {}
        )
        requirements += [
            Requirement(line.item, t, current.get(t.pk)) for t in required_types(line.item)
        ]
    return requirements


def issued_documents(order: Order) -> tuple[Certificate | None, Invoice | None]:
    """The order's installation certificate and invoice, once issued."""
    return (
        Certificate.objects.filter(order=order).first(),
        Invoice.objects.filter(order=order).first(),
    )


def orders_awaiting_issue(*, limit: int) -> list[int]:
    """Completed orders whose certificate or invoice is not issued yet, or whose invoice does
    not show their payment status yet (at most `limit`, the longest waiting first): what the
    issuing tasks have still to do."""
    unissued = Q(installation_certificate__isnull=True) | Q(invoice__isnull=True)
    behind = Q(invoice__isnull=False) & ~Q(invoice__payment_status=F("payment_status"))
    return list(
        Order.objects.filter(unissued | behind, status=InstallationStatus.COMPLETED)
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def order_documents(order: Order) -> OrderDocuments:
    """Everything about an order's documents: requirements, forms (while the order is open),
    and its certificate and invoice once issued."""
    forms = []
    if not order.is_closed:
        submissions = {s.item_id: s for s in Submission.objects.filter(order=order)}
        for line in order.items.all():
            if required_types(line.item):
                scope = FormScope(item_id=line.item_id, order_id=order.pk)
                forms.append(_offer(line.item, scope, submissions.get(line.item_id)))
    certificate, invoice = issued_documents(order)
    return OrderDocuments(
        requirements=order_requirements(order),
        forms=forms,
        certificate=certificate,
        invoice=invoice,
    )


def documentation_status(order: Order) -> str | None:
    """The order's documentation status as its documents make it; None when its items
    require no documents."""
    statuses = [r.status for r in order_requirements(order)]
    if not statuses:
        return None
    if VerificationStatus.REJECTED in statuses:
        return DocumentationStatus.REJECTED
    if all(s == VerificationStatus.VERIFIED for s in statuses):
        return DocumentationStatus.VERIFIED
    if all(s in ACCEPTABLE for s in statuses):
        return DocumentationStatus.COMPLETED
    return DocumentationStatus.PENDING


@dataclass(frozen=True)
class ConfirmCheck:
    """The forms a confirm brings along: the submissions to link to the new order, what the
    items that need their documents first still lack, and submission ids that are not this
    transaction's."""

    submissions: list[Submission]
    missing: dict[Item, list[DocumentType]]
    unknown: list[str]


def confirm_check(
    *,
    buyer_reference: str,
    transaction_id: str,
    items: list[Item],
    submission_ids: list[tuple[str, str]],
) -> ConfirmCheck:
    """`submission_ids`: (item external id, or "" for the order's, submission id) as quoted."""
    own = {
        s.item_id: s
        for s in Submission.objects.filter(
            buyer_reference=buyer_reference,
            transaction_id=transaction_id,
            item__in=items,
            order__isnull=True,
        ).select_related("item")
    }
    by_id = {str(s.pk): s for s in own.values()}
    unknown = []
    for item_external_id, submission_id in submission_ids:
        try:
            key = str(uuid.UUID(submission_id))
        except (ValueError, AttributeError, TypeError):
            key = ""
        submission = by_id.get(key)
        if submission is None or item_external_id not in ("", submission.item.external_id):
            unknown.append(str(submission_id))
    missing = {}
    for item in items:
        if item.documents_required_before_confirm:
            lacking = missing_types(item, own.get(item.pk))
            if lacking:
                missing[item] = lacking
    return ConfirmCheck(submissions=list(own.values()), missing=missing, unknown=unknown)


# --- Downloads ---------------------------------------------------------------------------------


def document_for_homeowner(*, tracking_token: str, document_id: uuid.UUID) -> Document | None:
    """A document of the order that the tracking token opens; None for any other."""
    return (
        Document.objects.select_related("document_type")
        .filter(pk=document_id, order__tracking_token=tracking_token)
        .first()
    )


def _issued_for_homeowner(model: type[Issued], tracking_token: str) -> Issued | None:
    return model.objects.filter(order__tracking_token=tracking_token).first()


def certificate_for_homeowner(*, tracking_token: str) -> Certificate | None:
    return _issued_for_homeowner(Certificate, tracking_token)


def invoice_for_homeowner(*, tracking_token: str) -> Invoice | None:
    return _issued_for_homeowner(Invoice, tracking_token)


def _for_installer(
    user: AbstractBaseUser | AnonymousUser, rows: QuerySet[Downloadable], permission: str
) -> Downloadable | None:
    """The row, for the platform's staff with `permission`, or for a member of the installer
    whose order it belongs to whose role lets them see documents (None for anyone else, and
    for another installer's row)."""
    if installer_may_see(user, permission):
        return rows.first()
    provider_id = member_provider_id(user, "view_document")
    if provider_id is None:
        return None
    return rows.filter(order__provider_id=provider_id).first()


def issued_for_installer(
    *, user: AbstractBaseUser | AnonymousUser, model: type[Certificate] | type[Invoice], pk: int
) -> Certificate | Invoice | None:
    """A certificate or invoice, for the platform's staff, or for a member of the installer
    that issued it whose role lets them see documents."""
    return _for_installer(user, model.objects.filter(pk=pk), f"view_{model._meta.model_name}")


def installer_may_see(user: AbstractBaseUser | AnonymousUser, permission: str) -> bool:
    """Whether a signed-in user may see every installer's documents: the platform's staff
    with the model's view permission (the admin)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"documents.{permission}")
    )


def member_provider_id(user: AbstractBaseUser | AnonymousUser, permission: str) -> int | None:
    """The installer whose documents a workspace member may see, if their role grants
    `permission` (None for anyone else)."""
    if not (user.is_authenticated and user.is_active and user.has_perm(f"documents.{permission}")):
        return None
    member = member_for_user(user)
    return member.provider_id if member is not None else None


def document_for_installer(
    *, user: AbstractBaseUser | AnonymousUser, document_id: uuid.UUID
) -> Document | None:
    """A document, for the platform's staff, or for a member of the installer whose order it
    belongs to (None for anyone else, and for another installer's document)."""
    documents = Document.objects.select_related("document_type").filter(pk=document_id)
    return _for_installer(user, documents, "view_document")


def certificate_by_number(number: str) -> Certificate | None:
    return Certificate.objects.select_related("order").filter(number=number.strip()).first()


def certificate_urls(certificate: Certificate) -> tuple[str, str]:
    """The certificate's PDF (for the homeowner: by the order's tracking token) and its public
    verification page, both absolute."""
    pdf = reverse("documents:order_certificate", args=[certificate.order.tracking_token])
    verify = reverse("documents:certificate", args=[certificate.number])
    return absolute_url(pdf), absolute_url(verify)


def invoice_url(invoice: Invoice) -> str:
    return absolute_url(reverse("documents:order_invoice", args=[invoice.order.tracking_token]))
