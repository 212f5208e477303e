"""Orders: a select/init/confirm order to the quote and placement it asks for, and an order (a
quote on init, a placed order afterwards) to the messages that show it, its documents included."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from beckn.mapping.catalog import item_json, provider_summary
from beckn.mapping.values import decimal_text, parse_timestamp, tag_group
from beckn.mapping.xinput import item_xinput
from catalog.models import Item, Provider
from catalog.taxonomy import InstallationPhase, InstallationStatus, PaymentStatus
from documents import selectors as documents
from orders.actors import is_bap
from orders.models import Order, PaymentCollector, PaymentTerms
from orders.policies import CANCELLATION_REASONS, Slot
from orders.selectors import Quote, charge_breakup
from orders.services import Billing, Customer
from payments import selectors as payments
from payments.models import Payment
from payments.selectors import Receipt

JSON = dict[str, Any]


PAYMENT_TYPES = {
    "PRE-ORDER": PaymentTerms.PRE_ORDER,
    "PRE-FULFILLMENT": PaymentTerms.PRE_FULFILLMENT,
    "ON-FULFILLMENT": PaymentTerms.ON_FULFILLMENT,
    "POST-FULFILLMENT": PaymentTerms.POST_FULFILLMENT,
}
PAYMENT_COLLECTORS = {"BPP": PaymentCollector.INSTALLER, "BAP": PaymentCollector.BUYER_APP}
ORDER_STATUS = {
    InstallationStatus.COMPLETED: "COMPLETE",
    InstallationStatus.CANCELLED: "CANCELLED",
    InstallationStatus.FAILED: "CANCELLED",
}
PHASE_STATES = {
    InstallationPhase.SITE_SURVEY: ("Site-survey", "Site Survey in Progress"),
    InstallationPhase.PREPARATION: ("Preparation", "Site Preparation"),
    InstallationPhase.INSTALLATION: ("Installation-in-progress", "Installation in Progress"),
    InstallationPhase.TESTING: ("Testing", "System Testing"),
    InstallationPhase.COMMISSIONING: ("Commissioning", "System Commissioning"),
}
SCHEDULED_STATE = ("Scheduled", "Installation Scheduled")


def _first(entries: list[JSON] | None) -> JSON:
    return (entries or [{}])[0]


def quote_request(order: JSON) -> dict[str, Any]:
    """The arguments of orders.selectors.offer_quote for a select/init/confirm order."""
    return {
        "provider_external_id": order["provider"]["id"],
        "item_external_ids": [item["id"] for item in order["items"]],
        "fulfillment_local_id": _first(order.get("fulfillments")).get("id", ""),
    }


def billing(data: JSON) -> Billing:
    return Billing(
        name=data["name"],
        address=data["address"],
        email=data.get("email", ""),
        phone=data.get("phone", ""),
    )


def requested_slot(order: JSON) -> Slot | None:
    """The site-survey window an init/confirm order asks for (fulfillments[0].stops[0].time.range),
    None when it asks for none."""
    stop = _first(_first(order.get("fulfillments")).get("stops"))
    time_range = (stop.get("time") or {}).get("range")
    if not time_range:
        return None
    return Slot(parse_timestamp(time_range["start"]), parse_timestamp(time_range["end"]))


def order_placement(order: JSON) -> dict[str, Any]:
    """The arguments of orders.services.order_place that a confirm's order carries."""
    billed = billing(order["billing"])
    fulfillment = _first(order.get("fulfillments"))
    customer = fulfillment.get("customer") or {}
    contact = customer.get("contact") or {}
    stop = _first(fulfillment.get("stops"))
    payment = _first(order.get("payments"))
    arguments: dict[str, Any] = {
        "billing": billed,
        "customer": Customer(
            name=(customer.get("person") or {}).get("name") or billed.name,
            phone=contact.get("phone") or billed.phone,
            email=contact.get("email") or billed.email,
        ),
        "site_address": (stop.get("location") or {}).get("address") or billed.address,
        "survey_slot": requested_slot(order),
    }
    if payment.get("type"):
        arguments["payment_terms"] = PAYMENT_TYPES.get(payment["type"], payment["type"])
    if payment.get("collected_by"):
        arguments["payment_collector"] = PAYMENT_COLLECTORS[payment["collected_by"]]
    if payment.get("status") == "PAID":
        arguments["payment_status"] = PaymentStatus.PAID
    price = (order.get("quote") or {}).get("price")
    if price:
        arguments["expected_total"] = Decimal(str(price["value"]))
    return arguments


