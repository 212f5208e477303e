from django.contrib import admin

from notices.models import OrderEmail, ReminderOptOut


@admin.register(OrderEmail)
class OrderEmailAdmin(admin.ModelAdmin):
    list_display = ("order", "kind", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("kind", "status")
    search_fields = ("order__installation_request_id", "recipient")
    readonly_fields = [f.name for f in OrderEmail._meta.fields]


admin.site.register(ReminderOptOut)
