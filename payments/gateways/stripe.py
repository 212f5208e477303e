"""The Stripe adapter, through Stripe's official SDK: Checkout Sessions for the card, webhook
events verified with stripe.Webhook.construct_event, refunds of the payment intent.

Configured by STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE (config/settings/
payments.py). Stripe counts in minor units with its own list of zero- and three-decimal
currencies.
"""

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings

from payments.errors import GatewayError, GatewayUnavailable, WebhookRefused
from payments.gateways import payload
from payments.gateways.base import Checkout, GatewayEvent, Refund
from payments.models import Payment, PaymentEvent
from payments.money import currency_codes, from_minor_units, to_minor_units

logger = logging.getLogger(__name__)

# https://docs.stripe.com/currencies#zero-decimal and #three-decimal; every other is 2.
ZERO_DECIMAL = currency_codes("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF")
THREE_DECIMAL = currency_codes("BHD JOD KWD OMR TND")

Kind = PaymentEvent.Kind


def stripe_exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def _error(exc: stripe.StripeError) -> GatewayError:
    """Our error for the SDK's: GatewayUnavailable when trying again may help."""
    logger.warning("Stripe answered %s: %s", exc.http_status, exc)
    if (
        isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError)
        or (exc.http_status or 0) >= 500
    ):
        return GatewayUnavailable("Stripe cannot be reached just now; try again in a moment.")
    return GatewayError(exc.user_message or "Stripe refused the request.")


def _session_event(kind: str, event_id: str, session: Mapping[str, Any], **extra: Any) -> dict:
    currency = payload.currency(session)
    return {
        "event_id": event_id,
        "kind": kind,
        "payment_id": payload.text(session, "client_reference_id", required=False),
        "checkout_reference": payload.text(session, "id"),
        "gateway_reference": payload.text(session, "payment_intent", required=False),
        "amount": payload.amount(
            session, "amount_total", currency, exponent=stripe_exponent(currency)
        ),
        "currency": currency,
        **extra,
    }


def stripe_event_parse(event: Mapping[str, Any]) -> GatewayEvent:
    """Our GatewayEvent of a verified Stripe event (a plain dict). Raises WebhookRefused."""
    event_id, event_type = payload.text(event, "id"), payload.text(event, "type")
    obj = payload.mapping(payload.mapping(event, "data"), "object")
    fields: dict[str, Any] = {"event_id": event_id, "kind": ""}
    if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if obj.get("payment_status") == "paid":  # otherwise a delayed method: wait for it
            fields = _session_event(Kind.SUCCEEDED, event_id, obj)
    elif event_type == "checkout.session.async_payment_failed":
        fields = _session_event(Kind.FAILED, event_id, obj, reason="The payment failed.")
    elif event_type == "checkout.session.expired":
        fields = _session_event(Kind.EXPIRED, event_id, obj)
    elif event_type == "payment_intent.payment_failed":
        error = payload.mapping(obj, "last_payment_error", required=False)
        fields = {
            "event_id": event_id,
            "kind": Kind.FAILED,
            "payment_id": payload.text(
                payload.mapping(obj, "metadata", required=False), "payment_id", required=False
            ),
            "gateway_reference": payload.text(obj, "id"),
            "reason": payload.text(error, "message", required=False) or "The card was declined.",
        }
    elif event_type == "charge.refunded" and obj.get("refunded") is True:
        currency = payload.currency(obj)
        fields = {
            "event_id": event_id,
            "kind": Kind.REFUNDED,
            "gateway_reference": payload.text(obj, "payment_intent"),
            "amount": payload.amount(
                obj, "amount_refunded", currency, exponent=stripe_exponent(currency)
            ),
            "currency": currency,
        }
    return GatewayEvent(**fields, occurred_at=payload.moment(event), payload=event)


class StripeGateway:
    name = "stripe"
    label = "Stripe"

    def __init__(self) -> None:
        self._client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=2,
        )

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
        metadata = {"payment_id": str(payment.pk), "order": str(payment.order)}
        params: dict[str, Any] = {
            "mode": "payment",
            "payment_method_types": ["card"],
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": to_minor_units(
                            payment.amount,
                            payment.currency,
                            exponent=stripe_exponent(payment.currency),
                        ),
                        "product_data": {"name": description},
                    },
                }
            ],
            "client_reference_id": str(payment.pk),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(expires_at.timestamp()),
        }
        if customer_email:
            params["customer_email"] = customer_email
        try:
            session = self._client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        return Checkout(
            reference=session.id,
            url=session.url or "",
            expires_at=datetime.fromtimestamp(session.expires_at, tz=UTC),
        )

    def event_parse(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        try:
            event = stripe.Webhook.construct_event(
                body,
                headers.get("Stripe-Signature"),
                settings.STRIPE_WEBHOOK_SECRET,
                tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRefused(f"Bad Stripe-Signature: {exc.user_message or exc}") from None
        except (ValueError, TypeError, KeyError, AttributeError):
            raise WebhookRefused("The body is not a Stripe event.") from None
        return stripe_event_parse(event.to_dict())

    def refund_create(self, *, payment: Payment, idempotency_key: str) -> Refund:
        try:
            refund = self._client.v1.refunds.create(
                params={
                    "payment_intent": payment.gateway_reference,
                    "metadata": {"payment_id": str(payment.pk), "order": str(payment.order)},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise _error(exc) from exc
        if refund.status in ("failed", "canceled"):
            raise GatewayError(f"Stripe did not refund the payment ({refund.status}).")
        currency = refund.currency.upper()
        return Refund(
            reference=refund.id,
            amount=from_minor_units(refund.amount, currency, exponent=stripe_exponent(currency)),
            currency=currency,
            status=refund.status or "",
        )
