"""Guards of the document services that no other test held (issue 24: each survived a one-line
mutation with the whole suite green)."""

import pytest
from django.test import Client

from catalog.taxonomy import VerificationStatus
from documents import services
from documents.errors import IllegalReview
from documents.models import Document
from tests.documents.factories import item_requiring, order_of
from tests.documents.test_services import INSTALLER, documents_of, submit

pytestmark = pytest.mark.django_db


def test_a_superseded_document_cannot_be_reviewed(client: Client) -> None:
    item = item_requiring("id_proof")
    order = order_of(item)
    submit(client, order, item)
    first = documents_of(order)["id_proof"]
    services.document_verify(
        document=first, status="NEEDS_REVISION", reviewer=INSTALLER, reason="Blurred"
    )
    submit(client, order, item)  # the homeowner sends a new file
    first.refresh_from_db()
    assert not first.is_current

    with pytest.raises(IllegalReview, match="newer file"):
        services.document_verify(document=first, status="VERIFIED", reviewer=INSTALLER)

    assert Document.objects.get(pk=first.pk).verification_status == (
        VerificationStatus.NEEDS_REVISION
    )
    current = documents_of(order)["id_proof"]
    assert current.pk != first.pk
    services.document_verify(document=current, status="VERIFIED", reviewer=INSTALLER)
