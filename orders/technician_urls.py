"""The installer workspace's technician pages (namespace "workspace", /installer/technicians/)."""

from django.urls import path

from orders import technician_views as views

urlpatterns = [
    path("", views.technicians, name="technicians"),
    path("new/", views.technician_new, name="technician-new"),
    path("<int:technician_id>/", views.technician, name="technician"),
    path("<int:technician_id>/edit/", views.technician_edit, name="technician-edit"),
    path(
        "<int:technician_id>/certifications/new/",
        views.certification_new,
        name="certification-new",
    ),
    path(
        "<int:technician_id>/certifications/<int:certification_id>/remove/",
        views.certification_remove_view,
        name="certification-remove",
    ),
]
