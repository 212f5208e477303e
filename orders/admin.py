from django.contrib import admin

from orders.models import Order, OrderEvent, OrderItem, Technician


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    readonly_fields = ["item", "price", "currency"]
    can_delete = False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    readonly_fields = ["created_at", "kind", "from_value", "to_value", "actor", "reason"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """The operator's view of orders; changes go through the installer dashboards' services."""

    list_display = [
        "installation_request_id",
        "provider",
        "customer_name",
        "status",
        "phase",
        "payment_status",
        "survey_start",
        "created_at",
    ]
    list_filter = ["status", "phase", "channel", "provider"]
    search_fields = ["installation_request_id", "customer_name", "billing_email"]
    list_select_related = ["provider"]
    inlines = [OrderItemInline, OrderEventInline]
    readonly_fields = [f.name for f in Order._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "technician_type", "phone", "is_active"]
    list_filter = ["technician_type", "is_active", "provider"]
    search_fields = ["name", "phone"]
