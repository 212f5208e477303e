"""The installer workspace (/installer/): each app contributes its own pages, one namespace.

Every view here is wrapped in catalog.tenancy.installer_view and scoped to the member's provider;
tests/test_workspace_tenancy.py walks this URL conf with another installer's ids.
"""

from django.urls import include, path

app_name = "workspace"

urlpatterns = [
    path("", include("orders.workspace_urls")),
    path("", include("beckn.workspace_urls")),
    path("catalog/", include("catalog.workspace_urls")),
    path("team/", include("catalog.team_urls")),
    path("technicians/", include("orders.technician_urls")),
    path("insights/", include("orders.insight_urls")),
]
