"""The document form (BECKN-007's XInput form, served to buyer apps and homeowners alike), the
homeowner's file downloads that check who asks, and the public certificate check.

Every refusal is a clear 4xx: 401 for a missing, forged, expired or foreign token, 400 for a
form with errors, 404 for a file the requester may not see, 409 when the order is closed, 413
for a request far over the size limit. A buyer app's server gets the form response as JSON
(beckn.xinput_response), a person's browser a page.
"""

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from beckn.xinput_response import (
    form_response_invalid,
    form_response_refused,
    form_response_submitted,
    form_response_wanted,
)
from catalog.models import Item
from documents import selectors, services
from documents.errors import DocumentsError
from documents.forms import DETAIL_FIELDS, FORM_HEADINGS, FORM_TITLE
from documents.tokens import FormScope, TokenRefused, scope_of
from documents.uploads import request_size_problem
from orders.actors import actor_for_form
from orders.selectors import order_by_tracking_token
from web.downloads import document_response, issued_response
from web.homeowner.document_forms import SubmissionForm
from web.homeowner.tracking import tracking_link_expired, tracking_link_expired_page


def _bearer(request: HttpRequest) -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


class Refused(Exception):
    """A form request refused with an HTTP status and a message for whoever sent it."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _refusal(request: HttpRequest, refused: Refused) -> HttpResponse:
    """A FormResponse with status false (JSON), or a short page saying why."""
    if form_response_wanted(request):
        response: HttpResponse = form_response_refused(
            status=refused.status, code=refused.code, message=str(refused)
        )
    else:
        response = render(
            request, "documents/refused.html", {"message": str(refused)}, status=refused.status
        )
    if refused.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="documents"'
    return response


def _authorised(request: HttpRequest, item: Item) -> tuple[FormScope, str]:
    """The scope and token of a form request: the token comes as `Authorization: Bearer`, as
    `?token=` (links for browsers) or as the form's own hidden field. Raises Refused."""
    if request.method == "POST":
        files = len(selectors.required_types(item))
        if problem := request_size_problem(request, files=files):
            raise Refused(413, problem, "too_large")
    token = _bearer(request) or request.GET.get("token", "")
    if request.method == "POST" and not token:
        try:
            token = request.POST.get("token", "")
        except (MultiPartParserError, SuspiciousOperation, BadRequest):
            raise Refused(400, "The form data could not be read.", "bad_request") from None
    try:
        scope = scope_of(token)
    except TokenRefused as exc:
        raise Refused(401, str(exc), "unauthorized") from None
    if scope.item_id != item.pk:
        raise Refused(401, "This token is for another form.", "unauthorized")
    return scope, token


def _form_context(item: Item, form: SubmissionForm, state: Any) -> dict:
    return {
        "item": item,
        "provider": item.provider,
        "form": form,
        "state": state,
        "action": selectors.form_url(item),
        "max_size": filesizeformat(settings.DOCUMENTS_MAX_UPLOAD_BYTES),
        "title": FORM_TITLE,
        "customer_heading": FORM_HEADINGS[0],
        "technical_heading": FORM_HEADINGS[1],
    }


def _initial(order: Any, submission: Any, token: str, item: Item) -> dict[str, Any]:
    initial: dict[str, Any] = {"token": token, "property_type": item.property_type}
    if order is not None:
        initial.update(
            customer_name=order.customer_name,
            customer_email=order.customer_email,
            customer_phone=order.customer_phone,
            site_address=order.site_address,
        )
    if submission is not None and submission.submitted_at:
        initial.update({name: getattr(submission, name) for name in DETAIL_FIELDS})
    return initial


@csrf_exempt  # authenticated by its token, not by a cookie
@xframe_options_exempt  # buyer apps may show it in a web view; only its token's holder can use it
@never_cache
@require_http_methods(["GET", "POST"])
def form(request: HttpRequest, provider_id: str, item_id: str) -> HttpResponse:
    """One item's document form: GET renders it, POST keeps it (multipart) and answers with a
    FormResponse: `{"status": true, "submission_id": ...}` (JSON, unless a browser asks for
    HTML)."""
    item = get_object_or_404(
        Item.objects.select_related("provider").prefetch_related("required_documents"),
        provider__external_id=provider_id,
        external_id=item_id,
    )
    try:
        scope, token = _authorised(request, item)
        if not selectors.required_types(item):
            raise Refused(404, f"{item.name} needs no documents.", "no_form")
        submission = selectors.submission_for_scope(scope)
        order = selectors.scope_order(scope, submission)
        if order is None and scope.order_id is not None:
            raise Refused(401, "This token is for another form.", "unauthorized")
        try:
            services.form_check_open(order)
        except DocumentsError as exc:
            raise Refused(409, str(exc), "closed") from None
        state = selectors.form_state(item, selectors.current_documents(submission))
        if request.method == "GET":
            bound = SubmissionForm(
                initial=_initial(order, submission, token, item),
                needed=state.needed,
                replaceable=state.replaceable,
            )
            return render(request, "documents/form.html", _form_context(item, bound, state))
        return _submit(request, item, scope, token, state)
    except Refused as refused:
        return _refusal(request, refused)