def _price(value: Decimal, currency: str) -> JSON:
    return {"value": decimal_text(value), "currency": currency}


def quote_json(quote: Quote) -> JSON:
    return {
        "price": _price(quote.total, quote.currency),
        "breakup": [
            {"title": title, "price": _price(amount, quote.currency)}
            for title, amount in quote.breakup
        ],
    }


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def payments_json(
    *,
    terms: str,
    collector: str,
    paid: bool,
    amount: Decimal,
    currency: str,
    reference: str = "",
    url: str = "",
    receipt: Receipt | None = None,
    refund_due: bool = False,
) -> list[JSON]:
    """The order's one payment. One the installer collects carries `url`, our page to pay it
    on by card (none on on_init: the page is the placed order's); once paid, `params` carry the
    transaction id and the amount taken and `time` when. The core specification's status is
    PAID or NOT-PAID only: a refund is told in the `refund` tag group (status PENDING while the
    gateway is asked, then REFUNDED with its reference and time)."""
    types = {value: name for name, value in PAYMENT_TYPES.items()}
    payment: JSON = {
        "type": types[terms],
        "collected_by": "BAP" if collector == PaymentCollector.BUYER_APP else "BPP",
        "status": "PAID" if paid else "NOT-PAID",
        "params": {"amount": decimal_text(amount), "currency": currency},
    }
    if collector == PaymentCollector.BUYER_APP:
        payment["url"] = ""  # the buyer app collects: there is nothing to pay here
    elif url:
        payment["url"] = url
    if reference:
        payment["params"]["transaction_id"] = reference
    if receipt is None:
        return [payment]
    payment["params"].update(
        transaction_id=receipt.transaction_id,
        amount=decimal_text(receipt.amount),
        currency=receipt.currency,
    )
    payment["time"] = {"label": "PAID", "timestamp": _stamp(receipt.paid_at)}
    if receipt.refunded_at is not None:
        refund = [
            ("refund-status", "REFUNDED"),
            ("refund-amount", decimal_text(receipt.amount)),
            ("refunded-at", _stamp(receipt.refunded_at)),
        ]
        if receipt.refund_reference:
            refund.append(("refund-transaction-id", receipt.refund_reference))
        payment["tags"] = [tag_group("refund", refund)]
    elif refund_due:
        payment["tags"] = [tag_group("refund", [("refund-status", "PENDING")])]
    return [payment]


def cancellation_terms_json() -> list[JSON]:
    """Free cancellation until the installation begins; not possible after."""
    states = [
        SCHEDULED_STATE,
        PHASE_STATES[InstallationPhase.SITE_SURVEY],
        PHASE_STATES[InstallationPhase.PREPARATION],
    ]
    return [
        {
            "fulfillment_state": {"descriptor": {"code": code, "name": name}},
            "reason_required": True,
            "cancellation_fee": {"percentage": "0"},
        }
        for code, name in states
    ]


def cancellation_reasons_tag() -> JSON:
    return tag_group("cancellation_reasons", CANCELLATION_REASONS.items())


def _provider_contact(provider: Provider) -> JSON:
    contact = {}
    if provider.contact_phone:
        contact["phone"] = provider.contact_phone
    if provider.contact_email:
        contact["email"] = provider.contact_email
    return contact


def _billing_json(name: str, email: str, phone: str, address: str) -> JSON:
    result = {"name": name}
    if email:
        result["email"] = email
    if phone:
        result["phone"] = phone
    result["address"] = address
    return result


def _customer_json(name: str, phone: str, email: str) -> JSON:
    contact = {key: value for key, value in (("phone", phone), ("email", email)) if value}
    return {"person": {"name": name}, "contact": contact}


def _range(start: datetime | None, end: datetime | None) -> JSON | None:
    if start is None or end is None:
        return None
    return {"range": {"start": _stamp(start), "end": _stamp(end)}}


