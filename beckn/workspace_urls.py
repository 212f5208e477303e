"""This app's installer workspace pages (namespace "workspace", see config/workspace_urls.py)."""

from django.urls import path

from beckn import insight_views, workspace

urlpatterns = [
    path("insights/network/", insight_views.network_funnel_view, name="network-funnel"),
    path("orders/<int:pk>/callbacks/", workspace.order_callbacks, name="order-callbacks"),
    path(
        "orders/<int:pk>/callbacks/<int:message_id>/retry",
        workspace.order_callback_retry,
        name="order-callback-retry",
    ),
]
