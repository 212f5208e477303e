"""Installation orders: what a homeowner bought from one installer, and how the job is going.

Shared by every front door (Beckn network, installer dashboards, homeowner pages); the state
uses the DEG taxonomy only. Changes go through orders.services, which checks transitions and
keeps each change as an OrderEvent (the order's timeline).
"""

import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from catalog import zones
from catalog.models import Fulfillment, Item, Provider
from catalog.taxonomy import (
    AccessType,
    DocumentationStatus,
    InstallationCategory,
    InstallationPhase,
    InstallationPriority,
    InstallationStatus,
    LocationType,
    PaymentStatus,
    SafetyStatus,
    SchedulingStatus,
    TechnicianType,
)


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


class Technician(models.Model):
    """A person an installer sends to a site (the fulfillment's agent)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="technicians")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=32)
    email = models.EmailField(blank=True)
    technician_type = models.CharField(max_length=24, choices=TechnicianType.choices)
    is_active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="technician",
        help_text="The technician's own sign-in, if they use the installer workspace.",
    )

    class Meta:
        ordering = ["provider_id", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_technician_type_display()})"


class PaymentTerms(models.TextChoices):
    PRE_ORDER = "PRE_ORDER", "Before the order"
    PRE_FULFILLMENT = "PRE_FULFILLMENT", "Before the installation"
    ON_FULFILLMENT = "ON_FULFILLMENT", "On installation"
    POST_FULFILLMENT = "POST_FULFILLMENT", "After the installation"


class PaymentCollector(models.TextChoices):
    INSTALLER = "INSTALLER", "The installer"
    BUYER_APP = "BUYER_APP", "The buyer's app"


# The statuses of a closed order: its installation completed, cancelled or failed.
CLOSED_STATUSES = (
    InstallationStatus.COMPLETED,
    InstallationStatus.CANCELLED,
    InstallationStatus.FAILED,
)


class Order(models.Model):
    class Channel(models.TextChoices):
        NETWORK = "NETWORK", "Beckn network (a buyer app)"
        WEB = "WEB", "Homeowner web pages"

    installation_request_id = models.CharField(max_length=32, unique=True, editable=False)
    tracking_token = models.CharField(
        max_length=64, unique=True, default=new_tracking_token, editable=False
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    buyer_reference = models.CharField(
        max_length=255, help_text="Who placed the order: the buyer app's id, or the web user."
    )
    fulfillment = models.ForeignKey(Fulfillment, on_delete=models.PROTECT, related_name="orders")

    billing_name = models.CharField(max_length=200)
    billing_email = models.EmailField(blank=True)
    billing_phone = models.CharField(max_length=32, blank=True)
    billing_address = models.CharField(max_length=500)
    customer_name = models.CharField(max_length=200)
    customer_phone = models.CharField(max_length=32, blank=True)
    customer_email = models.EmailField(blank=True)
    site_address = models.CharField(max_length=500)
    site_time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="IANA time zone of the site, where its appointments are shown and offered.",
    )

    currency = models.CharField(max_length=3)
    total = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    payment_terms = models.CharField(
        max_length=20, choices=PaymentTerms.choices, default=PaymentTerms.ON_FULFILLMENT
    )
    payment_collector = models.CharField(
        max_length=10, choices=PaymentCollector.choices, default=PaymentCollector.INSTALLER
    )
    payment_status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    payment_reference = models.CharField(max_length=200, blank=True)

    status = models.CharField(
        max_length=12, choices=InstallationStatus.choices, default=InstallationStatus.PENDING
    )
    phase = models.CharField(max_length=16, choices=InstallationPhase.choices, blank=True)
    scheduling_status = models.CharField(
        max_length=12, choices=SchedulingStatus.choices, default=SchedulingStatus.PENDING
    )
    priority = models.CharField(
        max_length=10, choices=InstallationPriority.choices, default=InstallationPriority.MEDIUM
    )
    installation_category = models.CharField(
        max_length=20,
        choices=InstallationCategory.choices,
        default=InstallationCategory.NEW_INSTALLATION,
    )
    location_type = models.CharField(max_length=12, choices=LocationType.choices, blank=True)
    access_type = models.CharField(
        max_length=20, choices=AccessType.choices, default=AccessType.EASY_ACCESS
    )
    safety_status = models.CharField(
        max_length=12, choices=SafetyStatus.choices, default=SafetyStatus.PENDING
    )
    documentation_status = models.CharField(
        max_length=10, choices=DocumentationStatus.choices, default=DocumentationStatus.PENDING
    )
    survey_start = models.DateTimeField(null=True, blank=True)
    survey_end = models.DateTimeField(null=True, blank=True)
    installation_start = models.DateTimeField(null=True, blank=True)
    installation_end = models.DateTimeField(null=True, blank=True)
    technician = models.ForeignKey(
        Technician, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancelled_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["channel", "buyer_reference"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="orders_order_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.installation_request_id

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone (the site's default zone when it is not known)."""
        return zones.zone(self.site_time_zone)

    def survey_in_words(self) -> str:
        if not (self.survey_start and self.survey_end):
            return ""
        return zones.window_in_words(self.survey_start, self.survey_end, self.site_time_zone)

    def installation_in_words(self) -> str:
        if not (self.installation_start and self.installation_end):
            return ""
        return zones.window_in_words(
            self.installation_start, self.installation_end, self.site_time_zone
        )


