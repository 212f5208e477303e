"""An order's public status page, reached through its unguessable tracking link (given to the
buyer app in on_track, and to the homeowner)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from notices import services as notices
from orders.selectors import order_by_tracking_token, public_events


def track(request: HttpRequest, token: str) -> HttpResponse:
    """The order's public status page, reached through its unguessable tracking link."""
    order = order_by_tracking_token(token)
    if order is None:
        raise Http404("No such order.")
    return render(request, "orders/track.html", {"order": order, "events": public_events(order)})


@require_http_methods(["GET", "POST"])
def reminders_off(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a reminder: GET asks, POST turns the order's reminders off (a mail scanner
    that follows links turns nothing off). A bad or forged token answers 404."""
    if request.method == "GET":
        if not notices.reminders_off_token_valid(token=token):
            raise Http404("No such link.")
        return render(request, "orders/reminders_off.html", {"done": False})
    order = notices.reminders_off(token=token)
    if order is None:
        raise Http404("No such link.")
    return render(request, "orders/reminders_off.html", {"done": True, "order": order})