def draft_order_json(
    quote: Quote, order: JSON, *, forms: dict[int, documents.FormOffer] | None = None
) -> JSON:
    """The order of an on_init: the quote with the buyer's billing and fulfillment echoed, and
    each item's document form (`forms`, by item pk)."""
    forms = forms or {}
    fulfillment_request = _first(order.get("fulfillments"))
    fulfillment: JSON = {
        "id": quote.fulfillment.local_id,
        "type": quote.fulfillment.type,
        "tracking": True,
        "state": {"descriptor": {"code": SCHEDULED_STATE[0], "name": SCHEDULED_STATE[1]}},
    }
    for name in ("customer", "stops"):
        if fulfillment_request.get(name):
            fulfillment[name] = fulfillment_request[name]
    fulfillment["contact"] = _provider_contact(quote.provider)
    payment = _first(order.get("payments"))
    draft: JSON = {
        "provider": provider_summary(quote.provider),
        "items": [
            item_json(item, xinput=item_xinput(forms[item.pk]) if item.pk in forms else None)
            for item in quote.items
        ],
    }
    if order.get("billing"):
        draft["billing"] = order["billing"]
    draft.update(
        {
            "fulfillments": [fulfillment],
            "quote": quote_json(quote),
            "payments": payments_json(
                terms=PAYMENT_TYPES.get(payment.get("type", ""), PaymentTerms.ON_FULFILLMENT),
                collector=PAYMENT_COLLECTORS.get(
                    payment.get("collected_by", "BPP"), PaymentCollector.INSTALLER
                ),
                paid=False,
                amount=quote.total,
                currency=quote.currency,
            ),
            "cancellation_terms": cancellation_terms_json(),
            "tags": [cancellation_reasons_tag()],
        }
    )
    return draft


def fulfillment_state(order: Order) -> tuple[str, str]:
    """The (code, name) of the order's fulfillment state, as the guide writes them."""
    if order.status == InstallationStatus.CANCELLED:
        return "Cancelled", "Installation Cancelled"
    if order.status == InstallationStatus.FAILED:
        return "Failed", "Installation Failed"
    if order.status == InstallationStatus.COMPLETED:
        return "Completed", "Installation Completed"
    if order.status == InstallationStatus.IN_PROGRESS:
        return PHASE_STATES[order.phase]
    if order.technician_id:
        return "Technician-dispatched", "Technician Dispatched"
    return SCHEDULED_STATE


def _installation_tags(order: Order) -> JSON:
    return tag_group(
        "installation_state",
        [
            ("installation-status", order.status),
            ("installation-phase", order.phase),
            ("scheduling-status", order.scheduling_status),
            ("payment-status", order.payment_status),
            ("documentation-status", order.documentation_status),
            ("safety-status", order.safety_status),
            ("installation-priority", order.priority),
            ("installation-request-id", order.installation_request_id),
        ],
    )


NOT_SUBMITTED = "Not submitted yet"


def _documents_tags(order_documents: documents.OrderDocuments) -> JSON:
    """Each required document's verification status (and the installer's reason)."""
    entries = []
    for requirement in order_documents.requirements:
        descriptor: JSON = {
            "code": requirement.document_type.code,
            "name": requirement.document_type.name,
        }
        document = requirement.document
        reason = document.reason if document else NOT_SUBMITTED
        if reason:
            descriptor["short_desc"] = reason
        entries.append(
            {"descriptor": descriptor, "value": requirement.status or "PENDING", "display": True}
        )
    return {"descriptor": {"code": "documents"}, "display": True, "list": entries}


def _issued_documents(order_documents: documents.OrderDocuments) -> tuple[list[JSON], JSON]:
    """The certificate and invoice as media files, and as a named tag group."""
    media, entries = [], []
    if order_documents.certificate:
        pdf, verification = documents.certificate_urls(order_documents.certificate)
        number = order_documents.certificate.number
        file = {"mimetype": "application/pdf", "url": pdf}
        media.append(file)
        entries += [
            {
                "descriptor": {
                    "code": "installation_certificate",
                    "name": f"Installation certificate {number}",
                    "media": [file],
                },
                "value": pdf,
            },
            {
                "descriptor": {"code": "certificate_verification", "name": "Check the certificate"},
                "value": verification,
            },
        ]
    if order_documents.invoice:
        url = documents.invoice_url(order_documents.invoice)
        file = {"mimetype": "application/pdf", "url": url}
        media.append(file)
        entries.append(
            {
                "descriptor": {
                    "code": "invoice",
                    "name": f"Invoice {order_documents.invoice.number}",
                    "media": [file],
                },
                "value": url,
            }
        )
    group = {"descriptor": {"code": "issued_documents"}, "display": True, "list": entries}
    return media, group


