"""The card gateways: Stripe, and the embedded test gateway (the default without Stripe keys).

`gateway_current()` is the one new checkouts open at (PAYMENTS_GATEWAY); `gateway_get(name)`
the one of a payment or a webhook. Stripe is configured when its keys are set; the test gateway
only while it is the current one, so that nobody pays with a test card once real money is taken.
"""

from django.conf import settings

from payments.errors import GatewayNotConfigured
from payments.gateways.base import Gateway
from payments.gateways.embedded import TestGateway
from payments.gateways.stripe import StripeGateway

# How each gateway is named to people (receipts, the admin).
GATEWAY_LABELS = {StripeGateway.name: StripeGateway.label, TestGateway.name: TestGateway.label}


def embedded_gateway_enabled() -> bool:
    """Whether the test gateway takes cards (and webhooks): only while it is the current one."""
    return TestGateway.name == settings.PAYMENTS_GATEWAY


def gateway_get(name: str) -> Gateway:
    """The adapter of the gateway called `name`. Raises GatewayNotConfigured."""
    if name == StripeGateway.name and settings.STRIPE_SECRET_KEY:
        return StripeGateway()
    if name == TestGateway.name and embedded_gateway_enabled():
        return TestGateway()
    raise GatewayNotConfigured(f"No {name!r} gateway is configured here.")


def gateway_current() -> Gateway:
    return gateway_get(settings.PAYMENTS_GATEWAY)
