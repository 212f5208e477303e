from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("forms/<str:provider_id>/<str:item_id>", views.form, name="form"),
    path(
        "orders/<str:tracking_token>/files/<uuid:document_id>",
        views.order_document,
        name="order_document",
    ),
    path(
        "orders/<str:tracking_token>/certificate.pdf",
        views.order_certificate,
        name="order_certificate",
    ),
    path("orders/<str:tracking_token>/invoice.pdf", views.order_invoice, name="order_invoice"),
    path("installer/files/<uuid:document_id>", views.installer_document, name="installer_document"),
    path(
        "installer/certificates/<int:pk>.pdf",
        views.installer_certificate,
        name="installer_certificate",
    ),
    path("installer/invoices/<int:pk>.pdf", views.installer_invoice, name="installer_invoice"),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:number>", views.certificate, name="certificate"),
]
