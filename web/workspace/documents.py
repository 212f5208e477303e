"""The files of the installer's orders (under /documents/, namespace "documents"): each document a
homeowner uploaded, and the certificates and invoices issued, for the platform's staff or the
members of the installer whose order it is (404 for anyone else)."""

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from documents import selectors
from documents.models import Certificate, Invoice
from web.downloads import document_response, issued_response


@never_cache
@require_GET
def installer_document(request: HttpRequest, document_id: uuid.UUID) -> Any:
    """A document, for the platform's staff or the members of the installer whose order it
    belongs to (404 for anyone else); `?inline=1` shows it in the browser (the workspace's
    preview) instead of downloading it."""
    document = selectors.document_for_installer(user=request.user, document_id=document_id)
    if document is None:
        raise Http404("No such document.")
    return document_response(document, inline=request.GET.get("inline") == "1")


@never_cache
@require_GET
def installer_certificate(request: HttpRequest, pk: int) -> Any:
    certificate = selectors.issued_for_installer(user=request.user, model=Certificate, pk=pk)
    if certificate is None:
        raise Http404("No such certificate.")
    return issued_response(certificate, "installation-certificate")


@never_cache
@require_GET
def installer_invoice(request: HttpRequest, pk: int) -> Any:
    invoice = selectors.issued_for_installer(user=request.user, model=Invoice, pk=pk)
    if invoice is None:
        raise Http404("No such invoice.")
    return issued_response(invoice, "invoice")
