"""Card payments: one Payment per order, the gateway events that moved it, and the embedded test
gateway's own records (its hosted checkouts and the webhook events it sends us).

Amounts are Decimal in the order's ISO 4217 currency; gateways count in minor units
(payments.money). A gateway's event is kept once, by (gateway, event id): a replay has no effect.
"""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from orders.models import Order


class Payment(models.Model):
    """The card payment of an order: its checkout at a gateway and what came of it."""

    class Status(models.TextChoices):
        OPEN = "OPEN", "Checkout open"
        DECLINED = "DECLINED", "Card declined (the checkout stays open)"
        EXPIRED = "EXPIRED", "Checkout expired"
        PAID = "PAID", "Paid"
        REVIEW = "REVIEW", "To review (paid, but not as expected)"
        REFUNDED = "REFUNDED", "Refunded"

    # Public and unguessable: gateways carry it back in their events (client_reference_id).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="card_payment")
    gateway = models.CharField(max_length=16, help_text="The gateway's name: stripe or test.")
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="What the checkout asks for."
    )
    currency = models.CharField(max_length=3, help_text="ISO 4217 code.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    checkout_reference = models.CharField(
        max_length=255, blank=True, help_text="The gateway's checkout (session) id."
    )
    checkout_url = models.URLField(max_length=2000, blank=True)
    checkout_expires_at = models.DateTimeField(null=True, blank=True)
    # Numbers the checkouts opened for this payment: the gateway's idempotency key includes it.
    checkout_attempt = models.PositiveIntegerField(default=0)

    gateway_reference = models.CharField(
        max_length=255, blank=True, help_text="The gateway's id of the money taken."
    )
    paid_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_currency = models.CharField(max_length=3, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the last card was declined, or what to review; shown to people.",
    )
    refund_reference = models.CharField(max_length=255, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["gateway", "gateway_reference"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="payments_payment_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Payment of {self.order} ({self.get_status_display()})"

    @property
    def checkout_is_open(self) -> bool:
        """Whether its checkout at the gateway takes a card now (after a decline too)."""
        return (
            self.status in (self.Status.OPEN, self.Status.DECLINED)
            and bool(self.checkout_reference)
            and self.checkout_expires_at is not None
            and self.checkout_expires_at > timezone.now()
        )


class PaymentEvent(models.Model):
    """Something that happened to a payment: a checkout opened, a gateway's event, a refund.

    `event_id` is the gateway's event id (`evt_...`), or ours for what we did ourselves
    (`checkout:<id>`, `refund:<id>`); (gateway, event_id) is unique, so a replayed webhook finds
    its event already kept and changes nothing.
    """

    class Kind(models.TextChoices):
        CHECKOUT_OPENED = "CHECKOUT_OPENED", "Checkout opened"
        SUCCEEDED = "SUCCEEDED", "Payment succeeded"
        FAILED = "FAILED", "Card declined"
        EXPIRED = "EXPIRED", "Checkout expired"
        REFUNDED = "REFUNDED", "Refunded"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    gateway = models.CharField(max_length=16)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    reason = models.TextField(blank=True)
    status_after = models.CharField(
        max_length=10, choices=Payment.Status.choices, help_text="The payment's status after it."
    )
    actor = models.CharField(max_length=255, help_text="Who: the gateway, or a person.")
    payload = models.JSONField(default=dict, blank=True, help_text="The gateway's event as sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "event_id"], name="payments_event_unique_gateway_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.event_id})"


def _test_gateway_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def new_checkout_id() -> str:
    return _test_gateway_id("tcs")


def new_event_id() -> str:
    return _test_gateway_id("evt_test")


class TestGatewayCheckout(models.Model):
    """A checkout at the embedded test gateway: what a real gateway keeps behind its hosted
    card page. It knows us only by what a merchant gives a gateway (amount, reference, URLs)."""

    __test__ = False  # not a test class for pytest, whatever its name

    class Status(models.TextChoices):
        OPEN = "OPEN", "Awaiting a card"
        ACTION_REQUIRED = "ACTION_REQUIRED", "Awaiting the card holder's confirmation"
        SUCCEEDED = "SUCCEEDED", "Paid"
        REFUNDED = "REFUNDED", "Refunded"

    id = models.CharField(primary_key=True, max_length=40, default=new_checkout_id, editable=False)
    idempotency_key = models.CharField(max_length=255, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    client_reference_id = models.CharField(max_length=255)
    description = models.CharField(max_length=500)
    success_url = models.URLField(max_length=2000)
    cancel_url = models.URLField(max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    card_brand = models.CharField(max_length=32, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    charge_id = models.CharField(max_length=40, blank=True)
    refund_id = models.CharField(max_length=40, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Test checkout {self.id}"


class TestGatewayEvent(models.Model):
    """A webhook event of the test gateway, kept until our webhook endpoint took it (its outbox)."""

    __test__ = False

    id = models.CharField(primary_key=True, max_length=40, default=new_event_id, editable=False)
    checkout = models.ForeignKey(
        TestGatewayCheckout, on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(max_length=40)
    body = models.JSONField(help_text="The event as it is posted.")
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"