def _submit(
    request: HttpRequest, item: Item, scope: FormScope, token: str, state: Any
) -> HttpResponse:
    if not state.open:
        raise Refused(409, "Every document of this form has been reviewed already.", "closed")
    try:
        bound = SubmissionForm(
            request.POST, request.FILES, needed=state.needed, replaceable=state.replaceable
        )
        valid = bound.is_valid()
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        raise Refused(400, "The form data could not be read.", "bad_request") from None
    if not valid:
        if form_response_wanted(request):
            return form_response_invalid(bound.errors)
        bound.data = bound.data.copy()
        bound.data["token"] = token
        return render(request, "documents/form.html", _form_context(item, bound, state), status=400)
    try:
        submission = services.submission_submit(
            scope=scope,
            item=item,
            details={name: bound.cleaned_data[name] for name in DETAIL_FIELDS},
            uploads=bound.uploads(),
            uploaded_by=actor_for_form(scope.buyer_reference),
        )
    except DocumentsError as exc:
        raise Refused(409, str(exc), "conflict") from None
    missing = [t.name for t in selectors.missing_types(item, submission)]
    if form_response_wanted(request):
        return form_response_submitted(
            submission_id=str(submission.pk), complete=not missing, missing=missing
        )
    return render(
        request,
        "documents/submitted.html",
        {"item": item, "submission": submission, "missing": missing, "order": submission.order},
    )


# --- Downloads ---------------------------------------------------------------------------------


@never_cache
@require_GET
def order_document(request: HttpRequest, tracking_token: str, document_id: uuid.UUID) -> Any:
    """A document of an order, for its signed-in owner (web.homeowner.my_orders has checked who
    asks): no URL serves uploaded documents by the tracking link alone."""
    document = selectors.document_for_homeowner(
        tracking_token=tracking_token, document_id=document_id
    )
    if document is None:
        raise Http404("No such document.")
    return document_response(document)


def certificate_download(tracking_token: str) -> Any:
    certificate = selectors.certificate_for_homeowner(tracking_token=tracking_token)
    if certificate is None:
        raise Http404("No certificate for this order.")
    return issued_response(certificate, "installation-certificate")


def invoice_download(tracking_token: str) -> Any:
    invoice = selectors.invoice_for_homeowner(tracking_token=tracking_token)
    if invoice is None:
        raise Http404("No invoice for this order.")
    return issued_response(invoice, "invoice")


def _expired_link_page(request: HttpRequest, tracking_token: str) -> HttpResponse | None:
    order = order_by_tracking_token(tracking_token)
    return tracking_link_expired_page(request) if order and tracking_link_expired(order) else None


@never_cache
@require_GET
def order_certificate(request: HttpRequest, tracking_token: str) -> Any:
    """The certificate, by the order's tracking link (while the link lives)."""
    return _expired_link_page(request, tracking_token) or certificate_download(tracking_token)


@never_cache
@require_GET
def order_invoice(request: HttpRequest, tracking_token: str) -> Any:
    """The invoice, by the order's tracking link (while the link lives)."""
    return _expired_link_page(request, tracking_token) or invoice_download(tracking_token)


# --- Public certificate check --------------------------------------------------------------------


@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """The verification page's entry: type a certificate number."""
    number = request.GET.get("number", "").strip()[:40]
    if number:
        return certificate(request, number)
    return render(request, "documents/certificate.html", {"number": "", "certificate": None})


def locality(site_address: str) -> str:
    """The town of an address written "street, town[, region postcode]", without the street
    and postcode; '' when the address has no part but the street."""
    parts = [part.strip() for part in site_address.split(",")][1:]
    words = (" ".join(w for w in part.split() if not any(c.isdigit() for c in w)) for part in parts)
    return ", ".join(word for word in words if word)


@require_GET
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    """Whether a certificate number is genuine, and what verifies it (number, installer, date,
    system, town): never the homeowner's name or street, which anyone could look up here."""
    found = selectors.certificate_by_number(number[:40])
    return render(
        request,
        "documents/certificate.html",
        {
            "number": number[:40],
            "certificate": found,
            "locality": locality(found.site_address) if found else "",
            "lookup_url": reverse("documents:certificate_lookup"),
        },
        status=200 if found else 404,
    )
