"""This app's installer workspace pages (namespace "workspace", see config/workspace_urls.py)."""

from django.urls import path

from orders import workspace

urlpatterns = [
    path("", workspace.board, name="board"),
    path("orders/<int:pk>/", workspace.order_page, name="order"),
    path("orders/<int:pk>/availability", workspace.order_availability, name="order-availability"),
    path("orders/<int:pk>/phase", workspace.order_phase, name="order-phase"),
    path("orders/<int:pk>/safety", workspace.order_safety, name="order-safety"),
    path("orders/<int:pk>/notes", workspace.order_note, name="order-note"),
    path("orders/<int:pk>/schedule", workspace.order_schedule, name="order-schedule"),
    path("orders/<int:pk>/technician", workspace.order_technician, name="order-technician"),
    path("orders/<int:pk>/payment", workspace.order_payment, name="order-payment"),
    path("orders/<int:pk>/complete", workspace.order_complete, name="order-complete"),
    path("orders/<int:pk>/issue", workspace.order_documents_issue, name="order-issue"),
    path(
        "orders/<int:pk>/documents/<uuid:document_id>/review",
        workspace.document_review,
        name="order-document-review",
    ),
]
