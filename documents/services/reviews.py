"""The installer's verdict on a document."""

from django.db import transaction
from django.utils import timezone

from catalog.taxonomy import VerificationStatus
from documents import selectors
from documents.errors import IllegalReview
from documents.lock_objects import document_lock, submission_lock
from documents.models import Document
from documents.services.documentation import order_documentation_refresh
from orders.lock_objects import order_lock

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
    buyer with the document and the reason. Raises IllegalReview.

    Locks the document's order (if it has one), its submission, then the document itself (the
    lock order)."""
    owners = Document.objects.filter(pk=document.pk).values("order_id", "submission_id").get()
    if owners["order_id"] is not None:
        order_lock(owners["order_id"])
    submission_lock(owners["submission_id"])
    document = document_lock(document.pk)
    if document.order_id != owners["order_id"]:
        raise IllegalReview("The document has just joined its order; review it again.")
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
        order_documentation_refresh(order=document.order, actor=reviewer, reason=notice)
    return document
