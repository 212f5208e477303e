"""`/payments/orders/<tracking token>/pay`: the page an order is paid on by card, for the
homeowner's pages and buyer apps (selectors.payment_page_url). GET shows what is due and how
the payment stands; POST opens the checkout (or finds the open one) and sends the card holder
to the gateway's page, who comes back here."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from orders.models import Order
from payments import selectors, services
from payments.errors import GatewayError, PaymentNotPossible
from payments.money import money_in_words


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pay(request: HttpRequest, tracking_token: str) -> HttpResponse:
    order = get_object_or_404(
        Order.objects.select_related("provider"), tracking_token=tracking_token
    )
    problem, status = "", 200
    if request.method == "POST":
        page = selectors.payment_page_url(order=order)
        try:
            payment = services.checkout_open(
                order=order,
                success_url=f"{page}?checkout=done",
                cancel_url=f"{page}?checkout=cancelled",
                actor="payment page",
            )
        except PaymentNotPossible as exc:
            problem, status = str(exc), 409
        except GatewayError as exc:
            problem, status = str(exc), 502
        else:
            return redirect(payment.checkout_url)
    payment = selectors.order_payment(order=order)
    context = {
        "order": order,
        "total": money_in_words(order.total, order.currency),
        "payment": payment,
        "window": selectors.payment_window(order=order),
        "receipt": selectors.payment_receipt(payment=payment) if payment else None,
        "problem": problem,
        "returned": request.GET.get("checkout", ""),
    }
    return render(request, "payments/pay.html", context, status=status)
