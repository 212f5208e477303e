import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.services import catalog_import


class Command(BaseCommand):
    help = "Create or update installers from a catalog JSON file (see README: Adding an installer)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            data = json.loads(path.read_text())
            result = catalog_import(data=data)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Imported {result.providers} providers ({', '.join(result.provider_ids)}), "
            f"{result.items} items."
        )
