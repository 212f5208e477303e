"""Ordering an installation on the web, through the same domain functions as a buyer app's
select, init and confirm:

1. `order_new`: the offer (orders.selectors quote), then the homeowner's billing and site
   address and preferred site-survey slot, kept in the session as a draft whose id plays the
   part of a buyer app's transaction id;
2. `order_documents`: the item's document form for that draft (documents.services
   submission_submit, the same checks as the buyer apps' XInput form), required before the
   order when the installer says so (Item.documents_required_before_confirm), else optional;
3. `order_confirm`: the terms and cancellation policy, the payment choice, then
   documents.services.order_place_with_documents (channel WEB), as a buyer app's confirm does.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from catalog import zones
from catalog.models import Item
from documents import selectors as document_selectors
from documents import services as document_services
from documents.errors import DocumentsError, DocumentsMissing
from documents.forms import DETAIL_FIELDS, FORM_HEADINGS
from documents.services import order_place_with_documents
from documents.tokens import FormScope
from documents.uploads import request_size_problem
from orders import policies
from orders.actors import actor_for_homeowner
from orders.errors import ItemNotFound, OrderError, QuoteChanged
from orders.models import Order
from orders.policies import WorkingHours
from orders.selectors import Quote, homeowner_reference, item_quote, provider_working_hours
from orders.selectors.pricing import quote_time_zone
from orders.services import Billing, Customer
from web.homeowner.document_forms import SubmissionForm
from web.homeowner.my_orders import go
from web.homeowner.order_forms import (
    PAYMENT_OPTIONS,
    CheckoutConfirmForm,
    CheckoutDetailsForm,
    SlotForm,
    payment_option,
    slot_from,
)

# The drafts' key in the session (named when ordering lived in orders/: open sessions keep theirs).
SESSION_KEY = "orders.checkout"


# --- The draft ----------------------------------------------------------------------------------


def _drafts(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return request.session.get(SESSION_KEY, {})


def _draft(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    return _drafts(request).get(str(item.pk))


def _draft_save(request: HttpRequest, item: Item, draft: dict[str, Any]) -> None:
    drafts = _drafts(request)
    drafts[str(item.pk)] = draft
    request.session[SESSION_KEY] = drafts


def _draft_drop(request: HttpRequest, item: Item) -> None:
    drafts = _drafts(request)
    drafts.pop(str(item.pk), None)
    request.session[SESSION_KEY] = drafts


def _scope(request: HttpRequest, item: Item, draft: dict[str, Any]) -> FormScope:
    """The draft's document form, as a buyer app's transaction would have it."""
    return FormScope(
        item_id=item.pk,
        buyer_reference=homeowner_reference(request.user.pk),
        transaction_id=draft["id"],
    )


def _quote(item_id: int) -> Quote:
    try:
        return item_quote(item_id)
    except (ItemNotFound, OrderError):
        raise Http404("This installation is not on offer.") from None


def _item(quote: Quote) -> Item:
    return quote.items[0]


def _offer_context(quote: Quote, step: str) -> dict[str, Any]:
    item = _item(quote)
    return {
        "quote": quote,
        "item": item,
        "provider": quote.provider,
        "document_types": document_selectors.required_types(item),
        "step": step,
        "steps": _steps(item),
    }


def _steps(item: Item) -> list[tuple[str, str]]:
    steps = [("details", "Your details")]
    if document_selectors.required_types(item):
        steps.append(("documents", "Documents"))
    steps.append(("confirm", "Payment and confirmation"))
    return steps


def _step_url(name: str, item: Item) -> str:
    return reverse(f"orders:order-new{'-' + name if name != 'details' else ''}", args=[item.pk])


# --- Step 1: the offer and the homeowner's details ----------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, item_id: int) -> HttpResponse:
    """The offer, and (signed in) the billing and site addresses and the survey slot."""
    quote = _quote(item_id)
    item = _item(quote)
    context = _offer_context(quote, "details")
    if not request.user.is_authenticated:
        context["next"] = request.get_full_path()
        return render(request, "orders/order_new.html", context)
    draft = _draft(request, item)
    if request.method == "POST":
        form = CheckoutDetailsForm(
            request.POST,
            zone_name=quote_time_zone(quote),
            working_hours=provider_working_hours(quote.provider),
        )
        if form.is_valid():
            data = form.cleaned_data
            slot = data["slot"]
            _draft_save(
                request,
                item,
                {
                    "id": draft["id"] if draft else str(uuid.uuid4()),
                    "billing_name": data["billing_name"].strip(),
                    "billing_email": data["billing_email"],
                    "billing_phone": data["billing_phone"].strip(),
                    "billing_address": data["billing_address"].strip(),
                    "site_address": data["site_address"].strip(),
                    "same_address": data["same_address"],
                    "survey_start": slot.start.isoformat(),
                    "survey_end": slot.end.isoformat(),
                },
            )
            return redirect(_step_url(_steps(item)[1][0], item))
    else:
        zone_name = quote_time_zone(quote)
        working_hours = provider_working_hours(quote.provider)
        form = CheckoutDetailsForm(
            initial=_details_initial(request, draft, zone_name, working_hours),
            zone_name=zone_name,
            working_hours=working_hours,
        )
    context["form"] = form
    return render(request, "orders/order_new.html", context, status=400 if form.errors else 200)


def _details_initial(
    request: HttpRequest,
    draft: dict[str, Any] | None,
    zone_name: str,
    working_hours: WorkingHours,
) -> dict[str, Any]:
    if draft:
        initial = {k: v for k, v in draft.items() if not k.startswith("survey_") and k != "id"}
        slot = slot_from(draft["survey_start"], draft["survey_end"])
        initial.update(SlotForm.initial_for(slot, zone_name))
        return initial
    user = request.user
    return {
        "billing_name": user.get_full_name(),
        "billing_email": user.email,
        "same_address": True,
        **SlotForm.initial_for(
            policies.default_survey_slot(zone=zones.zone(zone_name), working_hours=working_hours),
            zone_name,
        ),
    }


def _draft_or_start(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    draft = _draft(request, item)
    if draft is None:
        messages.info(request, "Start with your details.")
    return draft


# --- Step 2: documents --------------------------------------------------------------------------


def _customer_details(draft: dict[str, Any]) -> dict[str, str]:
    return {
        "customer_name": draft["billing_name"],
        "customer_email": draft["billing_email"],
        "customer_phone": draft["billing_phone"],
        "site_address": draft["site_address"],
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_documents(request: HttpRequest, item_id: int) -> HttpResponse:
    """The item's document form for this draft: the same form, checks and service as the buyer
    apps' XInput form."""
    quote = _quote(item_id)
    item = _item(quote)
    draft = _draft_or_start(request, item)
    if draft is None:
        return redirect(_step_url("details", item))
    if not document_selectors.required_types(item):
        return redirect(_step_url("confirm", item))
    scope = _scope(request, item, draft)
    submission = document_selectors.submission_for_scope(scope)
    state = document_selectors.form_state(item, document_selectors.current_documents(submission))
    initial: dict[str, Any] = {"property_type": item.property_type}
    if submission is not None and submission.submitted_at:
        initial.update({name: getattr(submission, name) for name in DETAIL_FIELDS})
    initial.update(_customer_details(draft))
    form = SubmissionForm(initial=initial, needed=state.needed, replaceable=state.replaceable)
    status, upload_error = 200, ""
    if request.method == "POST":
        files = len(state.needed) + len(state.replaceable)
        if upload_error := request_size_problem(request, files=files):
            status = 413
        else:
            response, form = _documents_submit(request, item, draft, scope, state)
            if response is not None:
                return response
            status = 400
    context = {
        **_offer_context(quote, "documents"),
        "form": form,
        "upload_error": upload_error,
        "state": state,
        "missing": document_selectors.missing_types(item, submission),
        "max_size": filesizeformat(settings.DOCUMENTS_MAX_UPLOAD_BYTES),
        "technical_heading": FORM_HEADINGS[1],
        "confirm_url": _step_url("confirm", item),
    }
    return render(request, "orders/order_documents.html", context, status=status)


