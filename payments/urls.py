"""The gateways' own door under /payments/: their webhook events (no person, no session). The
pages for people under /payments/ (the pay page, the test gateway's card pages) are web/'s;
config/urls.py puts both under the one "payments" namespace."""

from django.urls import path

from payments import webhooks

urlpatterns = [
    path("webhooks/<slug:gateway>/", webhooks.webhook, name="webhook"),
]
