from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from beckn.delivery import engine
from beckn.models import InboundMessage, OutboundMessage, Subscriber, SubscriberKey


class SubscriberKeyInline(admin.TabularInline):
    model = SubscriberKey
    extra = 0


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["subscriber_id", "type", "url", "status"]
    list_filter = ["type", "status"]
    search_fields = ["subscriber_id", "url"]
    inlines = [SubscriberKeyInline]


class ReadOnlyLogAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyLogAdmin):
    list_display = [
        "received_at",
        "action",
        "bap_id",
        "transaction_id",
        "message_id",
        "outcome",
        "http_status",
        "error_code",
    ]
    list_filter = ["action", "outcome", "http_status"]
    search_fields = ["transaction_id", "message_id", "bap_id"]
    date_hierarchy = "received_at"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyLogAdmin):
    list_display = [
        "created_at",
        "action",
        "bap_id",
        "transaction_id",
        "message_id",
        "status",
        "attempts",
        "http_status",
        "last_error",
    ]
    list_filter = ["action", "status"]
    search_fields = ["transaction_id", "message_id", "bap_id", "target_url"]
    date_hierarchy = "created_at"
    actions = ["retry_dead"]

    @admin.action(description="Retry the selected dead callbacks")
    def retry_dead(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        # Only dead ones can be retried: the others are not worth an UPDATE each.
        dead = queryset.filter(status=OutboundMessage.Status.DEAD).values_list("pk", flat=True)
        retried = sum(engine.callback_retry(outbound_id=outbound_id) for outbound_id in dead)
        self.message_user(request, f"{retried} callback(s) queued again.", messages.SUCCESS)


from beckn import subscription_admin  # noqa: E402, F401 - registers our subscriptions
