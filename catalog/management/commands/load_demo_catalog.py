import json
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.services import catalog_import

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "demo_catalog.json"


class Command(BaseCommand):
    help = "Load (or refresh) the demo installers; running it twice gives the same catalog."

    def handle(self, *args, **options) -> None:
        result = catalog_import(data=json.loads(DEMO_CATALOG.read_text()))
        self.stdout.write(f"Demo catalog: {result.providers} providers, {result.items} items.")
