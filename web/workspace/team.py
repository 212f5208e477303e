"""The installer workspace's team pages (namespace "workspace", at /installer/team/).

Owners add, change and remove the people of their team. Every member is looked up in the
member's own provider's rows, so another installer's ids answer 404; writes go through
catalog.services (and orders.services for a member's technician record).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from catalog.models import ProviderMember
from catalog.selectors import provider_members
from catalog.services import member_emails_set, member_invite, member_remove, member_update
from orders.selectors import linkable_technicians
from orders.services import technician_user_set
from web.frame import form_page, page, posted
from web.workspace.team_forms import MemberForm, MemberRoleForm
from web.workspace.tenancy import installer_view


@installer_view("catalog.view_providermember")
def team(request: HttpRequest) -> HttpResponse:
    """The people of the installer's team, with their roles."""
    members = provider_members(provider=request.member.provider).select_related("user__technician")
    return page(request, "workspace/team/team.html", {"members": members}, nav="team")


@installer_view("catalog.add_providermember")
def member_new(request: HttpRequest) -> HttpResponse:
    """Add a person by e-mail: they get a link to choose their password."""
    provider = request.member.provider
    form = MemberForm(posted(request), technicians=linkable_technicians(provider=provider))

    @transaction.atomic
    def save() -> tuple[str, str]:
        data = form.cleaned_data
        member = member_invite(
            provider=provider, email=data["email"], role=data["role"], name=data["name"]
        )
        member_emails_set(
            member=member,
            new_orders=data["emails_new_orders"],
            documents=data["emails_documents"],
        )
        if data["technician"] is not None:
            technician_user_set(provider=provider, user=member.user, technician=data["technician"])
        role = member.get_role_display().lower()
        return (
            f"{member.user.email} is in your team as {role}: "
            "they received an e-mail to choose their password.",
            "workspace:team",
        )

    return form_page(request, form, save, "workspace/team/member_form.html", {}, nav="team")


def _member(request: HttpRequest, member_id: int) -> ProviderMember:
    members = provider_members(provider=request.member.provider).select_related("user__technician")
    return get_object_or_404(members, pk=member_id)


def _left_own_team_pages(request: HttpRequest, member: ProviderMember) -> bool:
    """Whether the signed-in owner just changed or removed their own membership."""
    return member.pk == request.member.pk


@installer_view("catalog.change_providermember")
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    """Change a member's role, and the technician record a technician signs in as."""
    member = _member(request, member_id)
    provider = request.member.provider
    linked = getattr(member.user, "technician", None)
    form = MemberRoleForm(
        posted(request),
        initial={
            "role": member.role,
            "technician": linked,
            "emails_new_orders": member.emails_new_orders,
            "emails_documents": member.emails_documents,
        },
        technicians=linkable_technicians(provider=provider, user=member.user),
    )

    @transaction.atomic
    def save() -> tuple[str, str]:
        role, technician = form.cleaned_data["role"], form.cleaned_data["technician"]
        updated = member_update(member=member, role=role)
        member_emails_set(
            member=updated,
            new_orders=form.cleaned_data["emails_new_orders"],
            documents=form.cleaned_data["emails_documents"],
        )
        technician_user_set(provider=provider, user=updated.user, technician=technician)
        notice = f"{updated.user.email} is now {updated.get_role_display().lower()}."
        if _left_own_team_pages(request, updated) and role != ProviderMember.Role.OWNER:
            return notice, "account-home"
        return notice, "workspace:team"

    context = {"member_edited": member}
    return form_page(request, form, save, "workspace/team/member_form.html", context, nav="team")


@installer_view("catalog.delete_providermember")
def member_remove_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """GET: confirm. POST: take the person off the team (never the last owner)."""
    member = _member(request, member_id)
    error = ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                technician_user_set(
                    provider=request.member.provider, user=member.user, technician=None
                )
                member_remove(member=member)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{member.user.email} is no longer in your team.")
            if _left_own_team_pages(request, member):
                return redirect("account-home")
            return redirect("workspace:team")
    return page(
        request,
        "workspace/team/member_remove.html",
        {"member_removed": member, "error": error},
        nav="team",
        status=400 if error else 200,
    )
