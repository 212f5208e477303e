"""Card payments in the admin, read only: what each gateway said is kept as it came."""

from django.contrib import admin
from django.http import HttpRequest

from payments.models import Payment, PaymentEvent


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PaymentEventInline(ReadOnly, admin.TabularInline):
    model = PaymentEvent
    fields = ("created_at", "kind", "event_id", "amount", "currency", "reason", "status_after")
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("order", "gateway", "amount", "currency", "status", "paid_at", "updated_at")
    list_filter = ("status", "gateway")
    search_fields = ("order__installation_request_id", "gateway_reference", "checkout_reference")
    inlines = [PaymentEventInline]
