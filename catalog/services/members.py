"""An installer's team: members, their roles (auth groups) and invitations."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from catalog.lock_objects import owners_lock
from catalog.models import Provider, ProviderMember
from catalog.tenancy import ROLE_PERMISSIONS, role_group_name


def role_group(role: str) -> Group:
    """The auth group of an installer role, with exactly the role's permissions (idempotent)."""
    group, _ = Group.objects.get_or_create(name=role_group_name(role))
    wanted = Q()
    for name in ROLE_PERMISSIONS[role]:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def member_add(
    *, provider: Provider, email: str, role: str, name: str = "", password: str | None = None
) -> ProviderMember:
    """Give a person (found or created by e-mail) a role in an installer company.

    Raises ValidationError when the person already works for another installer.
    """
    users = get_user_model()
    email = users.objects.normalize_email(email).lower()
    user = users.objects.filter(email__iexact=email).first()
    if user is None:
        first, _, last = name.partition(" ")
        user = users.objects.create_user(
            username=email, email=email, password=password, first_name=first, last_name=last
        )
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    member = ProviderMember.objects.filter(user=user).first()
    if member is not None and member.provider_id != provider.pk:
        raise ValidationError(f"{email} already works for another installer.")
    if member is None:
        member = ProviderMember.objects.create(user=user, provider=provider, role=role)
    return member_role_set(member=member, role=role)


def member_role_set(*, member: ProviderMember, role: str) -> ProviderMember:
    """Change a member's role; their auth groups follow."""
    user: AbstractBaseUser = member.user
    groups = [role_group(other) for other in ROLE_PERMISSIONS]
    user.groups.remove(*groups)  # type: ignore[attr-defined]
    user.groups.add(role_group(role))  # type: ignore[attr-defined]
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def member_invite(*, provider: Provider, email: str, role: str, name: str = "") -> ProviderMember:
    """Add a person to an installer's team (member_add) and e-mail them, once the transaction
    commits, a link to choose their password (Django's password reset confirmation page).

    Raises ValidationError when they already are in this team or work for another installer.
    """
    normalized = get_user_model().objects.normalize_email(email).lower()
    team = ProviderMember.objects.filter(provider=provider)
    if team.filter(user__email__iexact=normalized).exists():
        raise ValidationError({"email": f"{normalized} is already in your team."})
    try:
        member = member_add(provider=provider, email=normalized, role=role, name=name)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    transaction.on_commit(lambda: member_invitation_send(member_id=member.pk))
    return member


def member_invitation_send(*, member_id: int) -> None:
    """E-mail a member the link that lets them choose a password and sign in."""
    member = ProviderMember.objects.select_related("user", "provider").get(pk=member_id)
    user = member.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "member": member,
        "provider": member.provider,
        "url": settings.SITE_URL.rstrip("/") + path,
        "sign_in_url": settings.SITE_URL.rstrip("/") + reverse("login"),
    }
    subject = render_to_string("workspace/team/invitation_subject.txt", context)
    body = render_to_string("workspace/team/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


@transaction.atomic
def member_update(*, member: ProviderMember, role: str) -> ProviderMember:
    """Change a member's role; the last owner of an installer stays an owner."""
    owners = owners_lock(member.provider)
    if role != ProviderMember.Role.OWNER and owners == [member.pk]:
        raise ValidationError(
            {"role": "This is the last owner of the company: make someone else an owner first."}
        )
    return member_role_set(member=member, role=role)


def member_emails_set(
    *, member: ProviderMember, new_orders: bool, documents: bool
) -> ProviderMember:
    """The e-mails a member chose to get: each new order, documents waiting for review."""
    member.emails_new_orders, member.emails_documents = new_orders, documents
    member.save(update_fields=["emails_new_orders", "emails_documents"])
    return member


@transaction.atomic
def member_remove(*, member: ProviderMember) -> None:
    """Take a person off an installer's team: their role's permissions go with it (their
    account stays, e.g. for their own orders). The last owner cannot be removed."""
    owners = owners_lock(member.provider)
    if owners == [member.pk]:
        raise ValidationError(
            "This is the last owner of the company: make someone else an owner first."
        )
    member.user.groups.remove(*(role_group(role) for role in ROLE_PERMISSIONS))
    member.delete()
