"""The installer workspace's team pages (namespace "workspace", at /installer/team/)."""

from django.urls import path

from catalog import workspace

urlpatterns = [
    path("", workspace.team, name="team"),
    path("new/", workspace.member_new, name="member-new"),
    path("<int:member_id>/", workspace.member_edit, name="member-edit"),
    path("<int:member_id>/remove/", workspace.member_remove_view, name="member-remove"),
]
