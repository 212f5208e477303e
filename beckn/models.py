"""What the Beckn adapter keeps: known network participants and every message in and out.

OutboundMessage is the outbox: a callback owed to a BAP is written in the same transaction that
ACKs its request, and the worker delivers it from there, so a crash loses nothing.
"""

from django.db import models
from django.utils import timezone

# How much of a remote party's answer, or of an error, a row keeps (in its text fields).
EXCERPT_CHARS = 2000


class Subscriber(models.Model):
    """A network participant whose keys we trust when no registry is configured."""

    class Type(models.TextChoices):
        BAP = "BAP", "Buyer app (BAP)"
        BPP = "BPP", "Provider platform (BPP)"
        BG = "BG", "Gateway (BG)"

    class Status(models.TextChoices):
        INITIATED = "INITIATED", "Initiated"
        UNDER_SUBSCRIPTION = "UNDER_SUBSCRIPTION", "Under subscription"
        SUBSCRIBED = "SUBSCRIBED", "Subscribed"
        INVALID_SSL = "INVALID_SSL", "Invalid SSL"
        UNSUBSCRIBED = "UNSUBSCRIBED", "Unsubscribed"

    subscriber_id = models.CharField(max_length=255)
    type = models.CharField(max_length=3, choices=Type.choices, default=Type.BAP)
    url = models.URLField(
        max_length=500, help_text="Callbacks only ever go to URLs that start with this one."
    )
    domain = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBSCRIBED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscriber_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber_id", "type"], name="beckn_subscriber_unique_id_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} ({self.type})"


