"""Every page for people, under the URL names and namespaces the templates use: the homeowner's
(web/homeowner/urls.py), the installer workspace (web/workspace/urls.py, /installer/), signing
in, the documents' pages of both (/documents/), and the pages to pay on (`payments_urlpatterns`:
the pay page, the test gateway's card pages; config/urls.py puts them under /payments/ beside
the gateways' webhook). config/urls.py includes this."""

from django.urls import include, path

from web import test_gateway
from web.accounts import account_home, password_reset, sign_in
from web.homeowner import payment
from web.homeowner import urls as homeowner
from web.images import favicon, installer_picture
from web.workspace import urls as workspace

# Under /payments/, in the "payments" namespace beside the gateways' webhook (config/urls.py).
payments_urlpatterns = [
    path("orders/<str:tracking_token>/pay", payment.pay, name="pay"),
    path(
        "test-gateway/checkouts/<str:checkout_id>/",
        test_gateway.checkout,
        name="test-gateway-checkout",
    ),
    path(
        "test-gateway/checkouts/<str:checkout_id>/authenticate/",
        test_gateway.authenticate,
        name="test-gateway-authenticate",
    ),
]

urlpatterns = [
    path("media/<path:name>", installer_picture, name="installer-picture"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "documents/",
        include((homeowner.documents_urlpatterns + workspace.documents_urlpatterns, "documents")),
    ),
    path("accounts/login/", sign_in, name="login"),
    path("accounts/password_reset/", password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/home", account_home, name="account-home"),
    path("installer/", include("web.workspace.urls")),
    path("", include((homeowner.orders_urlpatterns, "orders"))),
    path("", include((homeowner.ratings_urlpatterns, "ratings"))),
    path("", include((homeowner.catalog_urlpatterns, "catalog"))),
]
