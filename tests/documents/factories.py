"""Items that require documents, orders of them, and files good and bad to upload."""

import io
import re
from typing import Any

import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.pdfgen import canvas
from urllib3.filepost import encode_multipart_formdata

from catalog.models import DocumentType, Item
from catalog.services import taxonomy_ensure
from documents.models import Submission
from documents.services import Upload, submission_submit
from documents.tokens import FormScope, token_for
from documents.uploads import inspect_upload
from orders.models import Order
from tests.catalog.factories import ItemFactory
from tests.orders.factories import OrderFactory

SEED_DOCUMENTS = [
    "id_proof",
    "ownership_certificate",
    "electricity_bill",
    "net_metering_form",
    "wiring_diagram",
]


def item_requiring(*codes: str, before_confirm: bool = False, **fields: Any) -> Item:
    taxonomy_ensure()
    item = ItemFactory(documents_required_before_confirm=before_confirm, **fields)
    item.required_documents.set(DocumentType.objects.filter(code__in=codes or SEED_DOCUMENTS))
    return item


def order_of(item: Item, **fields: Any) -> Order:
    return OrderFactory(provider=item.provider, items=[item], **fields)


def order_token(order: Order, item: Item) -> str:
    return token_for(FormScope(item_id=item.pk, order_id=order.pk))


def transaction_token(
    item: Item, *, buyer: str = "bap.example.test", transaction: str = "t-1"
) -> str:
    return token_for(FormScope(item_id=item.pk, buyer_reference=buyer, transaction_id=transaction))


def submit_documents(scope: FormScope, item: Item, *, uploaded_by: str = "homeowner") -> Submission:
    """Fill the item's form in `scope` through the service (no HTTP): Emily's details and a PDF
    for each required document."""
    uploads = []
    for document_type in item.required_documents.all():
        file = SimpleUploadedFile(
            f"{document_type.code}.pdf", pdf_bytes(document_type.name), "application/pdf"
        )
        inspected = inspect_upload(file, max_bytes=settings.DOCUMENTS_MAX_UPLOAD_BYTES)
        uploads.append(Upload(document_type=document_type, file=file, inspected=inspected))
    details = {name: value for name, value in EMILY.items() if name != "consent"}
    return submission_submit(
        scope=scope, item=item, details=details, uploads=uploads, uploaded_by=uploaded_by
    )


def pdf_bytes(text: str = "Electricity bill, March") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def image_bytes(image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=image_format)
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable (DOS stub and PE header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 46 + b"PE\x00\x00"


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> tuple:
    """A file as a multipart field carries it, the name exactly as given (even a path)."""
    return (name, content, content_type)


def multipart(data: dict[str, Any]) -> tuple[bytes, str]:
    """The multipart/form-data body of `data` (file fields given by `upload`) and its type."""
    return encode_multipart_formdata(list(data.items()))


def form_data(item: Item, **overrides: Any) -> dict[str, Any]:
    """A filled form for `item`: Emily's details and a valid PDF per required document."""
    data: dict[str, Any] = {
        "customer_name": "Emily Tran",
        "customer_email": "emily.tran@example.com",
        "customer_phone": "+14155556666",
        "site_address": "456 Glenview St, San Francisco, CA",
        "property_type": "RESIDENTIAL",
        "roof_type": "Composition shingle",
        "main_panel_amps": "200",
        "utility_name": "PG&E",
        "utility_account_number": "1234-5678",
        "notes": "Dog in the yard",
        "consent": "on",
    }
    for document_type in item.required_documents.all():
        data[f"document_{document_type.code}"] = upload(
            f"{document_type.code}.pdf", pdf_bytes(document_type.name)
        )
    data.update(overrides)
    return data


EMILY = {
    "customer_name": "Emily Tran",
    "customer_email": "emily.tran@example.com",
    "customer_phone": "+14155556666",
    "site_address": "456 Glenview St, San Francisco, CA",
    "property_type": "RESIDENTIAL",
    "consent": "on",
}


def fill_form_as_bap(xinput: dict[str, Any], live_url: str) -> dict[str, Any]:
    """What a BAP does with an item's xinput: fetch the form with its token, upload a PDF for
    every file input, submit it; returns the FormResponse (JSON)."""
    form = xinput["form"]
    url = form["url"].replace(settings.SITE_URL, live_url)
    page = requests.get(
        url,
        headers={"Authorization": f"Bearer {form['auth']['value']}", "Accept": "text/html"},
        timeout=10,
    )
    assert page.status_code == 200, page.text
    assert page.headers["Content-Type"].startswith("text/html")
    hidden = re.search(r'name="token" value="([^"]+)"', page.text)
    assert hidden is not None
    files = {
        name: (f"{name}.pdf", pdf_bytes(name), "application/pdf")
        for name in re.findall(r'type="file" name="([^"]+)"', page.text)
    }
    answer = requests.post(
        url,
        data={**EMILY, "token": hidden.group(1)},
        files=files,
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()
