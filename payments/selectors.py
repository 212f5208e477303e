"""Reads about card payments, for the front doors: an order's payment, whether it can be paid
now under its terms, the page to pay it on, its receipt."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from catalog.taxonomy import InstallationStatus, PaymentStatus
from orders.models import Order, PaymentCollector, PaymentTerms
from payments.gateways import GATEWAY_LABELS
from payments.models import Payment
from payments.money import money_in_words

Status = Payment.Status


def order_payment(*, order: Order) -> Payment | None:
    """The order's card payment, if a checkout was ever opened for it."""
    return Payment.objects.filter(order=order).first()


@dataclass(frozen=True)
class PaymentWindow:
    """Whether an order can be paid by card now, and when its terms say it is due."""

    payable_now: bool
    due: str  # in words: "on installation", "after the installation"...
    reason: str = ""  # why it cannot be paid now, to show ('' when it can)


def payment_window(*, order: Order) -> PaymentWindow:
    """Under the order's payment terms (orders.policies: on installation, after it...): an open
    order paid on installation can be paid now, ahead of the day too; one paid after the
    installation once it is completed. Nothing is payable here once paid or cancelled, or when
    the buyer's app collects the payment."""
    due = PaymentTerms(order.payment_terms).label.lower()
    payment = order_payment(order=order)

    def closed(reason: str) -> PaymentWindow:
        return PaymentWindow(payable_now=False, due=due, reason=reason)

    if order.payment_collector == PaymentCollector.BUYER_APP:
        return closed("The buyer's app collects the payment of this order.")
    if order.payment_status == PaymentStatus.PAID or (payment and payment.status == Status.PAID):
        return closed("This order is paid.")
    if order.payment_status == PaymentStatus.REFUNDED or (
        payment and payment.status == Status.REFUNDED
    ):
        return closed("The payment of this order was refunded.")
    if payment and payment.status == Status.REVIEW:
        return closed("A payment was received for this order and is being checked.")
    if order.status in (InstallationStatus.CANCELLED, InstallationStatus.FAILED):
        return closed(f"The order is {order.get_status_display().lower()}: nothing is due.")
    if order.total <= 0:
        return closed("Nothing is due for this order.")
    if (
        order.payment_terms == PaymentTerms.POST_FULFILLMENT
        and order.status != InstallationStatus.COMPLETED
    ):
        return closed("You pay after the installation, once it is completed.")
    return PaymentWindow(payable_now=True, due=due)


def payment_page_url(*, order: Order) -> str:
    """Our page where the order is paid (SITE_URL + path): a link for the homeowner's pages and
    for buyer apps (Beckn's payments[].url). It opens the checkout only when asked to."""
    return settings.SITE_URL.rstrip("/") + reverse("payments:pay", args=[order.tracking_token])


@dataclass(frozen=True)
class Receipt:
    installation_request_id: str
    installer: str
    amount: Decimal
    currency: str
    amount_in_words: str
    paid_at: datetime
    transaction_id: str  # the gateway's reference of the money taken
    gateway: str
    status: str
    status_label: str
    refunded_at: datetime | None
    refund_reference: str


def payment_receipt(*, payment: Payment) -> Receipt | None:
    """What was paid, when and how (None until money was taken)."""
    if payment.paid_at is None or payment.paid_amount is None:
        return None
    return Receipt(
        installation_request_id=payment.order.installation_request_id,
        installer=payment.order.provider.name,
        amount=payment.paid_amount,
        currency=payment.paid_currency,
        amount_in_words=money_in_words(payment.paid_amount, payment.paid_currency),
        paid_at=payment.paid_at,
        transaction_id=payment.gateway_reference,
        gateway=GATEWAY_LABELS.get(payment.gateway, payment.gateway),
        status=payment.status,
        status_label=payment.get_status_display(),
        refunded_at=payment.refunded_at,
        refund_reference=payment.refund_reference,
    )
