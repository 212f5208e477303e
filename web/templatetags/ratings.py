"""Ratings on the pages: `{% load ratings %}`, then `{% order_rating_panel %}` on an
order's page, or `{{ value|rating_display }}` for "4.6/5"."""

from typing import Any

from django import template
from django.urls import reverse

from catalog.taxonomy import InstallationStatus
from ratings.selectors import order_review, provider_reputation
from ratings.values import rating_display
from web.homeowner.rating_forms import OrderRatingForm, star_initial

register = template.Library()
register.filter("rating_display", rating_display)


@register.inclusion_tag("ratings/_order_panel.html", takes_context=True)
def order_rating_panel(context: template.Context) -> dict[str, Any]:
    """The installer's reputation, the buyer's review of the order with the installer's reply,
    and (once the installation is completed) the form to rate it. The page's view may pass a
    bound `rating_form` to show its errors."""
    order = context["order"]
    review = order_review(order=order)
    form = context.get("rating_form")
    if form is None:
        initial = (
            {"value": star_initial(review.value), "comment": review.public_comment}
            if review
            else {}
        )
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