def _documents_submit(
    request: HttpRequest, item: Item, draft: dict[str, Any], scope: FormScope, state: Any
) -> tuple[HttpResponse | None, SubmissionForm]:
    try:
        data = request.POST.copy()
        for name, value in _customer_details(draft).items():
            data[name] = value
        form = SubmissionForm(
            data, request.FILES, needed=state.needed, replaceable=state.replaceable
        )
        valid = form.is_valid()
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        raise BadRequest("The form data could not be read.") from None
    if not valid:
        return None, form
    details = {name: form.cleaned_data[name] for name in DETAIL_FIELDS}
    try:
        document_services.submission_submit(
            scope=scope,
            item=item,
            details=details,
            uploads=form.uploads(),
            uploaded_by=actor_for_homeowner(request.user),
        )
    except DocumentsError as exc:
        form.add_error(None, str(exc))
        return None, form
    messages.success(request, "Your documents are uploaded.")
    return go(request, _step_url("confirm", item)), form


# --- Step 3: terms, payment, confirmation -------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def order_confirm(request: HttpRequest, item_id: int) -> HttpResponse:
    """The order in full with the terms; accepting them and choosing how to pay places it."""
    quote = _quote(item_id)
    item = _item(quote)
    draft = _draft_or_start(request, item)
    if draft is None:
        return redirect(_step_url("details", item))
    buyer = homeowner_reference(request.user.pk)
    submission = document_selectors.submission_for_scope(_scope(request, item, draft))
    missing = document_selectors.missing_types(item, submission)
    form = CheckoutConfirmForm(
        request.POST or None,
        initial={"expected_total": quote.total, "payment": PAYMENT_OPTIONS[0].key},
    )
    if request.method == "POST" and form.is_valid():
        placed = _place(request, form, quote, draft, buyer)
        if placed is not None:
            _draft_drop(request, item)
            messages.success(
                request,
                f"Thank you! Your order is placed. Your Installation Request ID is "
                f"{placed.installation_request_id}.",
            )
            return redirect("orders:order", placed.installation_request_id)
    survey = slot_from(draft["survey_start"], draft["survey_end"])
    context = {
        **_offer_context(quote, "confirm"),
        "form": form,
        "draft": draft,
        "survey": survey,
        "survey_in_words": zones.window_in_words(survey.start, survey.end, quote_time_zone(quote)),
        "missing": missing,
        "documents_first": item.documents_required_before_confirm,
        "documents_url": _step_url("documents", item),
        "details_url": _step_url("details", item),
    }
    return render(request, "orders/order_confirm.html", context, status=400 if form.errors else 200)


