"""The homeowner's pages, one list per URL namespace (web/urls.py puts each under its own):
"orders" (tracking, accounts, ordering, my orders), "ratings", "catalog" (discover, compare,
profiles) and "documents" (the document form, downloads, the certificate check)."""

from django.urls import path

from web.homeowner import (
    accounts,
    discover,
    documents,
    my_orders,
    ordering,
    ratings,
    tracking,
)

orders_urlpatterns = [
    path("track/<str:token>", tracking.track, name="track"),
    path("reminders/off/<str:token>", tracking.reminders_off, name="reminders-off"),
    # Homeowner accounts
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/email-link/", accounts.email_link, name="email-link"),
    path(
        "accounts/email-link/<str:token>/", accounts.email_link_sign_in, name="email-link-sign-in"
    ),
    # Ordering an installation
    path("order/<int:item_id>/", ordering.order_new, name="order-new"),
    path("order/<int:item_id>/documents/", ordering.order_documents, name="order-new-documents"),
    path("order/<int:item_id>/confirm/", ordering.order_confirm, name="order-new-confirm"),
    # The homeowner's orders
    path("my/orders/", my_orders.my_orders, name="my-orders"),
    path("my/orders/<str:installation_request_id>/", my_orders.order, name="order"),
    path("my/orders/<str:installation_request_id>/live/", my_orders.order_live, name="order-live"),
    path(
        "my/orders/<str:installation_request_id>/cancel/",
        my_orders.order_cancel,
        name="order-cancel",
    ),
    path(
        "my/orders/<str:installation_request_id>/reschedule/",
        my_orders.order_reschedule,
        name="order-reschedule",
    ),
    path(
        "my/orders/<str:installation_request_id>/documents/<int:item_id>/",
        my_orders.order_documents_upload,
        name="order-documents-upload",
    ),
    path(
        "my/orders/<str:installation_request_id>/files/<uuid:document_id>",
        my_orders.order_document,
        name="order-document",
    ),
    path(
        "my/orders/<str:installation_request_id>/certificate.pdf",
        my_orders.order_certificate,
        name="order-certificate",
    ),
    path(
        "my/orders/<str:installation_request_id>/invoice.pdf",
        my_orders.order_invoice,
        name="order-invoice",
    ),
    path(
        "my/orders/<str:installation_request_id>/rating/", my_orders.order_rate, name="order-rate"
    ),
]

ratings_urlpatterns = [
    path("track/<str:token>/rating", ratings.order_rate, name="order_rate"),
    path("ratings/feedback/<str:token>", ratings.feedback, name="feedback"),
]

catalog_urlpatterns = [
    path("", discover.discover, name="discover"),
    path("compare/", discover.compare, name="compare"),
    path("installers/<str:provider_id>/", discover.provider, name="provider"),
    path("installers/<str:provider_id>/offers/<str:item_id>/", discover.item, name="item"),
]

# Under /documents/.
documents_urlpatterns = [
    path("forms/<str:provider_id>/<str:item_id>", documents.form, name="form"),
    path(
        "orders/<str:tracking_token>/certificate.pdf",
        documents.order_certificate,
        name="order_certificate",
    ),
    path("orders/<str:tracking_token>/invoice.pdf", documents.order_invoice, name="order_invoice"),
    path("certificates/", documents.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:number>", documents.certificate, name="certificate"),
]
