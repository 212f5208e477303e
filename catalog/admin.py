from django.contrib import admin

from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ServiceLocation,
)


class ProviderImageInline(admin.TabularInline):
    model = ProviderImage
    extra = 0


class ServiceLocationInline(admin.StackedInline):
    model = ServiceLocation
    extra = 0


class FulfillmentInline(admin.TabularInline):
    model = Fulfillment
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "govt_subsidy_empaneled", "rating_value", "is_active"]
    list_filter = ["is_active", "govt_subsidy_empaneled"]
    search_fields = ["name", "external_id", "code"]
    inlines = [ProviderImageInline, ServiceLocationInline, FulfillmentInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "external_id",
        "provider",
        "category",
        "price_estimated_value",
        "currency",
        "is_active",
    ]
    list_filter = ["is_active", "category", "property_type", "provider"]
    search_fields = ["name", "external_id", "code", "provider__name"]
    list_select_related = ["provider", "category"]
    filter_horizontal = ["locations", "fulfillments", "required_documents"]
    autocomplete_fields = ["provider"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            # A provider's items may only use that provider's locations and fulfillments.
            form.base_fields["locations"].queryset = obj.provider.locations.all()
            form.base_fields["fulfillments"].queryset = obj.provider.fulfillments.all()
        return form


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["id", "code", "name", "installation_type"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]
