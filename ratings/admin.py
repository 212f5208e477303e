"""Ratings in the admin, until the installer dashboards exist: staff read every rating, reply to a
review once on the installer's behalf, and hide abusive text (the value still counts). Installer
reputations and technicians' ratings are listed read-only. Nothing here writes a value: values
come from buyers only, through ratings.services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

import orders.admin  # registers Technician's admin, extended below
from orders.actors import actor_for_user
from orders.models import Technician
from ratings.errors import RatingError
from ratings.models import InstallerReputation, Rating, TechnicianReputation
from ratings.selectors import provider_reputation, provider_reviews, technician_ratings
from ratings.services import COMMENT_MAX_LENGTH, review_hide, review_reply, review_unhide
from ratings.values import rating_display


def _actor(request: HttpRequest) -> str:
    return actor_for_user(request.user)


class RatingAdminForm(forms.ModelForm):
    new_reply = forms.CharField(
        label="Installer's reply",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Published under the review, on the installer's behalf. An installer replies "
        "once: it cannot be changed afterwards.",
    )

    class Meta:
        model = Rating
        fields: list[str] = []

    def clean_new_reply(self) -> str:
        text = self.cleaned_data["new_reply"].strip()
        if text and self.instance.replied_at is not None:
            raise forms.ValidationError("The installer has replied to this review already.")
        return text


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    form = RatingAdminForm
    list_display = [
        "order",
        "provider",
        "category",
        "value",
        "short_comment",
        "comment_hidden",
        "replied",
        "rated_at",
    ]
    list_filter = [
        "category",
        "comment_hidden",
        ("replied_at", admin.EmptyFieldListFilter),
        "provider",
    ]
    search_fields = ["order__installation_request_id", "provider__name", "comment", "reply"]
    list_select_related = ["order", "provider"]
    readonly_fields = [
        "order",
        "provider",
        "category",
        "entity_id",
        "item",
        "technician",
        "channel",
        "buyer_reference",
        "value",
        "comment",
        "comment_hidden",
        "hidden_by",
        "hidden_at",
        "reply",
        "replied_by",
        "replied_at",
        "feedback_submission_id",
        "rated_at",
        "created_at",
        "updated_at",
    ]
    actions = ["hide_text", "show_text"]

    def get_fields(self, request: HttpRequest, obj: Rating | None = None) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None and obj.replied_at is None:
            fields.insert(fields.index("reply"), "new_reply")
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False  # the aggregates count every rating: they are replaced, never deleted

    def save_model(self, request: HttpRequest, obj: Rating, form: Any, change: bool) -> None:
        """Nothing of a rating is edited here; a reply goes through review_reply."""
        text = form.cleaned_data.get("new_reply")
        if not text:
            return
        try:
            review_reply(rating=obj, text=text, actor=_actor(request))
        except RatingError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    @admin.display(description="comment")
    def short_comment(self, obj: Rating) -> str:
        text = "(hidden) " + obj.comment if obj.comment_hidden else obj.comment
        return text[:60] + ("…" if len(text) > 60 else "")

    @admin.display(description="replied", boolean=True, ordering="replied_at")
    def replied(self, obj: Rating) -> bool:
        return obj.replied_at is not None

    @admin.action(description="Hide the text of the selected ratings", permissions=["change"])
    def hide_text(self, request: HttpRequest, queryset: QuerySet[Rating]) -> None:
        for rating in queryset:
            review_hide(rating=rating, actor=_actor(request))
        self.message_user(request, f"Hid the text of {len(queryset)} rating(s).")

    @admin.action(description="Show the text of the selected ratings", permissions=["change"])
    def show_text(self, request: HttpRequest, queryset: QuerySet[Rating]) -> None:
        for rating in queryset:
            review_unhide(rating=rating, actor=_actor(request))
        self.message_user(request, f"Showed the text of {len(queryset)} rating(s).")


@admin.register(InstallerReputation)
class InstallerReputationAdmin(admin.ModelAdmin):
    """Each installer's reputation with its reviews and its technicians' ratings (read-only)."""

    list_display = [
        "name",
        "external_id",
        "published_rating",
        "rating_count",
        "received",
        "rating_last_at",
    ]
    search_fields = ["name", "external_id"]
    ordering = ["name"]
    fields = [
        "name",
        "published_rating",
        "rating_count",
        "baseline",
        "distribution",
        "rating_last_at",
        "reviews",
        "technicians",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("catalog.view_provider") or super().has_view_permission(
            request, obj
        )

    @admin.display(description="rating", ordering="rating_value")
    def published_rating(self, obj: InstallerReputation) -> str:
        return rating_display(obj.rating_value) or "-"

    @admin.display(description="rated here")
    def received(self, obj: InstallerReputation) -> int:
        return provider_reputation(provider=obj).received

    @admin.display(description="imported baseline")
    def baseline(self, obj: InstallerReputation) -> str:
        if obj.rating_baseline_value is None:
            return "-"
        return f"{rating_display(obj.rating_baseline_value)} from {obj.rating_baseline_count or 0}"

    @admin.display(description="rated here, by stars")
    def distribution(self, obj: InstallerReputation) -> str:
        rows = provider_reputation(provider=obj).distribution
        return ", ".join(f"{row.star}★ {row.count}" for row in rows)

    @admin.display(description="latest reviews")
    def reviews(self, obj: InstallerReputation) -> str:
        return (
            format_html_join(
                "",
                "<p>{} · {} · {}{}</p>",
                (
                    (
                        rating_display(r.value),
                        r.order,
                        r.public_comment or "(no text)",
                        format_html(" — reply: {}", r.reply) if r.reply else "",
                    )
                    for r in provider_reviews(provider=obj)
                ),
            )
            or "-"
        )

    @admin.display(description="technicians (as agent)")
    def technicians(self, obj: InstallerReputation) -> str:
        return (
            format_html_join(
                "",
                "<p>{}: {} ({} rating{})</p>",
                (
                    (
                        t.technician.name,
                        rating_display(t.value) or "not rated",
                        t.count,
                        "" if t.count == 1 else "s",
                    )
                    for t in technician_ratings(provider=obj)
                ),
            )
            or "-"
        )


admin.site.unregister(Technician)


@admin.register(Technician)
class TechnicianAdmin(orders.admin.TechnicianAdmin):
    """The orders app's technician admin, with each technician's rating as agent."""

    list_display = [*orders.admin.TechnicianAdmin.list_display, "rating", "ratings"]
    list_select_related = ["provider", "reputation"]

    def _reputation(self, obj: Technician) -> TechnicianReputation | None:
        try:
            return obj.reputation
        except TechnicianReputation.DoesNotExist:
            return None

    @admin.display(description="rating", ordering="reputation__rating_value")
    def rating(self, obj: Technician) -> str:
        reputation = self._reputation(obj)
        return rating_display(reputation.rating_value) if reputation else "-"

    @admin.display(description="ratings", ordering="reputation__rating_count")
    def ratings(self, obj: Technician) -> int:
        reputation = self._reputation(obj)
        return reputation.rating_count if reputation else 0
