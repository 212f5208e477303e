"""The Beckn actions we serve: how each request's message is checked and how it is answered.

An answer is the `message` of the on_<action> callback, or, for a business error, an `error`
with its BECKN-005 code (such requests were ACKed: the error travels in the callback).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from beckn import mapping
from beckn import serializers as beckn_serializers
from beckn.models import OrderLink
from beckn.selectors import transaction_link
from beckn.services import order_link_create, search_listing_record
from catalog.models import Provider
from catalog.selectors import offer_search
from documents.selectors import FormOffer, absolute_url, confirm_check, transaction_form
from documents.services import order_documents_attach
from orders import errors
from orders.models import Order, PaymentCollector
from orders.policies import SUPPORTED_PAYMENT_TERMS, Slot
from orders.selectors import offer_quote, order_detail, order_for_buyer
from orders.services import (
    order_billing_update,
    order_cancel,
    order_payment_record,
    order_place,
    order_reschedule,
)
from ratings.errors import (
    CommentInvalid,
    RateableNotFound,
    RatingCategoryUnsupported,
    RatingError,
    RatingNotAllowed,
    RatingValueInvalid,
)
from ratings.models import Rating
from ratings.services import RatingEntry, ratings_submit
from ratings.tokens import feedback_token

JSON = dict[str, Any]


class BusinessError(Exception):
    """A request the protocol layer itself refuses in the callback, with its code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


ERROR_CODES: dict[type[Exception], str] = {
    errors.ProviderNotFound: "30001",
    errors.ItemNotFound: "30004",
    errors.FulfillmentUnavailable: "30008",
    errors.OrderNotFound: "30010",
    errors.InvalidCancellationReason: "30011",
    errors.QuoteChanged: "40003",
    errors.PaymentNotSupported: "40004",
    errors.TechnicianUnavailable: "40006",
    errors.CancellationNotPossible: "50001",
    errors.UpdateNotPossible: "50002",
    errors.IllegalTransition: "40000",
    RatingCategoryUnsupported: "50003",
    RatingValueInvalid: "30015",
    CommentInvalid: "30015",
    RateableNotFound: "30014",
    # Not completed yet: the thing exists and BECKN-005 has no code for "not rateable yet" (30014
    # would say it does not exist, 40001 is for actions a BPP does not serve): a business error.
    RatingNotAllowed: "40000",
}
# A confirm without the documents an item requires before confirmation (xinput.required), or
# quoting a form submission that is not this transaction's. BECKN-005 has no code for a missing
# XInput submission: the request is well-formed (30000 is our synchronous NACK for malformed
# ones) and no entity is unknown (300xx), it fails a business condition of the order, like the
# other business refusals we report with 40000.
DOCUMENTS_MISSING = "40000"


@dataclass(frozen=True)
class Action:
    name: str
    message_serializer: type[serializers.Serializer]
    answer: Callable[[JSON], JSON]
    # on_rating's schema requires a `message` even beside an `error` (no other callback's does).
    message_with_error: bool = False


def answer(request: JSON, action: Action) -> JSON:
    """The callback body's `message` (or `error`) for a request of `action`."""
    try:
        return {"message": action.answer(request)}
    except (errors.OrderError, RatingError) as exc:
        error = {"code": ERROR_CODES[type(exc)], "message": str(exc)}
    except BusinessError as exc:
        error = {"code": exc.code, "message": str(exc)}
    return {"message": {}, "error": error} if action.message_with_error else {"error": error}


def _bap_id(request: JSON) -> str:
    return request["context"]["bap_id"]


def _own_order(request: JSON, order_id: str) -> Order:
    return order_for_buyer(
        installation_request_id=order_id,
        channel=Order.Channel.NETWORK,
        buyer_reference=_bap_id(request),
    )


def _placed(order: Order) -> JSON:
    """The order as a write left it, read afresh with what its message shows."""
    return mapping.order_message(order_detail(order.pk))


def answer_search(request: JSON) -> JSON:
    query = mapping.offer_query(request["message"]["intent"])
    providers = offer_search(query, limit=settings.BECKN_SEARCH_MAX_ITEMS)
    search_listing_record(context=request["context"], providers=providers)
    return mapping.catalog_message(providers)


def _document_forms(request: JSON, items: list[Any]) -> dict[int, FormOffer]:
    """The document form of each item that requires documents, for this transaction."""
    context = request["context"]
    forms = {}
    for item in items:
        form = transaction_form(
            buyer_reference=context["bap_id"],
            transaction_id=context["transaction_id"],
            item=item,
        )
        if form is not None:
            forms[item.pk] = form
    return forms


def answer_select(request: JSON) -> JSON:
    quote = offer_quote(**mapping.quote_request(request["message"]["order"]))
    forms = _document_forms(request, quote.items)
    return {
        "order": {
            "provider": mapping.provider_summary(quote.provider),
            "items": [
                mapping.item_json(
                    item,
                    xinput=mapping.item_xinput(forms[item.pk]) if item.pk in forms else None,
                )
                for item in quote.items
            ],
            "fulfillments": [{"id": quote.fulfillment.local_id, "type": quote.fulfillment.type}],
            "quote": mapping.quote_json(quote),
        }
    }


