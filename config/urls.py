from django.contrib import admin
from django.urls import include, path

from config.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("beckn/", include("beckn.urls")),
    path("documents/", include("documents.urls")),
    path("admin/", admin.site.urls),
    path("", include("orders.urls")),
    path("", include("ratings.urls")),
]
