from django.contrib import admin
from django.urls import include, path

from config.observability.views import metrics
from config.views import healthz
from payments import urls as payments
from web import urls as web

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("beckn/", include("beckn.urls")),
    # The gateways' webhook and the pages to pay on, under one namespace.
    path("payments/", include((payments.urlpatterns + web.payments_urlpatterns, "payments"))),
    path("admin/", admin.site.urls),
    # The pages for people: homeowners, the installer workspace, signing in.
    path("", include("web.urls")),
]
