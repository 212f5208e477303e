from django.urls import path

from payments import test_gateway_views, views, webhooks

app_name = "payments"

urlpatterns = [
    path("webhooks/<slug:gateway>/", webhooks.webhook, name="webhook"),
    path("orders/<str:tracking_token>/pay", views.pay, name="pay"),
    path(
        "test-gateway/checkouts/<str:checkout_id>/",
        test_gateway_views.checkout,
        name="test-gateway-checkout",
    ),
    path(
        "test-gateway/checkouts/<str:checkout_id>/authenticate/",
        test_gateway_views.authenticate,
        name="test-gateway-authenticate",
    ),
]
