"""This app's installer workspace pages (namespace "workspace", see config/workspace_urls.py)."""

from django.urls import path

from catalog import workspace

urlpatterns = [
    path("", workspace.catalog, name="catalog"),
    path("items/new/", workspace.item_new, name="item-new"),
    path("items/<int:item_id>/", workspace.item_edit, name="item-edit"),
    path("items/<int:item_id>/deactivate/", workspace.item_deactivate, name="item-deactivate"),
    path("locations/new/", workspace.location_new, name="location-new"),
    path("locations/<int:location_id>/", workspace.location_edit, name="location-edit"),
]
