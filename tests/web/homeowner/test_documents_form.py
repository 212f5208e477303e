"""The document form over HTTP, as a buyer app or a homeowner's browser uses it: the token opens
it, a valid submission is kept (and answered with a submission_id), anything hostile is refused
with a clear error and leaves nothing behind."""

import hashlib
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Item
from catalog.taxonomy import InstallationStatus
from documents.models import Document, Submission
from tests.documents.conftest import stored_files
from tests.documents.factories import (
    exe_bytes,
    form_data,
    image_bytes,
    item_requiring,
    multipart,
    order_of,
    order_token,
    pdf_bytes,
    transaction_token,
    upload,
)

pytestmark = pytest.mark.django_db


def form_path(item: Item) -> str:
    return reverse("documents:form", args=[item.provider.external_id, item.external_id])


def get_form(client: Client, item: Item, token: str, **headers: str) -> Any:
    return client.get(form_path(item), headers={"Authorization": f"Bearer {token}", **headers})


def post_form(
    client: Client, item: Item, token: str, data: dict[str, Any], *, query: str = "", **headers: str
) -> Any:
    """A submission as a buyer app sends it: the token in the form, JSON wanted back."""
    body, content_type = multipart({"token": token, **data})
    return client.post(
        form_path(item) + query,
        data=body,
        content_type=content_type,
        headers={"Accept": "application/json", **headers},
    )


def test_the_form_asks_for_details_and_one_file_per_required_document(client: Client) -> None:
    item = item_requiring("id_proof", "electricity_bill")

    page = get_form(client, item, transaction_token(item))

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    for text in ("Customer Details", "Technical Details", 'name="customer_name"'):
        assert text in html
    assert 'type="file" name="document_id_proof"' in html
    assert 'type="file" name="document_electricity_bill"' in html
    assert 'enctype="multipart/form-data"' in html and 'method="post"' in html
    assert "<script" not in html and "<button" not in html
    assert f'action="http://127.0.0.1:8000{form_path(item)}"' in html


def test_a_submission_is_kept_and_answered_with_its_id(
    client: Client, private_storage: Path
) -> None:
    item = item_requiring("id_proof", "electricity_bill")
    bill = pdf_bytes("Electricity bill")
    data = form_data(item, document_electricity_bill=upload("bill.pdf", bill))

    answer = post_form(client, item, transaction_token(item), data)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] is True and body["complete"] is True and body["missing"] == []
    submission = Submission.objects.get(pk=body["submission_id"])
    assert (submission.transaction_id, submission.customer_name) == ("t-1", "Emily Tran")
    assert (submission.main_panel_amps, submission.utility_name) == (200, "PG&E")
    document = submission.documents.get(document_type__code="electricity_bill")
    assert document.sha256 == hashlib.sha256(bill).hexdigest()
    assert (document.size, document.content_type) == (len(bill), "application/pdf")
    assert document.original_name == "bill.pdf"
    assert document.uploaded_by == "homeowner via bap.example.test"
    assert document.verification_status == "PENDING"
    # Stored under a generated name, in the private storage, and nowhere public.
    assert document.file.name.startswith(f"documents/{submission.pk}/")
    assert "bill" not in document.file.name
    assert len(stored_files(private_storage)) == 2


def test_a_browser_gets_a_page_back(client: Client) -> None:
    item = item_requiring("id_proof")
    answer = post_form(
        client,
        item,
        "",
        form_data(item),
        query=f"?token={transaction_token(item)}",
        Accept="text/html,application/xhtml+xml,*/*;q=0.8",
    )
    assert answer.status_code == 200
    assert "your documents were received" in answer.content.decode()


def test_the_same_transaction_resubmits_into_the_same_submission(client: Client) -> None:
    item = item_requiring("id_proof")
    token = transaction_token(item)
    first = post_form(client, item, token, form_data(item)).json()["submission_id"]
    page = get_form(client, item, token).content.decode()
    assert "awaiting review" in page  # the file may be replaced while it is not reviewed

    second = post_form(client, item, token, form_data(item)).json()["submission_id"]

    assert first == second
    documents = Document.objects.filter(submission_id=first)
    assert [d.is_current for d in documents.order_by("uploaded_at")] == [False, True]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="no token"),
        pytest.param("not-a-token", id="garbage"),
        pytest.param("tampered", id="tampered signature"),
    ],
)
def test_a_form_without_a_valid_token_is_refused(client: Client, token: str) -> None:
    item = item_requiring("id_proof")
    if token == "tampered":
        token = transaction_token(item)[:-2] + "xx"
    page = get_form(client, item, token, Accept="application/json")
    assert page.status_code == 401
    assert page["WWW-Authenticate"] == 'Bearer realm="documents"'
    assert page.json()["status"] is False


def test_an_expired_token_is_refused(client: Client, settings: Any, private_storage: Path) -> None:
    item = item_requiring("id_proof")
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = transaction_token(item)

    page = get_form(client, item, token, Accept="application/json")
    posted = post_form(client, item, token, form_data(item))

    assert (page.status_code, posted.status_code) == (401, 401)
    assert "expired" in page.json()["errors"][0]["message"]
    assert not Document.objects.exists() and not stored_files(private_storage)


def test_a_token_for_another_item_is_refused(client: Client, private_storage: Path) -> None:
    item, other = item_requiring("id_proof"), item_requiring("id_proof")
    assert get_form(client, item, transaction_token(other)).status_code == 401
    assert post_form(client, item, transaction_token(other), form_data(item)).status_code == 401
    assert not Document.objects.exists() and not stored_files(private_storage)