def answer_init(request: JSON) -> JSON:
    order = request["message"]["order"]
    quote = offer_quote(**mapping.quote_request(order))
    payment_type = (order.get("payments") or [{}])[0].get("type")
    if payment_type and mapping.PAYMENT_TYPES.get(payment_type) not in SUPPORTED_PAYMENT_TERMS:
        raise errors.PaymentNotSupported(
            f"Payment {payment_type} is not offered; use ON-FULFILLMENT or POST-FULFILLMENT."
        )
    forms = _document_forms(request, quote.items)
    return {"order": mapping.draft_order_json(quote, order, forms=forms)}


def answer_confirm(request: JSON) -> JSON:
    context = request["context"]
    link = transaction_link(context["bap_id"], context["transaction_id"])
    if link is not None:  # this transaction was confirmed already: the same order
        return _placed(link.order)
    message_order = request["message"]["order"]
    quote = offer_quote(**mapping.quote_request(message_order))
    forms = confirm_check(
        buyer_reference=context["bap_id"],
        transaction_id=context["transaction_id"],
        items=quote.items,
        submission_ids=mapping.xinput_submission_ids(message_order),
    )
    if forms.unknown:
        raise BusinessError(
            DOCUMENTS_MISSING,
            f"xinput.form.submission_id {', '.join(forms.unknown)} is not a form submitted in "
            "this transaction for these items.",
        )
    if forms.missing:
        lacking = "; ".join(
            f"item {item.external_id} lacks {', '.join(t.name for t in types)}"
            for item, types in forms.missing.items()
        )
        raise BusinessError(
            DOCUMENTS_MISSING,
            f"Documents are required before confirmation: {lacking}. Submit the item's xinput "
            "form and send its submission_id in items[].xinput.form.submission_id.",
        )
    actor = mapping.actor(context["bap_id"])
    order = order_place(
        quote=quote,
        channel=Order.Channel.NETWORK,
        buyer_reference=context["bap_id"],
        actor=actor,
        **mapping.order_placement(message_order),
    )
    order_link_create(order=order, context=context)
    order_documents_attach(
        order=order,
        submissions=forms.submissions,
        actor=actor,
        buyer_reference=context["bap_id"],
        transaction_id=context["transaction_id"],
    )
    return _placed(order)


def answer_status(request: JSON) -> JSON:
    return mapping.order_message(_own_order(request, request["message"]["order_id"]))


def answer_track(request: JSON) -> JSON:
    order = _own_order(request, request["message"]["order_id"])
    return {
        "tracking": {
            "id": order.installation_request_id,
            "url": mapping.tracking_url(order),
            "status": "inactive" if order.is_closed else "active",
        }
    }


def answer_cancel(request: JSON) -> JSON:
    message = request["message"]
    order = _own_order(request, message["order_id"])
    descriptor = message.get("descriptor") or {}
    order = order_cancel(
        order=order,
        reason_id=message.get("cancellation_reason_id", ""),
        actor=mapping.actor(_bap_id(request)),
        note=descriptor.get("short_desc") or descriptor.get("name") or "",
    )
    return _placed(order)


UPDATE_TARGETS = ("billing", "payments", "fulfillments")


def _update_target(target: str) -> str:
    """The part of the order an update_target names: billing, payments or fulfillments."""
    path = target.removeprefix("order.")
    root = path.split(".", 1)[0].split("[", 1)[0]
    if root not in UPDATE_TARGETS:
        raise BusinessError(
            "30012",
            f"update_target {target!r} cannot be updated; use order.billing, order.payments or "
            "order.fulfillments[0].stops[0].time.",
        )
    return root


def answer_update(request: JSON) -> JSON:
    message = request["message"]
    target = _update_target(message["update_target"])
    changed = message["order"]
    others = sorted(set(changed) - {"id", "provider", "items", target})
    if others or not changed.get(target):
        raise BusinessError(
            "30013",
            f"The order must carry {target} and nothing else to update"
            + (f" (it also carries {', '.join(others)})." if others else "."),
        )
    order = _own_order(request, changed["id"])
    actor = mapping.actor(_bap_id(request))
    if target == "billing":
        order = order_billing_update(
            order=order, billing=mapping.billing(changed["billing"]), actor=actor
        )
    elif target == "payments":
        payment = changed["payments"][0]
        if order.payment_collector != PaymentCollector.BUYER_APP:
            raise errors.UpdateNotPossible("The installer collects this payment, not the BAP.")
        order = order_payment_record(
            order=order,
            status="PAID" if payment.get("status") == "PAID" else "PENDING",
            reference=(payment.get("params") or {}).get("transaction_id", ""),
            actor=actor,
        )
    else:
        stop = (changed["fulfillments"][0].get("stops") or [{}])[0].get("time") or {}
        time_range = stop.get("range")
        if not time_range:
            raise BusinessError("30013", "A new appointment needs stops[0].time.range.")
        slot = Slot(
            beckn_serializers.parse_timestamp(time_range["start"]),
            beckn_serializers.parse_timestamp(time_range["end"]),
        )
        order = order_reschedule(order=order, slot=slot, actor=actor, reason="Asked by the buyer")
    return _placed(order)


