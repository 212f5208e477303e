"""The homeowner's public catalog pages (namespace "catalog")."""

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.discover, name="discover"),
    path("compare/", views.compare, name="compare"),
    path("installers/<str:provider_id>/", views.provider, name="provider"),
    path("installers/<str:provider_id>/offers/<str:item_id>/", views.item, name="item"),
]