class OrderItem(models.Model):
    """An item of an order, with the price it was ordered at."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="order_items")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item.name} in {self.order}"


class OrderEvent(models.Model):
    """One change of an order: what changed, from what to what, who did it, when and why."""

    class Kind(models.TextChoices):
        CREATED = "CREATED", "Order placed"
        STATUS = "STATUS", "Installation status"
        PHASE = "PHASE", "Installation phase"
        SCHEDULE = "SCHEDULE", "Schedule"
        TECHNICIAN = "TECHNICIAN", "Technician"
        PAYMENT = "PAYMENT", "Payment"
        BILLING = "BILLING", "Billing details"
        SAFETY = "SAFETY", "Safety"
        DOCUMENTS = "DOCUMENTS", "Documents"
        ISSUED = "ISSUED", "Certificate and invoice"
        NOTE = "NOTE", "Site note"

    # The choices the values of each kind of change are, for showing them in words.
    VALUE_CHOICES: dict[str, type[models.TextChoices]] = {
        Kind.STATUS: InstallationStatus,
        Kind.PHASE: InstallationPhase,
        Kind.SAFETY: SafetyStatus,
        Kind.PAYMENT: PaymentStatus,
        Kind.DOCUMENTS: DocumentationStatus,
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=255, help_text="Who made the change.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order}: {self.get_kind_display()} {self.from_value} -> {self.to_value}"

    def _in_words(self, value: str) -> str:
        choices = self.VALUE_CHOICES.get(self.kind)
        return str(choices(value).label) if choices and value in choices.values else value

    @property
    def from_label(self) -> str:
        return self._in_words(self.from_value)

    @property
    def to_label(self) -> str:
        return self._in_words(self.to_value)


class TechnicianCertification(models.Model):
    """A licence or certificate a technician holds (e.g. a NABCEP PV installer certification),
    with the date it lapses: the installer sees which ones expired or expire soon."""

    technician = models.ForeignKey(
        Technician, on_delete=models.CASCADE, related_name="certifications"
    )
    name = models.CharField(max_length=200, help_text="e.g. NABCEP PV Installation Professional")
    issuer = models.CharField(max_length=200, blank=True, help_text="Who issued it.")
    number = models.CharField(max_length=100, blank=True, help_text="Its licence number, if any.")
    valid_until = models.DateField(help_text="The last day it is valid.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["technician_id", "valid_until", "id"]
        indexes = [models.Index(fields=["technician", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.name} of {self.technician.name} (until {self.valid_until})"