class SubscriberKey(models.Model):
    """One of a subscriber's signing keys; several may be valid at once during a rotation."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="keys")
    unique_key_id = models.CharField(max_length=255)
    signing_public_key = models.CharField(max_length=100, help_text="base64 Ed25519 public key")
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["subscriber_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "unique_key_id"], name="beckn_subscriber_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber.subscriber_id}|{self.unique_key_id}"


class OrderLink(models.Model):
    """The network side of an order placed by a buyer app: where its callbacks go."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="network_link"
    )
    bap_id = models.CharField(max_length=255)
    bap_uri = models.CharField(max_length=500)
    transaction_id = models.CharField(max_length=255)
    context = models.JSONField(help_text="domain, version and location of the confirm request")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One order per transaction of a buyer app: a repeated confirm finds it again.
            models.UniqueConstraint(
                fields=["bap_id", "transaction_id"], name="beckn_order_link_unique_transaction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} for {self.bap_id}"


class InboundMessage(models.Model):
    """A request a network participant sent us, with the answer we gave."""

    class Outcome(models.TextChoices):
        ACCEPTED = "ACCEPTED", "Accepted (ACK)"
        DUPLICATE = "DUPLICATE", "Duplicate (ACK, no effect)"
        REJECTED = "REJECTED", "Rejected (NACK)"

    action = models.CharField(max_length=32)
    bap_id = models.CharField(max_length=255, blank=True)
    bap_uri = models.CharField(max_length=500, blank=True)
    transaction_id = models.CharField(max_length=255, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    signer = models.CharField(max_length=512, blank=True, help_text="keyId of the signature")
    body = models.JSONField(null=True, blank=True)
    raw_excerpt = models.TextField(blank=True, help_text="The start of a body that was not JSON.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField()
    error_code = models.CharField(max_length=8, blank=True)
    error_message = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            # The same request (sender, action, message id) has at most one effect.
            models.UniqueConstraint(
                fields=["bap_id", "action", "message_id"],
                condition=models.Q(outcome="ACCEPTED"),
                name="beckn_inbound_unique_accepted_message",
            ),
        ]
        indexes = [models.Index(fields=["transaction_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.message_id} from {self.bap_id or '?'}"


class OutboundMessage(models.Model):
    """A callback we owe (or sent) to a BAP: the outbox the worker delivers from."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SENT = "SENT", "Sent"
        DEAD = "DEAD", "Dead (gave up)"

    action = models.CharField(max_length=32)
    request = models.OneToOneField(
        InboundMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callback",
        help_text="The request this callback answers, if solicited.",
    )
    bap_id = models.CharField(max_length=255)
    target_url = models.CharField(max_length=600)
    transaction_id = models.CharField(max_length=255)
    message_id = models.CharField(max_length=255)
    payload = models.JSONField(
        null=True, blank=True, help_text="The callback body, composed once by the worker."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    awaiting_slot = models.BooleanField(
        default=False,
        help_text="Due, but its BAP had as many deliveries under way as allowed: the next "
        "delivery to that BAP to finish hands it the free slot.",
    )
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="beckn_outbox_due"),
            models.Index(fields=["transaction_id"]),
            # Partial: rows enter them only when the worker leases or defers them, so the
            # request path's INSERT does not maintain them.
            models.Index(
                fields=["bap_id"],
                condition=models.Q(locked_until__isnull=False),
                name="beckn_outbox_leased",
            ),
            models.Index(
                fields=["bap_id", "next_attempt_at"],
                condition=models.Q(awaiting_slot=True),
                name="beckn_outbox_awaiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.message_id} to {self.bap_id} ({self.status})"


class NetworkSubscription(models.Model):
    """Our own subscription to a Beckn registry: one row per registry and announced key."""

    class Status(models.TextChoices):
        INITIATED = "INITIATED", "Initiated"
        UNDER_SUBSCRIPTION = "UNDER_SUBSCRIPTION", "Under subscription"
        SUBSCRIBED = "SUBSCRIBED", "Subscribed"
        INVALID_SSL = "INVALID_SSL", "Invalid SSL"
        EXPIRED = "EXPIRED", "Expired"
        UNSUBSCRIBED = "UNSUBSCRIBED", "Unsubscribed"

    registry_url = models.CharField(max_length=500)
    unique_key_id = models.CharField(max_length=255)
    subscriber_id = models.CharField(max_length=255)
    subscriber_url = models.CharField(max_length=500)
    type = models.CharField(max_length=3, default="BPP")
    domain = models.CharField(max_length=100)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=10, blank=True)
    signing_public_key = models.CharField(max_length=100)
    encryption_public_key = models.CharField(max_length=200)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INITIATED)
    request = models.JSONField(null=True, blank=True, help_text="The last /subscribe we sent.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True, help_text="The registry's last answer.")
    last_error = models.TextField(blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the registry last told us our status."
    )
    challenged_at = models.DateTimeField(
        null=True, blank=True, help_text="When we last answered the registry's challenge."
    )
    challenges_answered = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry_url", "unique_key_id"], name="beckn_network_subscription_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}|{self.unique_key_id} at {self.registry_url} ({self.status})"


class SearchListing(models.Model):
    """A provider that an on_search we composed listed, once per buyer-app transaction: the
    first step of the installer's search -> select -> confirm funnel (beckn.selectors)."""

    provider = models.ForeignKey(
        "catalog.Provider", on_delete=models.CASCADE, related_name="search_listings"
    )
    bap_id = models.CharField(max_length=255)
    transaction_id = models.CharField(max_length=255)
    listed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-listed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "bap_id", "transaction_id"],
                name="beckn_search_listing_once_per_transaction",
            ),
        ]
        indexes = [models.Index(fields=["provider", "listed_at"])]

    def __str__(self) -> str:
        return f"{self.provider} listed for {self.bap_id} ({self.transaction_id})"


class ItemFragment(models.Model):
    """An item of on_search, pre-rendered from the catalog (beckn.fragments): the item's JSON
    with the category, location and fulfillment entries its provider's catalog lists for it.

    A copy, never the truth: the writes of the catalog invalidate it inside their transaction
    (beckn.fragments.invalidation: format and document emptied, a new token), a search renders
    it again when it finds it invalid or missing, and stores it only if the token it read before
    rendering is still there, so a rendering that read the catalog before a write committed
    never stores over it.
    """

    # No foreign-key constraint: an invalidation may write a row in the transaction that
    # deletes its item; Django's cascade still deletes an item's fragment with it.
    item = models.OneToOneField(
        "catalog.Item",
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="beckn_fragment",
    )
    # What the document was rendered with (beckn.fragments.fragment_format); "" when the row
    # was invalidated. Another format is another program's or configuration's: rendered again.
    format = models.CharField(max_length=16, blank=True)
    # JSON text: [item, [category pk, category], [[location pk, location]...],
    # [[fulfillment pk, fulfillment]...]]. Text, parsed once per search for all rows together.
    document = models.TextField(blank=True)
    token = models.CharField(max_length=16)  # new at every rendering and invalidation

    def __str__(self) -> str:
        return f"on_search fragment of item {self.item_id}"


class ProviderFragment(models.Model):
    """A provider of on_search without its catalog, pre-rendered (id, descriptor with its
    images, tags, rating), kept like ItemFragment."""

    provider = models.OneToOneField(
        "catalog.Provider",
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="beckn_fragment",
    )
    format = models.CharField(max_length=16, blank=True)
    document = models.TextField(blank=True)  # JSON text of beckn.mapping.catalog.provider_header
    token = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"on_search fragment of provider {self.provider_id}"
