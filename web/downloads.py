"""Files of the private documents storage (never served by a public URL), answered by the pages
that have checked who asks: the homeowner's (web/homeowner/documents.py) and the installer's
(web/workspace/documents.py).

Every file goes with `Content-Security-Policy: sandbox; default-src 'none'` and nosniff: even a
file that got past the upload checks runs nothing, loads nothing and is never taken for a page.
Files are downloads (attachments); only an uploaded image may be shown inline, as the
installer's preview."""

import logging
from typing import Any

from django.core.files.storage import Storage
from django.http import FileResponse, Http404

from documents.models import Certificate, Invoice
from documents.storage import documents_storage

logger = logging.getLogger(__name__)

SANDBOX_POLICY = "sandbox; default-src 'none'"


def _file_response(
    storage: Storage, name: str, *, content_type: str, filename: str, attachment: bool
) -> FileResponse:
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        logger.error("Stored file %s is missing", name)
        raise Http404("No such file.") from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=attachment, filename=filename
    )
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_response(document: Any, *, inline: bool = False) -> FileResponse:
    """The file, as a download; an image asked for `inline` (the installer's preview) is
    shown in the browser, sandboxed. A PDF is always a download."""
    extension = document.file.name.rsplit(".", 1)[-1]
    return _file_response(
        documents_storage(),
        document.file.name,
        content_type=document.content_type,
        filename=f"{document.document_type.code}.{extension}",
        attachment=not (inline and document.content_type.startswith("image/")),
    )


def issued_response(issued: Certificate | Invoice, kind: str) -> FileResponse:
    return _file_response(
        documents_storage(),
        issued.pdf.name,
        content_type="application/pdf",
        filename=f"{kind}-{issued.number}.pdf",
        attachment=True,
    )
