"""Writes to card payments: open a checkout for an order, take a gateway's event, refund.

Locks: the order's row first, then its payment's (as orders.services locks the order). No lock
is held while a gateway is called: an idempotency key makes a repeated call give the same
checkout or refund instead. An order paid in full is moved to PAID through
orders.services.order_payment_record (its timeline, the invoice and the buyer app follow), and
`payment_changed` is sent once the change commits.
"""

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.taxonomy import PaymentStatus
from orders.errors import OrderError
from orders.models import Order
from orders.services import order_payment_record
from payments.errors import (
    GatewayError,
    GatewayNotConfigured,
    PaymentNotPossible,
    RefundNotPossible,
)
from payments.gateways import gateway_current, gateway_get
from payments.gateways.base import Checkout, GatewayEvent
from payments.models import Payment, PaymentEvent
from payments.money import MoneyError, money_in_words, to_minor_units
from payments.selectors import payment_window
from payments.signals import payment_changed

logger = logging.getLogger(__name__)

Status = Payment.Status
Kind = PaymentEvent.Kind

# A checkout about to expire is not handed out: the card holder needs time to type a card.
CHECKOUT_MARGIN = timedelta(minutes=5)


def gateway_actor(gateway: str) -> str:
    """How a gateway appears in an order's timeline and a payment's events."""
    return f"gateway:{gateway}"


def _payment_locked(payment_id: uuid.UUID) -> Payment:
    """The payment re-read under row locks, its order's first (the caller is inside
    transaction.atomic)."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("provider").get(pk=order_id)
    )
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment.order = order
    return payment


def _event_keep(
    payment: Payment,
    *,
    gateway: str,
    event_id: str,
    kind: str,
    actor: str,
    amount: Decimal | None = None,
    currency: str = "",
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
) -> PaymentEvent | None:
    """Keep an event of the payment; None when (gateway, event_id) was kept before."""
    try:
        with transaction.atomic():
            return PaymentEvent.objects.create(
                payment=payment,
                gateway=gateway,
                event_id=event_id,
                kind=kind,
                amount=amount,
                currency=currency,
                reason=reason,
                status_after=payment.status,
                actor=actor,
                payload=dict(payload or {}),
            )
    except IntegrityError:
        return None


def _announce(payment: Payment, event: PaymentEvent) -> None:
    """Send payment_changed with the payment as committed, once the transaction commits
    (receivers' errors are logged, not raised: the change is made)."""

    def send() -> None:
        committed = Payment.objects.select_related("order").get(pk=payment.pk)
        for receiver, result in payment_changed.send_robust(
            sender=Payment, payment=committed, event=event
        ):
            if isinstance(result, Exception):
                logger.error("payment_changed receiver %r failed", receiver, exc_info=result)

    transaction.on_commit(send)


# --- Checkout ------------------------------------------------------------------------------------


def checkout_open(*, order: Order, success_url: str, cancel_url: str, actor: str) -> Payment:
    """The order's open card checkout: send the card holder to `payment.checkout_url`.

    The checkout already open is returned as it is (two clicks on Pay open one checkout; after
    a declined card it takes another); otherwise one is opened at the current gateway for the
    order's total, and the card holder comes back to `success_url` once paid or to
    `cancel_url`. Raises PaymentNotPossible (its message says why, to show) and GatewayError
    (GatewayUnavailable: try again later).
    """
    gateway = gateway_current()
    payment, attempt = _checkout_claim(order=order, gateway=gateway.name)
    if attempt is None:
        return payment
    try:
        checkout = gateway.checkout_create(
            payment=payment,
            description=f"Installation {order.installation_request_id} by {order.provider.name}",
            customer_email=order.billing_email,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=payment.checkout_expires_at,
            idempotency_key=f"sunbeckn-checkout-{payment.pk}-{attempt}",
        )
    except GatewayError:
        # The next click opens another checkout, under a new key: a gateway may replay a
        # failed answer for the same key.
        Payment.objects.filter(
            pk=payment.pk, checkout_attempt=attempt, checkout_reference=""
        ).update(checkout_expires_at=None)
        raise
    return _checkout_record(payment=payment, attempt=attempt, checkout=checkout, actor=actor)


@transaction.atomic
def _checkout_claim(*, order: Order, gateway: str) -> tuple[Payment, int | None]:
    """The order's payment, with the number of the checkout to open for it (None when its
    checkout is open). A checkout being opened by another request keeps its number, hence its
    idempotency key and its checkout."""
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("provider").get(pk=order.pk)
    )
    window = payment_window(order=order)
    if not window.payable_now:
        raise PaymentNotPossible(window.reason)
    try:
        to_minor_units(order.total, order.currency)
    except MoneyError as exc:
        raise PaymentNotPossible(str(exc)) from None
    now = timezone.now()
    payment = Payment.objects.select_for_update().filter(order=order).first()
    if payment is not None and payment.gateway == gateway:
        if payment.checkout_is_open and payment.checkout_expires_at > now + CHECKOUT_MARGIN:
            return payment, None
        if (
            payment.status in (Status.OPEN, Status.DECLINED)
            and not payment.checkout_reference
            and payment.checkout_expires_at is not None
            and payment.checkout_expires_at > now + CHECKOUT_MARGIN
        ):
            return payment, payment.checkout_attempt
    payment = payment or Payment(order=order)
    payment.gateway, payment.amount, payment.currency = gateway, order.total, order.currency
    payment.status, payment.problem = Status.OPEN, ""
    payment.checkout_attempt += 1
    payment.checkout_reference = payment.checkout_url = ""
    payment.checkout_expires_at = now + timedelta(minutes=settings.PAYMENTS_CHECKOUT_EXPIRY_MINUTES)
    payment.save()
    return payment, payment.checkout_attempt


