import json
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.models import Provider
from catalog.services import catalog_import
from catalog.services.demo_pictures import demo_pictures_ensure
from catalog.taxonomy import InstallationType

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "demo_catalog.json"


class Command(BaseCommand):
    help = (
        "Load (or refresh) the demo installers with drawn logos and photos; running it twice "
        "gives the same catalog."
    )

    def handle(self, *args, **options) -> None:
        result = catalog_import(data=json.loads(DEMO_CATALOG.read_text()))
        for provider in Provider.objects.filter(external_id__in=result.provider_ids):
            solar = provider.items.filter(
                category__installation_type=InstallationType.SOLAR_PANEL
            ).exists()
            demo_pictures_ensure(provider=provider, solar=solar)
        self.stdout.write(f"Demo catalog: {result.providers} providers, {result.items} items.")
