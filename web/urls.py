"""Every page for people, under the URL names and namespaces the templates use: the homeowner's
(web/homeowner/urls.py), the installer workspace (web/workspace/urls.py, /installer/), signing
in, and the documents' pages of both (/documents/). config/urls.py includes this."""

from django.urls import include, path

from web.accounts import account_home, sign_in
from web.homeowner import urls as homeowner
from web.images import favicon, installer_picture
from web.workspace import urls as workspace

urlpatterns = [
    path("media/<path:name>", installer_picture, name="installer-picture"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "documents/",
        include((homeowner.documents_urlpatterns + workspace.documents_urlpatterns, "documents")),
    ),
    path("accounts/login/", sign_in, name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/home", account_home, name="account-home"),
    path("installer/", include("web.workspace.urls")),
    path("", include((homeowner.orders_urlpatterns, "orders"))),
    path("", include((homeowner.ratings_urlpatterns, "ratings"))),
    path("", include((homeowner.catalog_urlpatterns, "catalog"))),
]
