"""`/payments/orders/<tracking token>/pay`: the page an order is paid on by card, for the
homeowner's pages and buyer apps (payments.selectors.payment_page_url). GET shows the installer,
the order, what is due and when under its terms, and how the payment stands (its receipt once
paid); POST opens the checkout (or finds the open one) and sends the card holder to the
gateway's page, who comes back here. The order page and the tracking page show the Pay button
(`payment_panel`), which posts here."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from orders.models import Order, PaymentCollector
from payments import selectors, services
from payments.errors import GatewayError, PaymentNotPossible
from payments.models import Payment
from payments.selectors import PaymentWindow, Receipt

# How often the page looks again while the gateway has not told us the outcome yet.
CONFIRMING_REFRESH_SECONDS = 2


@dataclass(frozen=True)
class PaymentPanel:
    """The card payment as the order page and the tracking page show it."""

    url: str  # the pay page's path (its form posts there)
    window: PaymentWindow
    payment: Payment | None
    receipt: Receipt | None

    @property
    def declined(self) -> str:
        """The gateway's reason for the last declined card, while the order is payable."""
        if self.payment is None or self.payment.status != Payment.Status.DECLINED:
            return ""
        return self.payment.problem


def payment_panel(order: Order) -> PaymentPanel | None:
    """None when the buyer's app collects the payment (nothing to pay or show here)."""
    if order.payment_collector == PaymentCollector.BUYER_APP:
        return None
    payment = selectors.order_payment(order=order)
    return PaymentPanel(
        url=reverse("payments:pay", args=[order.tracking_token]),
        window=selectors.payment_window(order=order),
        payment=payment,
        receipt=selectors.payment_receipt(payment=payment) if payment else None,
    )


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
    panel = payment_panel(order)
    returned = request.GET.get("checkout", "")
    confirming = (
        returned == "done"
        and panel is not None
        and panel.receipt is None
        and panel.window.payable_now
        and (panel.payment is None or panel.payment.status == Payment.Status.OPEN)
    )
    context = {
        "order": order,
        "items": [line.item for line in order.items.select_related("item")],
        "window": panel.window if panel else selectors.payment_window(order=order),
        "payment": panel.payment if panel else None,
        "receipt": panel.receipt if panel else None,
        "problem": problem,
        "returned": returned,
        "refresh_seconds": CONFIRMING_REFRESH_SECONDS if confirming else 0,
    }
    return render(request, "payments/pay.html", context, status=status)
