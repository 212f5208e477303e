"""An order's public status page, reached through its unguessable tracking link (given to the
buyer app in on_track, and to the homeowner)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from orders.selectors import order_by_tracking_token, public_events
from web.homeowner.payment import payment_panel


def track(request: HttpRequest, token: str) -> HttpResponse:
    """The order's public status page, reached through its unguessable tracking link."""
    order = order_by_tracking_token(token)
    if order is None:
        raise Http404("No such order.")
    context = {"order": order, "events": public_events(order), "card": payment_panel(order)}
    return render(request, "orders/track.html", context)
