from django.contrib import admin
from django.urls import include, path

from config.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("beckn/", include("beckn.urls")),
    path("payments/", include("payments.urls")),
    path("admin/", admin.site.urls),
    # The pages for people: homeowners, the installer workspace, signing in.
    path("", include("web.urls")),
]
