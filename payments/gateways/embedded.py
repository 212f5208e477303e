"""The adapter of the embedded test gateway (payments.test_gateway), the default gateway."""

import time
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from payments.errors import GatewayError, WebhookRefused
from payments.gateways import payload
from payments.gateways.base import Checkout, GatewayEvent, Refund
from payments.models import Payment, PaymentEvent
from payments.test_gateway import events, services
from payments.test_gateway.signing import SIGNATURE_HEADER, SignatureInvalid, signature_verify

KINDS = {
    events.SUCCEEDED: PaymentEvent.Kind.SUCCEEDED,
    events.FAILED: PaymentEvent.Kind.FAILED,
    events.REFUNDED: PaymentEvent.Kind.REFUNDED,
}


def checkout_page_url(checkout_id: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "payments:test-gateway-checkout", args=[checkout_id]
    )


def event_body_parse(body: bytes) -> GatewayEvent:
    """The GatewayEvent of a test gateway event's body. Raises WebhookRefused."""
    data = payload.json_object(body)
    event_type = payload.text(data, "type")
    checkout = payload.mapping(payload.mapping(data, "data"), "object")
    currency = payload.currency(checkout)
    return GatewayEvent(
        event_id=payload.text(data, "id"),
        kind=KINDS.get(event_type, ""),
        payment_id=payload.text(checkout, "client_reference_id"),
        checkout_reference=payload.text(checkout, "id"),
        gateway_reference=payload.text(checkout, "charge", required=False),
        amount=payload.amount(checkout, "amount", currency),
        currency=currency,
        reason=payload.text(checkout, "failure_message", required=False),
        occurred_at=payload.moment(data),
        payload=data,
    )


class TestGateway:
    __test__ = False

    name = "test"
    label = "Test gateway (no real money)"

    def checkout_create(
        self,
        *,
        payment: Payment,
        description: str,
        customer_email: str,
        success_url: str,
        cancel_url: str,
        expires_at: datetime,
        idempotency_key: str,
    ) -> Checkout:
        checkout = services.checkout_create(
            amount=payment.amount,
            currency=payment.currency,
            client_reference_id=str(payment.pk),
            description=description,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=expires_at,
            idempotency_key=idempotency_key,
        )
        return Checkout(
            reference=checkout.id,
            url=checkout_page_url(checkout.id),
            expires_at=checkout.expires_at,
        )

    def event_parse(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        try:
            signature_verify(
                body,
                headers.get(SIGNATURE_HEADER),
                secret=settings.PAYMENTS_TEST_GATEWAY_SECRET,
                tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
                now=time.time(),
            )
        except SignatureInvalid as exc:
            raise WebhookRefused(str(exc)) from None
        return event_body_parse(body)

    def refund_create(self, *, payment: Payment, idempotency_key: str) -> Refund:
        try:
            checkout = services.charge_refund(charge_id=payment.gateway_reference)
        except services.RefundRefused as exc:
            raise GatewayError(str(exc)) from None
        return Refund(
            reference=checkout.refund_id,
            amount=checkout.amount,
            currency=checkout.currency,
            status="succeeded",
        )
