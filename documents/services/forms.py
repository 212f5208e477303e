"""Filled document forms: their details and files, kept all or nothing in the private storage."""

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from catalog.models import DocumentType, Item
from documents import selectors
from documents.errors import FormClosed, SubmissionConflict
from documents.lock_objects import submission_lock
from documents.models import Document, Submission
from documents.services.documentation import order_documentation_refresh
from documents.storage import documents_storage
from documents.tokens import FormScope
from documents.uploads import InspectedUpload
from orders.lock_objects import order_lock
from orders.models import Order

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    document_type: DocumentType
    file: UploadedFile
    inspected: InspectedUpload


def _submission_locked(scope: FormScope, item: Item) -> Submission:
    """The scope's submission, created if needed, under its row lock, taken after its order's
    (the lock order: an Order, then its Submissions; the caller is inside transaction.atomic).

    Raises SubmissionConflict when the form's order changed between the two: its transaction's
    order was placed meanwhile.
    """
    key: dict[str, Any]
    if scope.order_id is not None:
        key = {"order_id": scope.order_id, "item": item}
        order_id = scope.order_id
    else:
        key = {
            "buyer_reference": scope.buyer_reference,
            "transaction_id": scope.transaction_id,
            "item": item,
        }
        order_id = Submission.objects.filter(**key).values_list("order_id", flat=True).first()
    if order_id is not None:
        order_lock(order_id)
    submission, _ = Submission.objects.get_or_create(**key)
    submission = submission_lock(submission.pk)
    if submission.order_id != order_id:
        raise SubmissionConflict("The form changed meanwhile; reload it.")
    return submission


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
            submission = _submission_locked(scope, item)
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
                order_documentation_refresh(order=submission.order, actor=uploaded_by)
    except BaseException:
        for name in saved:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not remove %s after a failed submission", name)
        raise
    return submission
