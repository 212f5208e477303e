"""The embedded test gateway: a card gateway of our own for running without a real one.

It behaves as a hosted gateway would, apart from our domain: it keeps checkouts
(models.TestGatewayCheckout), shows a card page for each (web/test_gateway.py),
accepts the usual test card numbers (cards.py), and posts signed webhook events
(models.TestGatewayEvent, signing.py) to SITE_URL/payments/webhooks/test/, our endpoint for
every gateway. No real money moves.
"""