def hostile(item: Item, case: str) -> tuple[dict[str, Any], str]:
    """Form data with one hostile file (for the electricity bill) and the error expected."""
    field = "document_electricity_bill"
    cases = {
        "disguised executable": lambda: (upload("bill.pdf", exe_bytes()), "is not a PDF, JPEG"),
        "zero bytes": lambda: (upload("bill.pdf", b""), "empty"),
        "oversized": lambda: (upload("bill.pdf", pdf_bytes() + b"%" * 4000), "at most"),
        "corrupt PDF": lambda: (upload("bill.pdf", b"%PDF-1.7\n" + b"garbage" * 50), "damaged"),
        "truncated PDF": lambda: (upload("bill.pdf", pdf_bytes()[:400]), "damaged"),
        "corrupt PNG": lambda: (
            upload("bill.png", image_bytes("PNG")[:30], "image/png"),
            "damaged",
        ),
        "text renamed": lambda: (upload("bill.pdf", b"hello, I am a bill" * 10), "not a PDF"),
        # A name that is nothing but a path: the file is dropped, so it is missing.
        "path-traversal name": lambda: (
            upload("../", pdf_bytes()),
            "Choose a file for Electricity bill",
        ),
        "no file": lambda: (None, "Choose a file for Electricity bill"),
    }
    file, error = cases[case]()
    data = form_data(item)
    if file is None:
        del data[field]
    else:
        data[field] = file
    return data, error


HOSTILE = [
    "disguised executable",
    "zero bytes",
    "oversized",
    "corrupt PDF",
    "truncated PDF",
    "corrupt PNG",
    "text renamed",
    "path-traversal name",
    "no file",
]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_uploads_get_a_clear_error_and_nothing_is_stored(
    client: Client, settings: Any, private_storage: Path, case: str
) -> None:
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 4000
    item = item_requiring("id_proof", "electricity_bill")
    data, error = hostile(item, case)

    answer = post_form(client, item, transaction_token(item), data)

    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["status"] is False
    assert body["errors"][0]["path"] == "document_electricity_bill"
    assert error in body["errors"][0]["message"]
    assert not Document.objects.exists()
    assert not Submission.objects.exists()
    assert not stored_files(private_storage)


@pytest.mark.parametrize("case", ["disguised executable", "corrupt PDF"])
def test_a_homeowner_sees_the_error_on_the_form_again(client: Client, case: str) -> None:
    item = item_requiring("id_proof", "electricity_bill")
    data, error = hostile(item, case)
    token = transaction_token(item)
    answer = post_form(client, item, "", data, query=f"?token={token}", Accept="text/html")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert error in html and 'name="customer_name"' in html and token in html


def test_a_path_in_a_file_name_never_becomes_a_path(client: Client, private_storage: Path) -> None:
    item = item_requiring("id_proof")
    data = form_data(item, document_id_proof=upload("../../../../escaped.pdf", pdf_bytes()))

    answer = post_form(client, item, transaction_token(item), data)

    assert answer.status_code == 200
    document = Document.objects.get()
    assert document.original_name == "escaped.pdf"
    [stored] = stored_files(private_storage)
    assert stored.name != "escaped.pdf" and private_storage in stored.parents
    assert not list(private_storage.parent.parent.rglob("escaped.pdf"))


def test_images_are_accepted_by_their_content(client: Client) -> None:
    item = item_requiring("id_proof", "electricity_bill")
    data = form_data(
        item,
        document_id_proof=upload("id.jpeg", image_bytes("JPEG"), "application/octet-stream"),
        document_electricity_bill=upload("bill.pdf", image_bytes("PNG"), "application/pdf"),
    )
    assert post_form(client, item, transaction_token(item), data).status_code == 200
    types = dict(Document.objects.values_list("document_type__code", "content_type"))
    assert types == {"id_proof": "image/jpeg", "electricity_bill": "image/png"}


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(
    client: Client, settings: Any
) -> None:
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1000
    item = item_requiring("id_proof")
    big = upload("id.pdf", b"%PDF-1.4\n" + b"0" * 1_100_000)
    answer = post_form(
        client, item, transaction_token(item), form_data(item, document_id_proof=big)
    )
    assert answer.status_code == 413
    assert "at most" in answer.json()["errors"][0]["message"]


def test_the_form_of_a_placed_order_and_of_a_wrong_one(
    client: Client, private_storage: Path
) -> None:
    item = item_requiring("id_proof")
    order = order_of(item)
    other_item = item_requiring("id_proof")
    other_order = order_of(other_item)

    # Another order's token does not open this order's form.
    wrong = post_form(client, item, order_token(other_order, other_item), form_data(item))
    assert wrong.status_code == 401
    assert not Document.objects.exists() and not stored_files(private_storage)

    answer = post_form(client, item, order_token(order, item), form_data(item))
    assert answer.status_code == 200
    assert Document.objects.get().order == order
    order.refresh_from_db()
    assert order.documentation_status == "COMPLETED"
    assert order.events.last().kind == "DOCUMENTS"


def test_a_closed_order_takes_no_more_documents(client: Client, private_storage: Path) -> None:
    item = item_requiring("id_proof")
    order = order_of(item, status=InstallationStatus.CANCELLED)
    answer = post_form(client, item, order_token(order, item), form_data(item))
    assert answer.status_code == 409
    assert "cancelled" in answer.json()["errors"][0]["message"]
    assert not stored_files(private_storage)


def test_an_unknown_form_is_not_found(client: Client) -> None:
    item = item_requiring("id_proof")
    page = client.get(reverse("documents:form", args=[item.provider.external_id, "nope"]))
    assert page.status_code == 404