def _place(
    request: HttpRequest,
    form: CheckoutConfirmForm,
    quote: Quote,
    draft: dict[str, Any],
    buyer: str,
) -> Order | None:
    """Place the order with its documents as a buyer app's confirm does (one domain service);
    a refusal becomes the form's error."""
    option = payment_option(form.cleaned_data["payment"])
    try:
        return order_place_with_documents(
            quote=quote,
            billing=Billing(
                name=draft["billing_name"],
                address=draft["billing_address"],
                email=draft["billing_email"],
                phone=draft["billing_phone"],
            ),
            customer=Customer(
                name=draft["billing_name"],
                phone=draft["billing_phone"],
                email=draft["billing_email"],
            ),
            site_address=draft["site_address"],
            channel=Order.Channel.WEB,
            buyer_reference=buyer,
            transaction_id=draft["id"],
            actor=actor_for_homeowner(request.user),
            payment_terms=option.terms,
            payment_collector=option.collector,
            expected_total=form.cleaned_data["expected_total"],
            survey_slot=slot_from(draft["survey_start"], draft["survey_end"]),
        )
    except DocumentsMissing as exc:
        lacking = "; ".join(
            f"{item.name} needs {', '.join(t.name for t in types)}"
            for item, types in exc.missing.items()
        )
        form.add_error(None, f"The installer needs your documents before the order: {lacking}.")
        return None
    except QuoteChanged as exc:
        form.data = form.data.copy()
        form.data["expected_total"] = str(quote.total)
        form.add_error(None, f"{exc} Check the price and confirm again.")
        return None
    except OrderError as exc:
        form.add_error(None, str(exc))
        return None
