"""The test gateway's webhook events: kept when something happens to a checkout, then posted,
signed, to our webhook endpoint until it answers 2xx (payments.test_gateway.tasks)."""

import json
import time

import requests
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from payments.models import TestGatewayCheckout, TestGatewayEvent
from payments.money import to_minor_units
from payments.test_gateway.signing import SIGNATURE_HEADER, signature_header

SUCCEEDED = "payment.succeeded"
FAILED = "payment.failed"
REFUNDED = "payment.refunded"


class EventNotDelivered(Exception):
    pass


def webhook_url() -> str:
    """Where the test gateway posts its events: our own endpoint for it, as a merchant would
    register it at a real gateway."""
    return settings.SITE_URL.rstrip("/") + reverse("payments:webhook", args=["test"])


def event_record(*, checkout: TestGatewayCheckout, type: str, reason: str = "") -> TestGatewayEvent:
    """Keep the event `type` of the checkout as it is now, to be posted (the caller enqueues its
    delivery once its transaction commits). Amounts are in minor units, as Stripe's."""
    event = TestGatewayEvent(checkout=checkout, type=type)
    event.body = {
        "id": event.id,
        "object": "event",
        "type": type,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": checkout.id,
                "object": "checkout",
                "client_reference_id": checkout.client_reference_id,
                "amount": to_minor_units(checkout.amount, checkout.currency),
                "currency": checkout.currency.lower(),
                "status": checkout.status.lower(),
                "charge": checkout.charge_id or None,
                "refund": checkout.refund_id or None,
                "failure_message": reason or None,
                "card": {"brand": checkout.card_brand, "last4": checkout.card_last4}
                if checkout.card_last4
                else None,
            }
        },
    }
    event.save()
    return event


def event_post(*, event_id: str) -> None:
    """One delivery attempt of an event, signed now. Raises EventNotDelivered unless our
    endpoint answered 2xx; an event delivered already is not posted again."""
    event = TestGatewayEvent.objects.get(pk=event_id)
    if event.delivered_at is not None:
        return
    body = json.dumps(event.body, separators=(",", ":")).encode()
    signature = signature_header(
        body, secret=settings.PAYMENTS_TEST_GATEWAY_SECRET, timestamp=int(time.time())
    )
    error = ""
    try:
        response = requests.post(
            webhook_url(),
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
            timeout=(3, 10),
        )
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"
    else:
        if not 200 <= response.status_code < 300:
            error = f"HTTP {response.status_code}: {response.text[:200]}"
    TestGatewayEvent.objects.filter(pk=event.pk).update(
        attempts=F("attempts") + 1,
        delivered_at=None if error else timezone.now(),
        last_error=error[:500],
    )
    if error:
        raise EventNotDelivered(error)
