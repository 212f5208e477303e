"""Ratings buyers give after an installation, and the reputation they add up to.

A Rating is one buyer's judgement of one thing an order involved: the order (the installation)
itself, the installer, an item, the fulfillment, the technician who came (the agent), or the
support received. A buyer rates each thing of an order once: rating it again replaces the value.

Aggregates are kept on write (ratings.services): the installer's on catalog.Provider
(rating_value, rating_count, ...), each technician's on TechnicianReputation.
"""

from django.db import models
from django.db.models import Q

from catalog.models import Item, Provider
from orders.models import Order, Technician
from ratings.values import MAX_VALUE, MIN_VALUE


class Rating(models.Model):
    class Category(models.TextChoices):
        ORDER = "ORDER", "Installation (the order)"
        PROVIDER = "PROVIDER", "Installer"
        ITEM = "ITEM", "Item"
        FULFILLMENT = "FULFILLMENT", "Fulfillment"
        AGENT = "AGENT", "Technician"
        SUPPORT = "SUPPORT", "Support"

    category = models.CharField(max_length=12, choices=Category.choices)
    entity_id = models.CharField(
        max_length=100,
        help_text="The rated thing as the order names it: the order's installation request id "
        "(order, support), the installer's or item's published id, the fulfillment's id, or the "
        "technician's number (agent).",
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="ratings")
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="ratings",
        help_text="The installer of the order, whatever is rated.",
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    technician = models.ForeignKey(
        Technician, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    channel = models.CharField(max_length=8, choices=Order.Channel.choices)
    buyer_reference = models.CharField(max_length=255)
    value = models.DecimalField(max_digits=3, decimal_places=2)
    comment = models.TextField(blank=True, max_length=2000)
    comment_hidden = models.BooleanField(
        default=False,
        help_text="Hidden by the platform (abusive text): the value still counts, the text is "
        "no longer shown.",
    )
    hidden_by = models.CharField(max_length=255, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, max_length=2000)
    replied_by = models.CharField(max_length=255, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    feedback_submission_id = models.UUIDField(
        null=True, blank=True, help_text="The last comment received through the feedback form."
    )
    rated_at = models.DateTimeField(help_text="When the buyer last gave the value.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "buyer_reference", "order", "category", "entity_id"],
                name="ratings_rating_one_per_buyer_and_thing",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=MIN_VALUE) & Q(value__lte=MAX_VALUE),
                name="ratings_rating_value_0_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "category"]),
            models.Index(fields=["technician", "category"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} of {self.order}: {self.value}/5"

    @property
    def is_review(self) -> bool:
        """A rating of the installation or the installer: public, answered by the installer, and
        counted in the installer's reputation."""
        return self.category in (self.Category.ORDER, self.Category.PROVIDER)

    @property
    def public_comment(self) -> str:
        """The comment as others may read it: nothing once the platform hid it."""
        return "" if self.comment_hidden else self.comment


class TechnicianReputation(models.Model):
    """A technician's ratings as agent, kept on write for the installer's dashboard."""

    technician = models.OneToOneField(
        Technician, primary_key=True, on_delete=models.CASCADE, related_name="reputation"
    )
    rating_value = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    rating_distribution = models.JSONField(
        default=dict, blank=True, help_text="Ratings by whole star, {'0': n, ..., '5': n}."
    )
    rating_last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["technician_id"]

    def __str__(self) -> str:
        return f"{self.technician}: {self.rating_value}/5 ({self.rating_count})"


class InstallerReputation(Provider):
    """The installers' reputation, as the admin lists it (a read-only view of Provider)."""

    class Meta:
        proxy = True
        verbose_name = "installer reputation"
