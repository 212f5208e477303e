"""The test gateway's hosted pages: a checkout's card form, and the extra confirmation step
some cards ask for (3-D Secure's, in short). Thin: payments.test_gateway.services does the
work, and the gateway then posts its event to our webhook. Served only while the test gateway
is the current one."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from payments.gateways import embedded_gateway_enabled
from payments.models import TestGatewayCheckout
from payments.money import money_in_words
from payments.test_gateway import services
from payments.test_gateway.cards import TEST_CARDS, Outcome
from web.test_gateway_forms import CardForm

Status = TestGatewayCheckout.Status


def _checkout(checkout_id: str) -> TestGatewayCheckout:
    if not embedded_gateway_enabled():
        raise Http404("The test gateway is off.")
    return get_object_or_404(TestGatewayCheckout, pk=checkout_id)


def _render(
    request: HttpRequest, template: str, checkout: TestGatewayCheckout, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "checkout": checkout,
        "amount": money_in_words(checkout.amount, checkout.currency),
        **extra,
    }
    return render(request, f"payments/test_gateway/{template}", context, status=status)


def _closed(request: HttpRequest, checkout: TestGatewayCheckout, message: str) -> HttpResponse:
    return _render(request, "closed.html", checkout, status=410, message=message)


def _after(outcome: Outcome, checkout: TestGatewayCheckout) -> HttpResponse:
    """Where the card holder goes once a card was tried: back to the merchant once paid,
    otherwise to the next step on the gateway."""
    if outcome == Outcome.SUCCEED:
        return redirect(checkout.success_url)
    if outcome == Outcome.AUTHENTICATE:
        return redirect("payments:test-gateway-authenticate", checkout.pk)
    return redirect("payments:test-gateway-checkout", checkout.pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request: HttpRequest, checkout_id: str) -> HttpResponse:
    checkout = _checkout(checkout_id)
    if checkout.status in (Status.SUCCEEDED, Status.REFUNDED):
        return _closed(request, checkout, "This checkout is paid.")
    if checkout.expires_at <= timezone.now():
        return _closed(request, checkout, "This checkout has expired.")
    if checkout.status == Status.ACTION_REQUIRED:
        return redirect("payments:test-gateway-authenticate", checkout.pk)
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.checkout_card_submit(
                checkout=checkout, card_number=form.cleaned_data["number"]
            )
        except services.CheckoutClosed as exc:
            return _closed(request, checkout, str(exc))
        return _after(outcome, checkout)
    # A declined card shows its reason (402) until another card is tried.
    status = 400 if form.is_bound else 402 if checkout.last_error else 200
    return _render(
        request, "checkout.html", checkout, status=status, form=form, cards=TEST_CARDS.values()
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def authenticate(request: HttpRequest, checkout_id: str) -> HttpResponse:
    checkout = _checkout(checkout_id)
    if request.method == "POST":
        try:
            outcome = services.checkout_authenticate(
                checkout=checkout, approved=request.POST.get("decision") == "approve"
            )
        except services.CheckoutClosed as exc:
            return _closed(request, checkout, str(exc))
        return _after(outcome, checkout)
    if checkout.status != Status.ACTION_REQUIRED:
        return redirect("payments:test-gateway-checkout", checkout.pk)
    return _render(request, "authenticate.html", checkout)
