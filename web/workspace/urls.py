"""The installer workspace (/installer/, namespace "workspace"), and the installer's document
downloads (under /documents/, namespace "documents": see web/urls.py).

Every workspace view is wrapped in web.workspace.tenancy.installer_view and scoped to the
member's provider; tests/web/workspace/test_tenancy.py walks these URLs with another installer's
ids.
"""

from django.urls import include, path

from web.workspace import catalog, documents, insights, network, orders, team, technicians

app_name = "workspace"

urlpatterns = [
    # The orders board and an order's page
    path("", orders.board, name="board"),
    path("orders/<int:pk>/", orders.order_page, name="order"),
    path("orders/<int:pk>/availability", orders.order_availability, name="order-availability"),
    path("orders/<int:pk>/phase", orders.order_phase, name="order-phase"),
    path("orders/<int:pk>/safety", orders.order_safety, name="order-safety"),
    path("orders/<int:pk>/notes", orders.order_note, name="order-note"),
    path("orders/<int:pk>/schedule", orders.order_schedule, name="order-schedule"),
    path("orders/<int:pk>/technician", orders.order_technician, name="order-technician"),
    path("orders/<int:pk>/payment", orders.order_payment, name="order-payment"),
    path("orders/<int:pk>/refund", orders.order_refund, name="order-refund"),
    path("orders/<int:pk>/complete", orders.order_complete, name="order-complete"),
    path("orders/<int:pk>/issue", orders.order_documents_issue, name="order-issue"),
    path(
        "orders/<int:pk>/documents/<uuid:document_id>/review",
        orders.document_review,
        name="order-document-review",
    ),
    # What buyer apps did: an order's callbacks, the insights' network funnel
    path("insights/network/", network.network_funnel_view, name="network-funnel"),
    path("orders/<int:pk>/callbacks/", network.order_callbacks, name="order-callbacks"),
    path(
        "orders/<int:pk>/callbacks/<int:message_id>/retry",
        network.order_callback_retry,
        name="order-callback-retry",
    ),
    path(
        "catalog/",
        include(
            [
                path("", catalog.catalog, name="catalog"),
                path("items/new/", catalog.item_new, name="item-new"),
                path("profile/", catalog.company_profile, name="company-profile"),
                path(
                    "profile/photos/<int:photo_id>/remove/",
                    catalog.photo_remove,
                    name="photo-remove",
                ),
                path("items/<int:item_id>/", catalog.item_edit, name="item-edit"),
                path(
                    "items/<int:item_id>/deactivate/",
                    catalog.item_deactivate,
                    name="item-deactivate",
                ),
                path("locations/new/", catalog.location_new, name="location-new"),
                path("locations/<int:location_id>/", catalog.location_edit, name="location-edit"),
            ]
        ),
    ),
    path(
        "team/",
        include(
            [
                path("", team.team, name="team"),
                path("new/", team.member_new, name="member-new"),
                path("<int:member_id>/", team.member_edit, name="member-edit"),
                path("<int:member_id>/remove/", team.member_remove_view, name="member-remove"),
            ]
        ),
    ),
    path(
        "technicians/",
        include(
            [
                path("", technicians.technicians, name="technicians"),
                path("new/", technicians.technician_new, name="technician-new"),
                path("<int:technician_id>/", technicians.technician, name="technician"),
                path(
                    "<int:technician_id>/edit/",
                    technicians.technician_edit,
                    name="technician-edit",
                ),
                path(
                    "<int:technician_id>/certifications/new/",
                    technicians.certification_new,
                    name="certification-new",
                ),
                path(
                    "<int:technician_id>/certifications/<int:certification_id>/remove/",
                    technicians.certification_remove_view,
                    name="certification-remove",
                ),
            ]
        ),
    ),
    path("insights/", insights.insights, name="insights"),
]

# The files of the installer's orders, for its members and the platform's staff (/documents/).
documents_urlpatterns = [
    path(
        "installer/files/<uuid:document_id>",
        documents.installer_document,
        name="installer_document",
    ),
    path(
        "installer/certificates/<int:pk>.pdf",
        documents.installer_certificate,
        name="installer_certificate",
    ),
    path("installer/invoices/<int:pk>.pdf", documents.installer_invoice, name="installer_invoice"),
]
