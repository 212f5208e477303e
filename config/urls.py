from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from config.auth import EmailAuthenticationForm
from config.views import account_home, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("beckn/", include("beckn.urls")),
    path("documents/", include("documents.urls")),
    path("payments/", include("payments.urls")),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/home", account_home, name="account-home"),
    path("installer/", include("config.workspace_urls")),
    path("", include("orders.urls")),
    path("", include("ratings.urls")),
    path("", include("catalog.urls")),
]
