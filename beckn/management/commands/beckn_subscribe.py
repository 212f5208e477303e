from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from beckn import subscription
from beckn.keys import CURRENT, NEXT, key_roles


class Command(BaseCommand):
    help = (
        "Subscribe this BPP's key pair to the registry (BECKN_REGISTRY_URL) and show the status "
        "the registry gives each of our keys. The registry's on_subscribe challenge must reach "
        "BECKN_SUBSCRIBER_URL while this runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--next",
            action="store_true",
            help="Announce the next key pair (BECKN_NEXT_*) of a key rotation.",
        )
        which.add_argument(
            "--status",
            action="store_true",
            help="Only ask the registry for the status of our subscriptions.",
        )
        parser.add_argument(
            "--valid-until",
            type=_moment,
            help="End of the key's validity (ISO 8601); default: as announced before, or "
            "BECKN_KEY_VALIDITY_DAYS from now.",
        )

    def handle(
        self, *args: object, next: bool, status: bool, valid_until: datetime | None, **options
    ) -> None:
        try:
            registry = subscription.registry_url()
            if status:
                for row in subscription.subscriptions():
                    subscription.subscription_refresh(subscription=row)
            else:
                role = NEXT if next else CURRENT
                self.stdout.write(f"Subscribing our {role} key at {registry}/subscribe ...")
                row = subscription.subscription_request(role=role, valid_until=valid_until)
                self.stdout.write(f"Registry answered HTTP {row.http_status}: {row.response}")
            self._show()
        except (subscription.SubscriptionError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc

    def _show(self) -> None:
        roles = key_roles()
        rows = list(subscription.subscriptions())
        if not rows:
            self.stdout.write("No subscription yet.")
            return
        self.stdout.write("key id | our key | status | valid until | last challenge | problem")
        for row in rows:
            role = roles.get(row.unique_key_id, "retired")
            challenged = row.challenged_at.isoformat() if row.challenged_at else "-"
            self.stdout.write(
                f"{row.unique_key_id} | {role} | {row.status} | {row.valid_until.isoformat()} | "
                f"{challenged} | {row.last_error or '-'}"
            )


def _moment(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time with a time zone")
    return moment
