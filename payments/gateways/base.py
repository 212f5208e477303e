"""What every card gateway adapter offers the payments services (payments.services).

An adapter opens a hosted checkout for a payment, turns a webhook request into a GatewayEvent
once its signature is verified, and refunds a payment. It speaks the gateway's language; the
services speak ours.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from payments.models import Payment, PaymentEvent


@dataclass(frozen=True)
class Checkout:
    """A hosted checkout opened at the gateway: where to send the card holder, until when."""

    reference: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class GatewayEvent:
    """A gateway's webhook event, verified, in our words.

    `kind` is a PaymentEvent.Kind, or "" for an event we do not act on. The payment is found by
    `payment_id` (our id, which the checkout carried to the gateway) or `gateway_reference`.
    Amounts are Decimal in `currency` (ISO 4217).
    """

    event_id: str
    kind: str
    payment_id: str = ""
    checkout_reference: str = ""
    gateway_reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    reason: str = ""
    occurred_at: datetime | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)

    @property
    def acted_on(self) -> bool:
        return self.kind in PaymentEvent.Kind.values


@dataclass(frozen=True)
class Refund:
    """Money given back at the gateway (the whole payment)."""

    reference: str
    amount: Decimal
    currency: str
    status: str


class Gateway(Protocol):
    name: str
    label: str

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
        """Open a hosted checkout for `payment.amount` in `payment.currency`. The same
        idempotency key gives the same checkout. Raises GatewayError."""
        ...

    def event_parse(self, *, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        """The event of a webhook request. Raises WebhookRefused for a missing or bad
        signature, a stale one, or a body that is not an event."""
        ...

    def refund_create(self, *, payment: Payment, idempotency_key: str) -> Refund:
        """Give back what `payment` took (paid_amount in paid_currency). Raises GatewayError."""
        ...
