from django.urls import path

from orders import accounts, checkout, views

app_name = "orders"

urlpatterns = [
    path("track/<str:token>", views.track, name="track"),
    # Homeowner accounts
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/email-link/", accounts.email_link, name="email-link"),
    path(
        "accounts/email-link/<str:token>/", accounts.email_link_sign_in, name="email-link-sign-in"
    ),
    # Ordering an installation
    path("order/<int:item_id>/", checkout.order_new, name="order-new"),
    path("order/<int:item_id>/documents/", checkout.order_documents, name="order-new-documents"),
    path("order/<int:item_id>/confirm/", checkout.order_confirm, name="order-new-confirm"),
    # The homeowner's orders
    path("my/orders/", views.my_orders, name="my-orders"),
    path("my/orders/<str:installation_request_id>/", views.order, name="order"),
    path("my/orders/<str:installation_request_id>/live/", views.order_live, name="order-live"),
    path(
        "my/orders/<str:installation_request_id>/cancel/", views.order_cancel, name="order-cancel"
    ),
    path(
        "my/orders/<str:installation_request_id>/reschedule/",
        views.order_reschedule,
        name="order-reschedule",
    ),
    path(
        "my/orders/<str:installation_request_id>/documents/<int:item_id>/",
        views.order_documents_upload,
        name="order-documents-upload",
    ),
    path(
        "my/orders/<str:installation_request_id>/files/<uuid:document_id>",
        views.order_document,
        name="order-document",
    ),
    path(
        "my/orders/<str:installation_request_id>/certificate.pdf",
        views.order_certificate,
        name="order-certificate",
    ),
    path(
        "my/orders/<str:installation_request_id>/invoice.pdf",
        views.order_invoice,
        name="order-invoice",
    ),
    path("my/orders/<str:installation_request_id>/rating/", views.order_rate, name="order-rate"),
]
