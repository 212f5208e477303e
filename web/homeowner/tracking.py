"""An order's public status page, reached through its unguessable tracking link (given to the
buyer app in on_track, and to the homeowner). A link stops working
TRACKING_LINK_DAYS_AFTER_CLOSE days after its order is completed or cancelled: the page then
says so and how to sign in; the order's certificate and invoice by the link stop with it."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from notices import services as notices
from orders.models import Order
from orders.selectors import order_by_tracking_token, order_closed_at, public_events
from web.homeowner.payment import payment_panel


def tracking_link_expired(order: Order) -> bool:
    closed_at = order_closed_at(order)
    if closed_at is None:
        return False
    return timezone.now() > closed_at + timedelta(days=settings.TRACKING_LINK_DAYS_AFTER_CLOSE)


def tracking_link_expired_page(request: HttpRequest) -> HttpResponse:
    context = {"days": settings.TRACKING_LINK_DAYS_AFTER_CLOSE}
    return render(request, "orders/track_expired.html", context, status=410)


def track(request: HttpRequest, token: str) -> HttpResponse:
    """The order's public status page, reached through its unguessable tracking link."""
    order = order_by_tracking_token(token)
    if order is None:
        raise Http404("No such order.")
    if tracking_link_expired(order):
        return tracking_link_expired_page(request)
    context = {"order": order, "events": public_events(order), "card": payment_panel(order)}
    return render(request, "orders/track.html", context)


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
