import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from beckn.keys import ensure_generated_key, generate_key_material, generated_key_path


class Command(BaseCommand):
    help = (
        "Print the BECKN_* lines and registry subscription of a new key pair (Ed25519 signing "
        "+ X25519 encryption), with --next as the next key of a rotation, or with --ensure make "
        "sure a key pair exists (generating one under DATA_DIR when none is configured)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--ensure",
            action="store_true",
            help="Generate and keep a key under DATA_DIR unless BECKN_SIGNING_PRIVATE_KEY is set.",
        )
        which.add_argument(
            "--next",
            action="store_true",
            help="Print the key pair as BECKN_NEXT_* lines, for a key rotation.",
        )

    def handle(self, *args, ensure: bool, next: bool, **options) -> None:
        if ensure:
            if settings.BECKN_SIGNING_PRIVATE_KEY:
                self.stdout.write("Signing key: from BECKN_SIGNING_PRIVATE_KEY.")
                if not settings.BECKN_ENCRYPTION_PRIVATE_KEY:
                    self.stdout.write(
                        "No BECKN_ENCRYPTION_PRIVATE_KEY: registry challenges cannot be answered."
                    )
                return
            material, created = ensure_generated_key()
            verb = "Generated" if created else "Using"
            self.stdout.write(f"{verb} the signing key in {generated_key_path()}.")
            self._print_subscription(
                material, settings.BECKN_UNIQUE_KEY_ID or material["unique_key_id"]
            )
            return
        material = generate_key_material()
        prefix = "BECKN_NEXT_" if next else "BECKN_"
        if next:
            self.stdout.write("# Add these beside the current key, then announce it with")
            self.stdout.write("# `manage.py beckn_subscribe --next` (see README, key rotation):")
        else:
            self.stdout.write("# Add these to the environment of the BPP:")
            self.stdout.write(f"BECKN_SUBSCRIBER_ID={settings.BECKN_SUBSCRIBER_ID}")
            self.stdout.write(f"BECKN_SUBSCRIBER_URL={settings.BECKN_SUBSCRIBER_URL}")
        self.stdout.write(f"{prefix}UNIQUE_KEY_ID={material['unique_key_id']}")
        self.stdout.write(f"{prefix}SIGNING_PRIVATE_KEY={material['signing_private_key']}")
        self.stdout.write(f"{prefix}ENCRYPTION_PRIVATE_KEY={material['encryption_private_key']}")
        self._print_subscription(material, material["unique_key_id"])

    def _print_subscription(self, material: dict[str, str], unique_key_id: str) -> None:
        subscription = {
            "subscriber_id": settings.BECKN_SUBSCRIBER_ID,
            "url": settings.BECKN_SUBSCRIBER_URL,
            "type": "BPP",
            "domain": settings.BECKN_DOMAIN,
            "key_id": unique_key_id,
            "signing_public_key": material["signing_public_key"],
            "encr_public_key": material["encryption_public_key"],
        }
        self.stdout.write("# What a registry needs to know about this BPP:")
        self.stdout.write(json.dumps(subscription, indent=2))
