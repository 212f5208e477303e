"""Ratings on the pages of other apps: `{% load ratings %}`, then `{% order_rating_panel %}` on an
order's page, or `{{ value|rating_display }}` for "4.6/5"."""

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

from catalog.taxonomy import InstallationStatus
from ratings.forms import OrderRatingForm
from ratings.selectors import order_review, provider_reputation

register = template.Library()


@register.filter
def rating_display(value: Decimal | None) -> str:
    """4.60 -> "4.6/5"; nothing for no rating."""
    if value is None:
        return ""
    return f"{format(Decimal(value).normalize(), 'f')}/5"


@register.inclusion_tag("ratings/_order_panel.html", takes_context=True)
def order_rating_panel(context: template.Context) -> dict[str, Any]:
    """The installer's reputation, the buyer's review of the order with the installer's reply,
    and (once the installation is completed) the form to rate it. The page's view may pass a
    bound `rating_form` to show its errors."""
    order = context["order"]
    review = order_review(order=order)
    form = context.get("rating_form")
    if form is None:
        initial = {"value": review.value, "comment": review.public_comment} if review else {}
        form = OrderRatingForm(initial=initial)
    return {
        "order": order,
        "provider": order.provider,
        "reputation": provider_reputation(provider=order.provider),
        "review": review,
        "can_rate": order.status == InstallationStatus.COMPLETED,
        "form": form,
        "action": reverse("ratings:order_rate", args=[order.tracking_token]),
    }
