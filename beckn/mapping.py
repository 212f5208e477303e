"""The one mapping between Beckn messages and the domain: intents in, catalogs and contexts out.

Shapes follow the DEG installation guide (shared/seed) field by field.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse

from beckn.keys import Identity
from beckn.serializers import parse_gps, parse_timestamp
from catalog.models import Item, Provider
from catalog.selectors import OfferQuery
from catalog.taxonomy import InstallationPhase, InstallationStatus, LocationType, PaymentStatus
from documents import selectors as documents
from documents.forms import FORM_HEADINGS, FORM_TITLE
from orders.models import Order, PaymentCollector, PaymentTerms
from orders.policies import CANCELLATION_REASONS, Slot
from orders.selectors import Quote, charge_breakup
from orders.services import Billing, Customer

JSON = dict[str, Any]


def timestamp_now() -> str:
    """The current time as RFC 3339 in UTC with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def callback_url(bap_uri: str, action: str) -> str:
    """Where the answer to `action` goes: the caller's bap_uri with /on_<action> appended."""
    return f"{bap_uri.rstrip('/')}/on_{action}"


def callback_context(request_context: JSON, *, identity: Identity, message_id: str) -> JSON:
    """The context of our answer to a request: its ids echoed, our identity, a fresh timestamp."""
    context = {
        "domain": request_context["domain"],
        "action": f"on_{request_context['action']}",
        "version": request_context["version"],
        "bap_id": request_context["bap_id"],
        "bap_uri": request_context["bap_uri"],
        "bpp_id": identity.subscriber_id,
        "bpp_uri": identity.subscriber_url,
        "transaction_id": request_context["transaction_id"],
        "message_id": message_id,
        "timestamp": timestamp_now(),
        "ttl": request_context.get("ttl", "PT30S"),
    }
    if "location" in request_context:
        context["location"] = request_context["location"]
    return context


def offer_query(intent: JSON) -> OfferQuery:
    """The catalog query a search intent asks for (the intent is already validated)."""
    provider = intent.get("provider") or {}
    category = intent.get("category") or {}
    item = intent.get("item") or {}
    fulfillment = intent.get("fulfillment") or {}
    stops = fulfillment.get("stops") or []
    location = (stops[0].get("location") if stops else None) or {}
    city = location.get("city") or {}
    latitude = longitude = None
    if location.get("gps"):
        latitude, longitude = parse_gps(location["gps"])
    text = " ".join(filter(None, [(intent.get("descriptor") or {}).get("name"), _name(item)]))
    return OfferQuery(
        text=text,
        provider_external_id=provider.get("id", ""),
        provider_name=_name(provider),
        category_code=(category.get("descriptor") or {}).get("code", ""),
        category_id=category.get("id", ""),
        item_external_id=item.get("id", ""),
        fulfillment_type=fulfillment.get("type", ""),
        latitude=latitude,
        longitude=longitude,
        city_code=city.get("code", ""),
        city_name=city.get("name", ""),
    )


def _name(entity: JSON) -> str:
    return (entity.get("descriptor") or {}).get("name", "")


def _decimal(value: Decimal) -> str:
    """85000.00 -> "85000", 1450.50 -> "1450.5"."""
    text = format(value.normalize(), "f")
    return text


def _tag_group(
    code: str, entries: Iterable[tuple[str, str]], *, display: bool | None = None
) -> JSON:
    group: JSON = {"descriptor": {"code": code}}
    if display is not None:
        group["display"] = display
    group["list"] = [{"descriptor": {"code": c}, "value": v} for c, v in entries]
    return group


def _bool(value: bool) -> str:
    return "true" if value else "false"


def item_tags(item: Item) -> list[JSON]:
    """The guide's tag groups of an item, from its structured fields."""
    groups = []
    if item.system_capacity:
        groups.append(
            _tag_group("system_specification", [("system_capacity", item.system_capacity)])
        )
    if item.property_type:
        label = LocationType(item.property_type).label
        groups.append(_tag_group("installation_context", [("property_type", label)]))
    groups.append(_tag_group("installer_details", [("empaneled", _bool(item.empaneled))]))
    groups.append(
        _tag_group(
            "financial_details", [("financial_assistance", _bool(item.financial_assistance))]
        )
    )
    details = [
        (code, value)
        for code, value in (
            ("installation_category", item.installation_category),
            ("installation_complexity", item.complexity),
            ("equipment_type", item.equipment_type),
        )
        if value
    ]
    if details:
        groups.append(_tag_group("installation_details", details))
    documents = list(item.required_documents.all())
    if documents:
        groups.append(
            _tag_group(
                "documentation",
                [("required_docs", ", ".join(d.name for d in documents))],
                display=True,
            )
        )
    return groups