@transaction.atomic
def _checkout_record(*, payment: Payment, attempt: int, checkout: Checkout, actor: str) -> Payment:
    payment = _payment_locked(payment.pk)
    if payment.checkout_attempt == attempt and not payment.checkout_reference:
        payment.checkout_reference, payment.checkout_url = checkout.reference, checkout.url
        payment.checkout_expires_at = checkout.expires_at
        payment.save()
        _event_keep(
            payment,
            gateway=payment.gateway,
            event_id=f"checkout:{checkout.reference}",
            kind=Kind.CHECKOUT_OPENED,
            actor=actor,
            amount=payment.amount,
            currency=payment.currency,
        )
    return payment


# --- Gateways' events ----------------------------------------------------------------------------


def _payment_of(gateway: str, event: GatewayEvent) -> uuid.UUID | None:
    payments = Payment.objects.filter(gateway=gateway)
    try:
        by_id = uuid.UUID(event.payment_id) if event.payment_id else None
    except ValueError:
        by_id = None
    if by_id is not None:
        found = payments.filter(pk=by_id).values_list("pk", flat=True).first()
        if found is not None:
            return found
    if event.gateway_reference:
        return (
            payments.filter(gateway_reference=event.gateway_reference)
            .values_list("pk", flat=True)
            .first()
        )
    return None


def _order_payment_set(payment: Payment, status: str, actor: str) -> None:
    order_payment_record(
        order=payment.order, status=status, actor=actor, reference=payment.gateway_reference
    )


def _succeeded(payment: Payment, event: GatewayEvent, actor: str) -> None:
    if payment.status in (Status.PAID, Status.REVIEW, Status.REFUNDED):
        if event.gateway_reference and event.gateway_reference != payment.gateway_reference:
            payment.status = Status.REVIEW
            payment.problem = (
                f"A second payment ({event.gateway_reference}) arrived for this order besides "
                f"{payment.gateway_reference}: refund one of them at the gateway."
            )
        return
    order = payment.order
    payment.gateway_reference = event.gateway_reference or event.checkout_reference
    payment.paid_amount, payment.paid_currency = event.amount, event.currency
    payment.paid_at = event.occurred_at or timezone.now()
    if event.amount is None or (event.amount, event.currency) != (order.total, order.currency):
        paid = money_in_words(event.amount, event.currency) if event.amount is not None else "?"
        payment.status = Status.REVIEW
        payment.problem = (
            f"{paid} was paid, but the order's total is "
            f"{money_in_words(order.total, order.currency)}: check it, then refund it."
        )
        return
    # Saved paid first: the buyer app's on_update, composed as the order records the payment,
    # shows its transaction id, amount and time.
    payment.status, payment.problem = Status.PAID, ""
    payment.save()
    try:
        _order_payment_set(payment, PaymentStatus.PAID, actor)
    except OrderError as exc:
        payment.status = Status.REVIEW
        payment.problem = f"{exc} The card was charged all the same: refund it."


