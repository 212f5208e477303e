"""A guard of the documents' review that no other test held (issue 24: the suite stayed green
when it was removed): a document that a newer upload has superseded cannot be reviewed, in the
workspace or by the service."""

import pytest
from django.test import Client

from catalog.taxonomy import VerificationStatus
from documents import services
from documents.errors import IllegalReview
from documents.models import Document
from orders.models import Order
from tests.web.workspace.helpers import (
    Role,
    documents_form_send,
    htmx,
    installer,
    member,
    order_with_documents,
)

pytestmark = pytest.mark.django_db

INSTALLER = "installer:dispatcher@test"


@pytest.fixture
def superseded() -> tuple[Order, Document]:
    """An order whose ID proof was sent back for revision and uploaded again: the first file
    is superseded by the second."""
    order = order_with_documents(installer(), "id_proof")
    first = Document.objects.get(order=order)
    services.document_verify(
        document=first,
        status=VerificationStatus.NEEDS_REVISION,
        reviewer=INSTALLER,
        reason="Blurred",
    )
    item = order.items.get().item
    documents_form_send(order, item)
    first.refresh_from_db()
    assert not first.is_current
    assert Document.objects.filter(order=order, is_current=True).exclude(pk=first.pk).exists()
    return order, first


def test_the_service_refuses_to_review_a_superseded_document(
    superseded: tuple[Order, Document],
) -> None:
    _, first = superseded

    with pytest.raises(IllegalReview, match="newer file"):
        services.document_verify(
            document=first, status=VerificationStatus.REJECTED, reviewer=INSTALLER, reason="x"
        )

    first.refresh_from_db()
    assert first.verification_status == VerificationStatus.NEEDS_REVISION


def test_the_workspace_shows_why_a_superseded_document_is_not_reviewed(
    superseded: tuple[Order, Document],
) -> None:
    order, first = superseded
    client = Client()
    client.force_login(member(order.provider, Role.DISPATCHER))

    answer = client.post(
        f"/installer/orders/{order.pk}/documents/{first.pk}/review",
        {"status": VerificationStatus.REJECTED, "reason": "Not readable"},
        headers=htmx(),
    )

    assert "A newer file of this document has been uploaded" in answer.content.decode()
    first.refresh_from_db()
    assert first.verification_status == VerificationStatus.NEEDS_REVISION
