"""What happens at the test gateway: a checkout is created, a card is submitted (and confirmed
when the card asks for it), a charge is refunded. Every outcome is kept as an event and posted,
signed, to our webhook once its transaction commits, as a real gateway posts its events."""

import secrets
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.models import TestGatewayCheckout, TestGatewayEvent
from payments.test_gateway import events
from payments.test_gateway.cards import (
    AUTHENTICATION_FAILED,
    Outcome,
    card_brand,
    card_number_parse,
    card_outcome,
)
from payments.test_gateway.tasks import event_deliver

Status = TestGatewayCheckout.Status


class CheckoutClosed(Exception):
    """The checkout takes no card (any more): paid, expired, or awaiting confirmation."""


class RefundRefused(Exception):
    pass


def checkout_create(
    *,
    amount: Decimal,
    currency: str,
    client_reference_id: str,
    description: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime,
    idempotency_key: str,
) -> TestGatewayCheckout:
    """A checkout for `amount`; the same idempotency key gives the same checkout."""
    existing = TestGatewayCheckout.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TestGatewayCheckout.objects.create(
                idempotency_key=idempotency_key,
                amount=amount,
                currency=currency,
                client_reference_id=client_reference_id,
                description=description,
                success_url=success_url,
                cancel_url=cancel_url,
                expires_at=expires_at,
            )
    except IntegrityError:  # the same key at the same moment
        return TestGatewayCheckout.objects.get(idempotency_key=idempotency_key)


def _locked(checkout: TestGatewayCheckout, status: str) -> TestGatewayCheckout:
    """The checkout under a row lock, if it is in `status` and not expired; raises
    CheckoutClosed otherwise. The caller is inside transaction.atomic."""
    checkout = TestGatewayCheckout.objects.select_for_update().get(pk=checkout.pk)
    if checkout.expires_at <= timezone.now():
        raise CheckoutClosed("This checkout has expired.")
    if checkout.status != status:
        raise CheckoutClosed(f"This checkout is {checkout.get_status_display().lower()}.")
    return checkout


def _announce(event: TestGatewayEvent) -> None:
    transaction.on_commit(lambda: event_deliver.delay(event.pk))


def _succeed(checkout: TestGatewayCheckout) -> None:
    checkout.status, checkout.last_error = Status.SUCCEEDED, ""
    checkout.charge_id = f"tch_{secrets.token_hex(12)}"
    checkout.save()
    _announce(events.event_record(checkout=checkout, type=events.SUCCEEDED))


def _decline(checkout: TestGatewayCheckout, reason: str) -> None:
    checkout.status, checkout.last_error = Status.OPEN, reason
    checkout.save()
    _announce(events.event_record(checkout=checkout, type=events.FAILED, reason=reason))


@transaction.atomic
def checkout_card_submit(*, checkout: TestGatewayCheckout, card_number: str) -> Outcome:
    """Charge a card on an open checkout: a succeeding test card pays it, a declined one leaves
    it open with the reason, one that asks for authentication waits for
    checkout_authenticate. Raises CardInvalid for a malformed number, CheckoutClosed."""
    digits = card_number_parse(card_number)
    checkout = _locked(checkout, Status.OPEN)
    card = card_outcome(digits)
    checkout.card_brand, checkout.card_last4 = card_brand(digits), digits[-4:]
    if card.outcome == Outcome.SUCCEED:
        _succeed(checkout)
    elif card.outcome == Outcome.DECLINE:
        _decline(checkout, card.decline_reason)
    else:
        checkout.status, checkout.last_error = Status.ACTION_REQUIRED, ""
        checkout.save()
    return card.outcome


@transaction.atomic
def checkout_authenticate(*, checkout: TestGatewayCheckout, approved: bool) -> Outcome:
    """The card holder's answer to the extra confirmation step (3-D Secure's, in short): the
    payment succeeds, or is declined and the checkout takes another card. Raises
    CheckoutClosed."""
    checkout = _locked(checkout, Status.ACTION_REQUIRED)
    if approved:
        _succeed(checkout)
        return Outcome.SUCCEED
    _decline(checkout, AUTHENTICATION_FAILED)
    return Outcome.DECLINE


@transaction.atomic
def charge_refund(*, charge_id: str) -> TestGatewayCheckout:
    """Give back a charge in full (a refunded charge stays refunded: asking again changes
    nothing). Raises RefundRefused for an unknown or unpaid charge."""
    checkout = (
        TestGatewayCheckout.objects.select_for_update().filter(charge_id=charge_id).first()
        if charge_id
        else None
    )
    if checkout is None:
        raise RefundRefused(f"No such charge: {charge_id!r}.")
    if checkout.status == Status.REFUNDED:
        return checkout
    if checkout.status != Status.SUCCEEDED:
        raise RefundRefused(f"Charge {charge_id} is not paid.")
    checkout.status, checkout.refund_id = Status.REFUNDED, f"tre_{secrets.token_hex(12)}"
    checkout.save()
    _announce(events.event_record(checkout=checkout, type=events.REFUNDED))
    return checkout
