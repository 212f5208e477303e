import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.services import catalog_generate


class Command(BaseCommand):
    help = (
        "Add synthetic installers (providers, locations in many cities, items) for load tests; "
        "the same seed gives the same catalog."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--items", type=int, required=True, help="items in all")
        parser.add_argument("--providers", type=int, required=True, help="installers")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")

    def handle(self, *args, items: int, providers: int, seed: int, **options) -> None:
        started = time.monotonic()
        try:
            result = catalog_generate(items=items, providers=providers, seed=seed)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Generated {result.providers} providers, {result.locations} locations, "
            f"{result.items} items (seed {seed}) in {time.monotonic() - started:.1f} s."
        )
