"""Card payments (payments/): the gateway checkouts open with, Stripe's keys, the test gateway.

With no Stripe key the embedded test gateway takes payments (no real money, works offline);
with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, Stripe does, and the test gateway is off.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env, persistent_secret

# Stripe's secret API key (sk_live_... or sk_test_...) and the signing secret of the webhook
# endpoint registered at Stripe for SITE_URL/payments/webhooks/stripe/ (whsec_...).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Where the Stripe SDK sends its API calls (tests point it at a server on 127.0.0.1).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
if bool(STRIPE_SECRET_KEY) != bool(STRIPE_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "Set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (or neither, for the test gateway)."
    )

# The gateway new checkouts open at: "stripe" when its keys are set, otherwise "test".
PAYMENTS_GATEWAY = env.str("PAYMENTS_GATEWAY", default="stripe" if STRIPE_SECRET_KEY else "test")
if PAYMENTS_GATEWAY not in ("stripe", "test"):
    raise ImproperlyConfigured("PAYMENTS_GATEWAY must be stripe or test.")
if PAYMENTS_GATEWAY == "stripe" and not STRIPE_SECRET_KEY:
    raise ImproperlyConfigured("PAYMENTS_GATEWAY=stripe needs STRIPE_SECRET_KEY.")

# The key the test gateway signs its webhook events with (HMAC-SHA256).
PAYMENTS_TEST_GATEWAY_SECRET = env.str(
    "PAYMENTS_TEST_GATEWAY_SECRET", default=""
) or persistent_secret("payments-test-gateway")
# How old a webhook's signature may be (seconds), as Stripe's own default.
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = env.int("PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", default=300)
# How long a checkout stays open for the card (Stripe accepts 30 to 1440 minutes).
PAYMENTS_CHECKOUT_EXPIRY_MINUTES = env.int("PAYMENTS_CHECKOUT_EXPIRY_MINUTES", default=60)
if not 30 <= PAYMENTS_CHECKOUT_EXPIRY_MINUTES <= 1440:
    raise ImproperlyConfigured("PAYMENTS_CHECKOUT_EXPIRY_MINUTES must be between 30 and 1440.")
