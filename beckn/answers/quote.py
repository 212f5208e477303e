"""select -> on_select and init -> on_init: the quote of an order not placed yet, with the
document form of each item that requires documents."""

from typing import Any

from beckn.answers.composer import composer
from beckn.mapping.catalog import item_json, provider_summary
from beckn.mapping.order import (
    PAYMENT_TYPES,
    draft_order_json,
    quote_json,
    quote_request,
    requested_slot,
)
from beckn.mapping.xinput import item_xinput
from documents.selectors import FormOffer, transaction_form
from orders import errors
from orders.policies import SUPPORTED_PAYMENT_TERMS, slot_problem
from orders.selectors import offer_quote, provider_working_hours

JSON = dict[str, Any]


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


@composer("select")
def answer_select(request: JSON) -> JSON:
    quote = offer_quote(**quote_request(request["message"]["order"]))
    forms = _document_forms(request, quote.items)
    return {
        "order": {
            "provider": provider_summary(quote.provider),
            "items": [
                item_json(
                    item,
                    xinput=item_xinput(forms[item.pk]) if item.pk in forms else None,
                )
                for item in quote.items
            ],
            "fulfillments": [{"id": quote.fulfillment.local_id, "type": quote.fulfillment.type}],
            "quote": quote_json(quote),
        }
    }


@composer("init")
def answer_init(request: JSON) -> JSON:
    order = request["message"]["order"]
    quote = offer_quote(**quote_request(order))
    payment_type = (order.get("payments") or [{}])[0].get("type")
    if payment_type and PAYMENT_TYPES.get(payment_type) not in SUPPORTED_PAYMENT_TERMS:
        raise errors.PaymentNotSupported(
            f"Payment {payment_type} is not offered; use ON-FULFILLMENT or POST-FULFILLMENT."
        )
    # A site-survey time asked for is checked as confirm will book it (order_place), so that
    # on_init does not echo a time the installer would refuse.
    slot = requested_slot(order)
    if slot is not None:
        working_hours = provider_working_hours(quote.provider)
        if problem := slot_problem(slot, working_hours=working_hours):
            raise errors.UpdateNotPossible(problem)
    forms = _document_forms(request, quote.items)
    return {"order": draft_order_json(quote, order, forms=forms)}
