"""A signed-in homeowner's orders: the list, each order's page (updating itself while the
installer works), and what they can do there: cancel or reschedule within the terms, send
documents again, download, rate.

Every order view finds the order among the signed-in homeowner's own (channel WEB, their buyer
reference): anyone else's installation request id answers 404, as do its files.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Item
from documents import selectors as document_selectors
from documents import services as document_services
from documents.errors import DocumentsError
from documents.tokens import FormScope
from documents.uploads import request_size_problem
from orders.actors import actor_for_homeowner
from orders.errors import OrderError, OrderNotFound
from orders.models import Order
from orders.selectors import homeowner_orders, order_for_homeowner, provider_working_hours
from orders.services import order_cancel as cancel
from orders.services import order_reschedule as reschedule
from ratings.errors import RatingError
from ratings.services import order_review_submit
from web.frame import is_htmx
from web.homeowner import documents as document_pages
from web.homeowner import order_page as pages
from web.homeowner.order_forms import CancelForm, DocumentFilesForm, RescheduleForm
from web.homeowner.rating_forms import OrderRatingForm


def _own_order(request: HttpRequest, installation_request_id: str) -> Order:
    try:
        return order_for_homeowner(
            user_id=request.user.pk, installation_request_id=installation_request_id
        )
    except OrderNotFound:
        raise Http404("No such order.") from None


def _page(request: HttpRequest, order: Order, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "orders/order.html", pages.order_page(order, **forms), status=status)


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Go on to `url`: a redirect, or for htmx (the document uploads) an HX-Redirect, so that
    the browser navigates itself rather than the request following the redirect."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _to_order(order: Order, anchor: str = "", request: HttpRequest | None = None) -> HttpResponse:
    url = reverse("orders:order", args=[order.installation_request_id])
    url = f"{url}#{anchor}" if anchor else url
    return go(request, url) if request is not None else redirect(url)


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/my_orders.html", {"orders": homeowner_orders(request.user.pk)})


@login_required
@never_cache
@require_GET
def order(request: HttpRequest, installation_request_id: str) -> HttpResponse:
    return _page(request, _own_order(request, installation_request_id))


@never_cache
@require_GET
def order_live(request: HttpRequest, installation_request_id: str) -> HttpResponse:
    """The live part of the order page, polled by htmx: 204 (nothing to swap) while the page's
    fingerprint is still current."""
    if not request.user.is_authenticated:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(
            reverse("orders:order", args=[installation_request_id])
        ).url
        return response
    order = _own_order(request, installation_request_id)
    if request.GET.get("v") == pages.order_fingerprint(order):
        return HttpResponse(status=204)
    return render(request, "orders/_order_live.html", pages.order_page(order))


def _order_form_post(
    request: HttpRequest,
    installation_request_id: str,
    form_name: str,
    form: Any,
    act: Callable[[Order], str],
    anchor: str = "",
) -> HttpResponse:
    """A form of the order page, posted: once it is valid, `act(order)` calls the service and
    answers the message to show on the order's page; a refusal shows on the form, on the page
    again (400)."""
    order = _own_order(request, installation_request_id)
    if form.is_valid():
        try:
            notice = act(order)
        except (OrderError, RatingError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, notice)
            return _to_order(order, anchor)
    return _page(request, order, 400, **{form_name: form})


@login_required
@require_POST
def order_cancel(request: HttpRequest, installation_request_id: str) -> HttpResponse:
    form = CancelForm(request.POST)

    def act(order: Order) -> str:
        order = cancel(
            order=order,
            reason_id=form.cleaned_data["reason"],
            note=form.cleaned_data["note"].strip(),
            actor=actor_for_homeowner(request.user),
        )
        return f"Order {order.installation_request_id} is cancelled."

    return _order_form_post(request, installation_request_id, "cancel_form", form, act)


@login_required
@require_POST
def order_reschedule(request: HttpRequest, installation_request_id: str) -> HttpResponse:
    site = _own_order(request, installation_request_id)  # its windows are in the site's zone
    form = RescheduleForm(
        request.POST,
        zone_name=site.site_time_zone,
        working_hours=provider_working_hours(site.provider),
    )

    def act(order: Order) -> str:
        slot, actor = form.cleaned_data["slot"], actor_for_homeowner(request.user)
        reschedule(order=order, slot=slot, actor=actor)
        return "Your appointment has been moved."

    return _order_form_post(request, installation_request_id, "reschedule_form", form, act)


@login_required
@require_POST
def order_documents_upload(
    request: HttpRequest, installation_request_id: str, item_id: int
) -> HttpResponse:
    """Send an item's documents again (those to revise, or a file awaiting review), through the
    same checks and service as the buyer apps' form."""
    order = _own_order(request, installation_request_id)
    line = order.items.filter(item_id=item_id).select_related("item__provider").first()
    if line is None:
        raise Http404("No such item in this order.")
    item: Item = line.item
    scope = FormScope(item_id=item.pk, order_id=order.pk)
    state = document_selectors.form_state(
        item, document_selectors.current_documents(document_selectors.submission_for_scope(scope))
    )
    if order.is_closed or not state.open:
        messages.info(request, "These documents take no more files.")
        return _to_order(order, "documents", request)
    files = len(state.needed) + len(state.replaceable)
    if error := request_size_problem(request, files=files):
        return _page(request, order, 413, upload_error=error, upload_item=item.pk)
    try:
        form = DocumentFilesForm(
            request.POST, request.FILES, needed=state.needed, replaceable=state.replaceable
        )
        valid = form.is_valid()
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        raise BadRequest("The form data could not be read.") from None
    if valid and not form.uploads():
        form.add_error(None, "Choose at least one file to send.")
        valid = False
    if valid:
        try:
            document_services.submission_submit(
                scope=scope,
                item=item,
                details={},
                uploads=form.uploads(),
                uploaded_by=actor_for_homeowner(request.user),
            )
        except DocumentsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you: your documents were sent to the installer.")
            return _to_order(order, "documents", request)
    return _page(request, order, 400, upload_form=form, upload_item=item.pk)


@login_required
@require_GET
def order_document(
    request: HttpRequest, installation_request_id: str, document_id: uuid.UUID
) -> Any:
    order = _own_order(request, installation_request_id)
    return document_pages.order_document(request, order.tracking_token, document_id)


@login_required
@require_GET
def order_certificate(request: HttpRequest, installation_request_id: str) -> Any:
    order = _own_order(request, installation_request_id)
    return document_pages.certificate_download(order.tracking_token)


@login_required
@require_GET
def order_invoice(request: HttpRequest, installation_request_id: str) -> Any:
    order = _own_order(request, installation_request_id)
    return document_pages.invoice_download(order.tracking_token)


@login_required
@require_POST
def order_rate(request: HttpRequest, installation_request_id: str) -> HttpResponse:
    """Rate the completed installation from 0 to 5, with a comment; rating again replaces it."""
    form = OrderRatingForm(request.POST)

    def act(order: Order) -> str:
        value, comment = form.cleaned_data["value"], form.cleaned_data["comment"]
        order_review_submit(order=order, value=value, comment=comment)
        return "Thank you for your rating."

    return _order_form_post(request, installation_request_id, "rating_form", form, act, "review")
