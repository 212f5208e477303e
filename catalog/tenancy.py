"""Installer tenancy: what each member's role lets them do.

Roles are Django auth groups holding model permissions (catalog.services keeps the groups);
the workspace admits a member to a page when their role grants its permission
(web/workspace/tenancy.py), and catalog.selectors.member_for_user finds a user's membership.
"""

from catalog.models import ProviderMember

Role = ProviderMember.Role

_TECHNICIAN = ("orders.view_order", "orders.change_order")
_DISPATCHER = (
    *_TECHNICIAN,
    "orders.view_technician",
    "orders.add_technician",
    "orders.change_technician",
    "documents.view_document",
    "documents.change_document",
    "catalog.view_item",
    "catalog.view_provider",
)
_OWNER = (
    *_DISPATCHER,
    "catalog.add_item",
    "catalog.change_item",
    "catalog.change_provider",
    "catalog.view_providermember",
    "catalog.add_providermember",
    "catalog.change_providermember",
    "catalog.delete_providermember",
    "ratings.view_rating",
    "ratings.change_rating",
)

# The permissions each role's group holds ("app_label.codename").
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.OWNER: _OWNER,
    Role.DISPATCHER: _DISPATCHER,
    Role.TECHNICIAN: _TECHNICIAN,
}


def role_group_name(role: str) -> str:
    return f"Installer {Role(role).label.lower()}s"
