"""The installer workspace's insights page (namespace "workspace", at /installer/insights/)."""

from django.urls import path

from orders import insight_views

urlpatterns = [
    path("", insight_views.insights, name="insights"),
]