def answer_support(request: JSON) -> JSON:
    support = request["message"]["support"]
    ref_id = support.get("order_id") or support["ref_id"]
    try:
        provider = _own_order(request, ref_id).provider
    except errors.OrderNotFound:
        provider = Provider.objects.filter(external_id=ref_id, is_active=True).first()
    if provider is None:
        raise BusinessError("50004", f"No support for {ref_id!r}: no such order or provider.")
    return mapping.support_json(provider, ref_id)


# BECKN-008 names the rated things; each is one of the order's (ratings.services has the rules).
RATING_CATEGORIES = {
    "Item": Rating.Category.ITEM,
    "Order": Rating.Category.ORDER,
    "Fulfillment": Rating.Category.FULFILLMENT,
    "Provider": Rating.Category.PROVIDER,
    "Agent": Rating.Category.AGENT,
    "Support": Rating.Category.SUPPORT,
}


def _named_order(request: JSON, order_id: str) -> Order:
    """The order an Order rating names by id; another BAP's order is not found (30014)."""
    try:
        return _own_order(request, order_id)
    except errors.OrderNotFound:
        raise BusinessError("30014", f"No order {order_id!r} of yours to rate.") from None


def _rated_order(
    request: JSON, category: str, entity_id: str, link: OrderLink | None, named: list[Order]
) -> Order:
    """The order a rating of another category than Order is about: the order placed in this
    transaction (`link`: the BAP rates in the order's transaction), or else the order an Order
    rating of the same message names."""
    if link is not None:
        return link.order
    if named:
        return named[0]
    raise BusinessError(
        "30014",
        f"No order of yours in transaction {request['context']['transaction_id']!r} has a "
        f"{category.lower()} {entity_id!r}: rate in the transaction of the order, or rate the "
        "order too.",
    )


def answer_rating(request: JSON) -> JSON:
    """Record the ratings (all or none); on_rating offers a feedback form (XInput) where the
    buyer writes the review behind them."""
    # The serializer accepted numbers as text: read them as text.
    ratings = [
        {**rating, "rating_category": str(rating["rating_category"]), "id": str(rating["id"])}
        for rating in request["message"]["ratings"]
    ]
    categories = []
    for rating in ratings:
        category = RATING_CATEGORIES.get(rating["rating_category"])
        if category is None:
            raise BusinessError(
                "50003",
                f"Rating category {rating['rating_category']!r} is not supported; use one of "
                f"{', '.join(RATING_CATEGORIES)}.",
            )
        categories.append(category)
    named = {
        index: _named_order(request, rating["id"])
        for index, (category, rating) in enumerate(zip(categories, ratings, strict=True))
        if category == Rating.Category.ORDER
    }
    context = request["context"]
    link = (
        transaction_link(context["bap_id"], context["transaction_id"])
        if len(named) < len(ratings)  # some rating is of another category than Order
        else None
    )
    entries = [
        RatingEntry(
            order=named.get(index)
            or _rated_order(request, category, rating["id"], link, list(named.values())),
            category=category,
            entity_id=rating["id"],
            value=rating["value"],
        )
        for index, (category, rating) in enumerate(zip(categories, ratings, strict=True))
    ]
    saved = ratings_submit(
        entries=entries, channel=Order.Channel.NETWORK, buyer_reference=_bap_id(request)
    )
    review = next((r for r in reversed(saved) if r.is_review), saved[-1])
    form_url = absolute_url(reverse("ratings:feedback", args=[feedback_token(review)]))
    return {
        "feedback_form": {"form": {"url": form_url, "mime_type": "text/html"}, "required": False}
    }


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action("search", beckn_serializers.SearchMessageSerializer, answer_search),
        Action("select", beckn_serializers.SelectMessageSerializer, answer_select),
        Action("init", beckn_serializers.InitMessageSerializer, answer_init),
        Action("confirm", beckn_serializers.ConfirmMessageSerializer, answer_confirm),
        Action("status", beckn_serializers.OrderIdMessageSerializer, answer_status),
        Action("track", beckn_serializers.TrackMessageSerializer, answer_track),
        Action("cancel", beckn_serializers.CancelMessageSerializer, answer_cancel),
        Action("update", beckn_serializers.UpdateMessageSerializer, answer_update),
        Action("support", beckn_serializers.SupportMessageSerializer, answer_support),
        Action(
            "rating",
            beckn_serializers.RatingMessageSerializer,
            answer_rating,
            message_with_error=True,
        ),
    ]
}