def item_json(item: Item, *, xinput: JSON | None = None) -> JSON:
    descriptor: JSON = {"code": item.code, "name": item.name}
    if item.short_desc:
        descriptor["short_desc"] = item.short_desc
    if item.long_desc:
        descriptor["long_desc"] = item.long_desc
    result: JSON = {
        "id": item.external_id,
        "descriptor": descriptor,
        "price": {
            "estimated_value": _decimal(item.price_estimated_value),
            "currency": item.currency,
        },
        "category_ids": [str(item.category_id)],
        "location_ids": [location.local_id for location in item.locations.all()],
        "fulfillment_ids": [fulfillment.local_id for fulfillment in item.fulfillments.all()],
        "tags": item_tags(item),
    }
    if xinput is not None:
        result["xinput"] = xinput
    return result


# --- XInput: the item's document form (BECKN-007) ---------------------------------------------


def item_xinput(form: documents.FormOffer) -> JSON:
    """An item's xinput, as the guide's on_init shows it: the form page, the signed token that
    opens it (`auth`, descriptor code `jwt` as in the guide; the value is an opaque signed token,
    sent back as `Authorization: Bearer <value>`), whether the documents must come before confirm
    (`required`) and whether the form takes another submission (`resubmit`)."""
    result: JSON = {
        "required": form.required_before_confirm,
        "head": {
            "descriptor": {"name": FORM_TITLE},
            "index": {"min": 0, "cur": 0, "max": len(FORM_HEADINGS) - 1},
            "headings": list(FORM_HEADINGS),
        },
        "form": {
            "mime_type": "text/html",
            "url": form.url,
            "resubmit": form.resubmit,
            "auth": {"descriptor": {"code": "jwt"}, "value": form.token},
        },
    }
    if form.submission_id:
        result["form"]["submission_id"] = form.submission_id
    return result


def xinput_submission_ids(order: JSON) -> list[tuple[str, str]]:
    """The form submissions a confirm quotes: (item id, submission id) from
    items[].xinput.form.submission_id, and ("", submission id) from the order's own xinput."""

    def submission_id(entity: object) -> str:
        xinput = entity.get("xinput") if isinstance(entity, dict) else None
        form = xinput.get("form") if isinstance(xinput, dict) else None
        value = form.get("submission_id") if isinstance(form, dict) else None
        return "" if value is None else str(value)

    found = [
        (str(item.get("id", "")), submission_id(item))
        for item in order.get("items") or []
        if isinstance(item, dict) and submission_id(item)
    ]
    if submission_id(order):
        found.append(("", submission_id(order)))
    return found


def provider_summary(provider: Provider) -> JSON:
    descriptor: JSON = {"name": provider.name, "code": provider.code}
    if provider.short_desc:
        descriptor["short_desc"] = provider.short_desc
    if provider.long_desc:
        descriptor["long_desc"] = provider.long_desc
    images = [{"url": image.url} for image in provider.images.all()]
    if images:
        descriptor["images"] = images
    return {"id": provider.external_id, "descriptor": descriptor}


def provider_json(provider: Provider, items: list[Item]) -> JSON:
    """A provider of on_search with the given items and the categories, locations and
    fulfillments they use."""
    details = [("govt_subsidy_empaneled", _bool(provider.govt_subsidy_empaneled))]
    if provider.rating_value is not None and provider.rating_count:
        # How many ratings "rating" stands for (a rating imported without a count has none).
        details.append(("rating_count", str(provider.rating_count)))
    result: JSON = {
        **provider_summary(provider),
        "tags": [_tag_group("provider-details", details)],
    }
    if provider.rating_value is not None:
        result["rating"] = f"{_decimal(provider.rating_value)}/5"
    categories = {item.category_id: item.category for item in items}
    locations = {loc.pk: loc for item in items for loc in item.locations.all()}
    fulfillments = {f.pk: f for item in items for f in item.fulfillments.all()}
    result["categories"] = [
        {"id": str(c.pk), "descriptor": {"code": c.code, "name": c.name}}
        for c in sorted(categories.values(), key=lambda c: c.pk)
    ]
    result["locations"] = [
        _location_json(loc) for loc in sorted(locations.values(), key=lambda loc: loc.local_id)
    ]
    result["fulfillments"] = [
        {"id": f.local_id, "type": f.type}
        for f in sorted(fulfillments.values(), key=lambda f: f.local_id)
    ]
    result["items"] = [item_json(item) for item in items]
    return result


