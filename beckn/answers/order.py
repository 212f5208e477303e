"""confirm -> on_confirm, and status, track, cancel and update of a placed order: the order as
the request leaves it (placed, cancelled, updated...), through the orders app's services."""

from typing import Any

from beckn.answers.composer import BusinessError, composer
from beckn.links import order_link_create
from beckn.mapping.order import (
    billing,
    order_message,
    order_placement,
    quote_request,
    tracking_url,
)
from beckn.mapping.values import parse_timestamp
from beckn.mapping.xinput import xinput_submission_ids
from beckn.selectors import transaction_link
from documents.errors import DocumentsMissing
from documents.services import order_place_with_documents
from orders import errors
from orders.actors import actor_for_bap
from orders.models import Order, PaymentCollector
from orders.policies import Slot
from orders.selectors import offer_quote, order_detail, order_for_buyer
from orders.services import (
    order_billing_update,
    order_cancel,
    order_payment_record,
    order_reschedule,
)

JSON = dict[str, Any]

# A confirm without the documents an item requires before confirmation (xinput.required), or
# quoting a form submission that is not this transaction's. BECKN-005 has no code for a missing
# XInput submission: the request is well-formed (30000 is our synchronous NACK for malformed
# ones) and no entity is unknown (300xx), it fails a business condition of the order, like the
# other business refusals we report with 40000.
DOCUMENTS_MISSING = "40000"


def _bap_id(request: JSON) -> str:
    return request["context"]["bap_id"]


def own_order(request: JSON, order_id: str) -> Order:
    """The order `order_id` placed by the request's BAP (another BAP's is not found)."""
    return order_for_buyer(
        installation_request_id=order_id,
        channel=Order.Channel.NETWORK,
        buyer_reference=_bap_id(request),
    )


def _documents_missing(exc: DocumentsMissing) -> str:
    """The refusal of a confirm without its documents, in the buyer app's terms."""
    if exc.unknown:
        return (
            f"xinput.form.submission_id {', '.join(exc.unknown)} is not a form submitted in "
            "this transaction for these items."
        )
    lacking = "; ".join(
        f"item {item.external_id} lacks {', '.join(t.name for t in types)}"
        for item, types in exc.missing.items()
    )
    return (
        f"Documents are required before confirmation: {lacking}. Submit the item's xinput "
        "form and send its submission_id in items[].xinput.form.submission_id."
    )


def _placed(order: Order) -> JSON:
    """The order as a write left it, read afresh with what its message shows."""
    return order_message(order_detail(order.pk))


@composer("confirm")
def answer_confirm(request: JSON) -> JSON:
    context = request["context"]
    link = transaction_link(context["bap_id"], context["transaction_id"])
    if link is not None:  # this transaction was confirmed already: the same order
        return _placed(link.order)
    message_order = request["message"]["order"]
    quote = offer_quote(**quote_request(message_order))
    try:
        order = order_place_with_documents(
            quote=quote,
            channel=Order.Channel.NETWORK,
            buyer_reference=context["bap_id"],
            transaction_id=context["transaction_id"],
            actor=actor_for_bap(context["bap_id"]),
            submission_ids=xinput_submission_ids(message_order),
            **order_placement(message_order),
        )
    except DocumentsMissing as exc:
        raise BusinessError(DOCUMENTS_MISSING, _documents_missing(exc)) from exc
    order_link_create(order=order, context=context)
    return _placed(order)


@composer("status")
def answer_status(request: JSON) -> JSON:
    return order_message(own_order(request, request["message"]["order_id"]))


@composer("track")
def answer_track(request: JSON) -> JSON:
    order = own_order(request, request["message"]["order_id"])
    return {
        "tracking": {
            "id": order.installation_request_id,
            "url": tracking_url(order),
            "status": "inactive" if order.is_closed else "active",
        }
    }


@composer("cancel")
def answer_cancel(request: JSON) -> JSON:
    message = request["message"]
    order = own_order(request, message["order_id"])
    descriptor = message.get("descriptor") or {}
    order = order_cancel(
        order=order,
        reason_id=message.get("cancellation_reason_id", ""),
        actor=actor_for_bap(_bap_id(request)),
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


@composer("update")
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
    order = own_order(request, changed["id"])
    by_bap = actor_for_bap(_bap_id(request))
    if target == "billing":
        order = order_billing_update(order=order, billing=billing(changed["billing"]), actor=by_bap)
    elif target == "payments":
        payment = changed["payments"][0]
        if order.payment_collector != PaymentCollector.BUYER_APP:
            raise errors.UpdateNotPossible("The installer collects this payment, not the BAP.")
        order = order_payment_record(
            order=order,
            status="PAID" if payment.get("status") == "PAID" else "PENDING",
            reference=(payment.get("params") or {}).get("transaction_id", ""),
            actor=by_bap,
        )
    else:
        stop = (changed["fulfillments"][0].get("stops") or [{}])[0].get("time") or {}
        time_range = stop.get("range")
        if not time_range:
            raise BusinessError("30013", "A new appointment needs stops[0].time.range.")
        slot = Slot(
            parse_timestamp(time_range["start"]),
            parse_timestamp(time_range["end"]),
        )
        order = order_reschedule(order=order, slot=slot, actor=by_bap, reason="Asked by the buyer")
    return _placed(order)
