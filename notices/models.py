"""The e-mails sent about an order: what, to whom, when, and whether it left (or why not)."""

from django.db import models

from orders.models import Order


class OrderEmail(models.Model):
    class Kind(models.TextChoices):
        PLACED = "PLACED", "Order placed"
        APPOINTMENT = "APPOINTMENT", "Appointment booked or moved"
        REMINDER = "REMINDER", "Appointment reminder"
        DOCUMENTS = "DOCUMENTS", "Documents to redo"
        TECHNICIAN = "TECHNICIAN", "Technician on the way"
        COMPLETED = "COMPLETED", "Installation completed"
        RECEIPT = "RECEIPT", "Payment receipt"
        # To the installer's team members who chose them (ProviderMember.emails_*).
        NEW_ORDER = "NEW_ORDER", "New order (to the installer)"
        REVIEW = "REVIEW", "Documents to review (to the installer)"

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Queued"
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed"
        SKIPPED = "SKIPPED", "Not needed any more"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(
        max_length=200, unique=True, help_text="What it is about, once: e.g. the event or slot."
    )
    recipient = models.EmailField()
    subject = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="What the e-mail is about.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.order})"


class ReminderOptOut(models.Model):
    """A homeowner who turned off the reminders of an order (from the link in one)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="reminder_opt_out")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"No reminders for {self.order}"