def order_json(order: Order, *, tracking_url: str = "") -> JSON:
    """A placed order as on_confirm, on_status, on_cancel and on_update show it."""
    order_documents = documents.order_documents(order)
    code, name = fulfillment_state(order)
    stop: JSON = {"type": "end", "location": {"address": order.site_address}}
    appointment = _range(order.installation_start, order.installation_end) if order.phase else None
    appointment = appointment or _range(order.survey_start, order.survey_end)
    if appointment:
        stop["time"] = appointment
    fulfillment: JSON = {
        "id": order.fulfillment.local_id,
        "type": order.fulfillment.type,
        "tracking": True,
        "state": {"descriptor": {"code": code, "name": name}},
        "customer": _customer_json(order.customer_name, order.customer_phone, order.customer_email),
    }
    if order.technician:
        fulfillment["agent"] = {
            "person": {"name": order.technician.name},
            "contact": {"phone": order.technician.phone},
        }
    fulfillment["stops"] = [stop]
    fulfillment["contact"] = _provider_contact(order.provider)
    fulfillment["tags"] = [_installation_tags(order)]
    if order_documents.requirements:
        fulfillment["tags"].append(_documents_tags(order_documents))
    media, issued = _issued_documents(order_documents)
    if media:
        fulfillment["state"]["descriptor"]["media"] = media
    lines = list(order.items.all())
    breakup = charge_breakup([(line.item.name, line.price) for line in lines])
    result: JSON = {
        "id": order.installation_request_id,
        "status": ORDER_STATUS.get(order.status, "ACTIVE"),
        "provider": provider_summary(order.provider),
        "items": [_order_item_json(line.item, order_documents) for line in lines],
        "billing": _billing_json(
            order.billing_name, order.billing_email, order.billing_phone, order.billing_address
        ),
        "fulfillments": [fulfillment],
        "quote": {
            "price": _price(order.total, order.currency),
            "breakup": [
                {"title": title, "price": _price(amount, order.currency)}
                for title, amount in breakup
            ],
        },
        "payments": payments_json(
            terms=order.payment_terms,
            collector=order.payment_collector,
            paid=order.payment_status == PaymentStatus.PAID,
            amount=order.total,
            currency=order.currency,
            reference=order.payment_reference,
            **_card_payment(order),
        ),
        "cancellation_terms": cancellation_terms_json(),
        "created_at": _stamp(order.created_at),
        "updated_at": _stamp(order.updated_at),
    }
    if issued["list"]:
        result["tags"] = [issued]
    if order.status == InstallationStatus.CANCELLED:
        result["cancellation"] = {
            "cancelled_by": "CONSUMER" if is_bap(order.cancelled_by) else "PROVIDER",
            "reason": {"descriptor": {"short_desc": order.cancellation_reason}},
        }
    if tracking_url:
        result["fulfillments"][0]["state"]["descriptor"]["long_desc"] = (
            f"Follow the installation at {tracking_url}"
        )
    return result


def _card_payment(order: Order) -> JSON:
    """What the order's card payment adds to its Beckn payment: the page to pay on, and once
    paid (or refunded) the receipt, with the refund under way for a paid order cancelled. A
    payment under review (another amount, a cancelled order) is not told as paid."""
    if order.payment_collector == PaymentCollector.BUYER_APP:
        return {}
    card = payments.order_payment(order=order)
    status = card.status if card is not None else ""
    told = status in (Payment.Status.PAID, Payment.Status.REFUNDED)
    return {
        "url": payments.payment_page_url(order=order),
        "receipt": payments.payment_receipt(payment=card) if card is not None and told else None,
        "refund_due": status == Payment.Status.PAID
        and order.status == InstallationStatus.CANCELLED,
    }


def tracking_url(order: Order) -> str:
    """The public page where the buyer follows the installation."""
    return documents.absolute_url(reverse("orders:track", args=[order.tracking_token]))


def order_message(order: Order) -> JSON:
    """The `message` of an order's callbacks (solicited or not). `order` is read with what it
    shows (orders.selectors.order_detail or order_for_buyer)."""
    return {"order": order_json(order, tracking_url=tracking_url(order))}


def _order_item_json(item: Item, order_documents: documents.OrderDocuments) -> JSON:
    """An ordered item, with its document form while the order is open."""
    form = order_documents.form_for(item)
    return item_json(item, xinput=item_xinput(form) if form else None)
