from django import forms
from django.contrib import admin
from django.utils.html import format_html

from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ProviderPhoto,
    ServiceLocation,
)
from catalog.services import image_upload_read, provider_logo_set, provider_photo_add


class ProviderAdminForm(forms.ModelForm):
    """The logo and a new photo are uploads that go through catalog.services.images (checked,
    re-encoded, resized), never stored as sent."""

    logo_upload = forms.FileField(
        required=False, label="New logo", help_text="JPEG, PNG, WebP or GIF."
    )
    logo_clear = forms.BooleanField(required=False, label="Remove the logo")
    photo_upload = forms.FileField(required=False, label="Add a photo of their work")
    photo_caption = forms.CharField(required=False, max_length=200, label="Its caption")

    def clean_logo_upload(self) -> bytes | None:
        return image_upload_read(self.cleaned_data.get("logo_upload"))

    def clean_photo_upload(self) -> bytes | None:
        return image_upload_read(self.cleaned_data.get("photo_upload"))


class ProviderPhotoInline(admin.TabularInline):
    model = ProviderPhoto
    extra = 0
    fields = ["preview", "caption", "position"]
    readonly_fields = ["preview"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # photos are added by the upload field above, which re-encodes them

    @admin.display(description="Photo")
    def preview(self, photo: ProviderPhoto) -> str:
        return format_html('<img src="{}" alt="" height="80">', photo.thumbnail.url)


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
    inlines = [ProviderPhotoInline, ProviderImageInline, ServiceLocationInline, FulfillmentInline]
    form = ProviderAdminForm
    exclude = ["logo"]
    readonly_fields = ["logo_preview"]

    @admin.display(description="Logo")
    def logo_preview(self, provider: Provider) -> str:
        if not provider.logo:
            return "None"
        return format_html('<img src="{}" alt="" height="64">', provider.logo.url)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("logo_upload"):
            provider_logo_set(provider=obj, data=form.cleaned_data["logo_upload"])
        elif form.cleaned_data.get("logo_clear") and obj.logo:
            provider_logo_set(provider=obj, data=None)
        if form.cleaned_data.get("photo_upload"):
            provider_photo_add(
                provider=obj,
                data=form.cleaned_data["photo_upload"],
                caption=form.cleaned_data.get("photo_caption", ""),
            )


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
