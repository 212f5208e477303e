"""Give a person a role at an installer company and e-mail them a link to choose a password."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from catalog.models import Provider, ProviderMember
from catalog.services import member_add, member_invitation_send

Role = ProviderMember.Role


class Command(BaseCommand):
    help = (
        "Make someone an owner, dispatcher or technician of an installer (created by e-mail if "
        "new) and e-mail them a link to choose their password; no password is ever set here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--provider", required=True, help="The installer's network id, e.g. sunpower_sf."
        )
        parser.add_argument("--email", required=True, help="The person's e-mail address.")
        parser.add_argument(
            "--role",
            required=True,
            type=str.upper,
            choices=Role.values,
            help="owner (everything, manages the team), dispatcher (orders, schedule, "
            "technicians, documents) or technician (the orders assigned to them).",
        )
        parser.add_argument("--name", default="", help="Their full name, for a new account.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            provider = Provider.objects.filter(external_id=options["provider"]).first()
        except DatabaseError as exc:  # e.g. "no such table": another database than the server's
            database = connection.settings_dict["NAME"]
            raise CommandError(
                f"The database {database} is not the server's, or is not migrated ({exc}). Run "
                "this command with the same DATA_DIR (or DATABASE_URL) as the server."
            ) from None
        if provider is None:
            raise CommandError(f"No installer {options['provider']!r} (see import_catalog).")
        role = options["role"].upper()  # call_command() passes it as given
        if role not in Role.values:
            raise CommandError(f"--role is one of {', '.join(Role.values).lower()}.")
        try:
            member = member_add(
                provider=provider,
                email=options["email"],
                role=role,
                name=options["name"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        member_invitation_send(member_id=member.pk)
        self.stdout.write(
            f"{member.user.email} is {Role(member.role).label.lower()} of {provider.name}; "
            "a link to choose a password has been e-mailed."
        )