def _failed(payment: Payment, event: GatewayEvent, actor: str) -> None:
    if payment.status in (Status.OPEN, Status.DECLINED) and event.checkout_reference in (
        "",
        payment.checkout_reference,
    ):
        payment.status = Status.DECLINED
        payment.problem = (event.reason or "The card was declined.")[:500]


def _expired(payment: Payment, event: GatewayEvent, actor: str) -> None:
    if (
        payment.status in (Status.OPEN, Status.DECLINED)
        and event.checkout_reference == payment.checkout_reference
    ):
        payment.status = Status.EXPIRED


def _refunded(payment: Payment, event: GatewayEvent | None, actor: str) -> None:
    if payment.status not in (Status.PAID, Status.REVIEW):
        return
    payment.status = Status.REFUNDED
    payment.refunded_at = (event.occurred_at if event else None) or timezone.now()
    payment.save()  # before the order's callbacks are composed (as in _succeeded)
    if payment.order.payment_status == PaymentStatus.PAID:
        _order_payment_set(payment, PaymentStatus.REFUNDED, actor)


APPLY: dict[str, Callable[[Payment, GatewayEvent, str], None]] = {
    Kind.SUCCEEDED: _succeeded,
    Kind.FAILED: _failed,
    Kind.EXPIRED: _expired,
    Kind.REFUNDED: _refunded,
}


def payment_event_take(*, gateway: str, event: GatewayEvent) -> PaymentEvent | None:
    """Apply a gateway's verified webhook event to its payment, once.

    A success pays the order, unless the amount or currency differs from the order's or the
    order was cancelled meanwhile: the payment is then to REVIEW (`problem` says why). A
    declined card leaves the checkout open, with the gateway's reason in `problem`. Returns the
    kept event (for a replay, the one kept the first time: no second effect), or None for an
    event about no payment of ours or one we do not act on.
    """
    if not event.acted_on:
        return None
    with transaction.atomic():
        payment_id = _payment_of(gateway, event)
        if payment_id is None:
            logger.info("%s event %s concerns no payment here", gateway, event.event_id)
            return None
        payment = _payment_locked(payment_id)
        before = payment.status
        actor = gateway_actor(gateway)
        kept = _event_keep(
            payment,
            gateway=gateway,
            event_id=event.event_id,
            kind=event.kind,
            actor=actor,
            amount=event.amount,
            currency=event.currency,
            reason=event.reason,
            payload=event.payload,
        )
        if kept is None:
            return PaymentEvent.objects.get(gateway=gateway, event_id=event.event_id)
        APPLY[event.kind](payment, event, actor)
        payment.save()
        kept.status_after = payment.status
        kept.save(update_fields=["status_after"])
        if payment.status != before:
            _announce(payment, kept)
    return kept


# --- Refunds -------------------------------------------------------------------------------------


def payment_refund(*, payment: Payment, actor: str, reason: str) -> Payment:
    """Give back what the payment took, at its gateway: for a cancellation within the terms,
    or an installer's decision. A refunded payment stays as it is (asking twice refunds once).
    The order's payment status becomes REFUNDED. Raises RefundNotPossible, GatewayError
    (GatewayUnavailable: try again later)."""
    with transaction.atomic():
        payment = _payment_locked(payment.pk)
        if payment.status == Status.REFUNDED:
            return payment
        if payment.status not in (Status.PAID, Status.REVIEW) or not payment.gateway_reference:
            raise RefundNotPossible("Nothing was paid by card for this order.")
    try:
        gateway = gateway_get(payment.gateway)
    except GatewayNotConfigured as exc:
        raise RefundNotPossible(f"{exc} Refund the payment at the gateway itself.") from None
    refund = gateway.refund_create(payment=payment, idempotency_key=f"sunbeckn-refund-{payment.pk}")
    with transaction.atomic():
        payment = _payment_locked(payment.pk)
        before = payment.status
        payment.refund_reference = refund.reference
        _refunded(payment, None, actor)
        payment.save()
        kept = _event_keep(
            payment,
            gateway=gateway.name,
            event_id=f"refund:{refund.reference}",
            kind=Kind.REFUNDED,
            actor=actor,
            amount=refund.amount,
            currency=refund.currency,
            reason=reason,
            payload={"refund": refund.reference, "status": refund.status},
        )
        if kept is not None and payment.status != before:
            _announce(payment, kept)
    return payment