def _location_json(location: Any) -> JSON:
    city: JSON = {"name": location.city_name}
    if location.city_code:
        city["code"] = location.city_code
    result: JSON = {"id": location.local_id, "city": city}
    if location.latitude is not None and location.longitude is not None:
        result["gps"] = f"{_decimal(location.latitude)},{_decimal(location.longitude)}"
    if location.address:
        result["address"] = location.address
    if location.area_code:
        result["area_code"] = location.area_code
    return result


def catalog_message(providers: list[Provider]) -> JSON:
    """The message of an on_search for providers carrying their `matching_items`."""
    return {
        "catalog": {
            "providers": [provider_json(p, p.matching_items) for p in providers],
        }
    }


# --- Orders ----------------------------------------------------------------------------------

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


def actor(bap_id: str) -> str:
    """How a buyer app appears in an order's timeline."""
    return f"bap:{bap_id}"


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


def order_placement(order: JSON) -> dict[str, Any]:
    """The arguments of orders.services.order_place that a confirm's order carries."""
    billed = billing(order["billing"])
    fulfillment = _first(order.get("fulfillments"))
    customer = fulfillment.get("customer") or {}
    contact = customer.get("contact") or {}
    stop = _first(fulfillment.get("stops"))
    payment = _first(order.get("payments"))
    time_range = (stop.get("time") or {}).get("range")
    arguments: dict[str, Any] = {
        "billing": billed,
        "customer": Customer(
            name=(customer.get("person") or {}).get("name") or billed.name,
            phone=contact.get("phone") or billed.phone,
            email=contact.get("email") or billed.email,
        ),
        "site_address": (stop.get("location") or {}).get("address") or billed.address,
        "survey_slot": Slot(
            parse_timestamp(time_range["start"]), parse_timestamp(time_range["end"])
        )
        if time_range
        else None,
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
    return {"value": _decimal(value), "currency": currency}


def quote_json(quote: Quote) -> JSON:
    return {
        "price": _price(quote.total, quote.currency),
        "breakup": [
            {"title": title, "price": _price(amount, quote.currency)}
            for title, amount in quote.breakup
        ],
    }


def payments_json(
    *, terms: str, collector: str, paid: bool, amount: Decimal, currency: str, reference: str = ""
) -> list[JSON]:
    types = {value: name for name, value in PAYMENT_TYPES.items()}
    payment: JSON = {
        "type": types[terms],
        "collected_by": "BAP" if collector == PaymentCollector.BUYER_APP else "BPP",
        "status": "PAID" if paid else "NOT-PAID",
        "params": {"amount": _decimal(amount), "currency": currency},
    }
    if collector == PaymentCollector.BUYER_APP:
        payment["url"] = ""  # the buyer app collects: there is nothing to pay here
    if reference:
        payment["params"]["transaction_id"] = reference
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
    return _tag_group("cancellation_reasons", CANCELLATION_REASONS.items())


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
    stamp = lambda moment: moment.astimezone(UTC).isoformat().replace("+00:00", "Z")  # noqa: E731
    return {"range": {"start": stamp(start), "end": stamp(end)}}


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
    return _tag_group(
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
        ),
        "cancellation_terms": cancellation_terms_json(),
        "created_at": order.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "updated_at": order.updated_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    if issued["list"]:
        result["tags"] = [issued]
    if order.status == InstallationStatus.CANCELLED:
        result["cancellation"] = {
            "cancelled_by": "CONSUMER" if order.cancelled_by.startswith("bap:") else "PROVIDER",
            "reason": {"descriptor": {"short_desc": order.cancellation_reason}},
        }
    if tracking_url:
        result["fulfillments"][0]["state"]["descriptor"]["long_desc"] = (
            f"Follow the installation at {tracking_url}"
        )
    return result


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


def support_json(provider: Provider, ref_id: str) -> JSON:
    support: JSON = {"ref_id": ref_id}
    if provider.contact_phone:
        support["phone"] = provider.contact_phone
    if provider.contact_email:
        support["email"] = provider.contact_email
    if provider.support_url:
        support["url"] = provider.support_url
    return {"support": support}
