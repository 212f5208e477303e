from django.contrib import admin
from django.urls import include, path

from config.observability.views import metrics
from config.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("beckn/", include("beckn.urls")),
    path("payments/", include("payments.urls")),
    path("admin/", admin.site.urls),
    # The pages for people: homeowners, the installer workspace, signing in.
    path("", include("web.urls")),
]
