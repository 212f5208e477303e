from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Item, Provider, ServiceLocation
from catalog.selectors import OfferQuery, offer_search
from catalog.synthetic import CITIES, provider_specs

pytestmark = pytest.mark.django_db


def generate(items: int = 60, providers: int = 6, seed: int = 7) -> None:
    call_command("generate_catalog", items=items, providers=providers, seed=seed, verbosity=0)


def snapshot() -> list[tuple]:
    return list(
        Item.objects.order_by("external_id").values_list(
            "external_id",
            "provider__external_id",
            "provider__name",
            "name",
            "category__code",
            "price_estimated_value",
            "is_active",
            "locations__city_name",
            "locations__latitude",
            "locations__service_radius_km",
            "required_documents__code",
        )
    )


def test_generate_catalog_creates_the_asked_numbers() -> None:
    generate(items=60, providers=6)

    assert Item.objects.count() == 60
    assert Provider.objects.count() == 6
    per_provider = [p.items.count() for p in Provider.objects.all()]
    assert min(per_provider) >= 1
    assert sum(per_provider) == 60
    for item in Item.objects.all():
        assert item.locations.exists()
        assert list(item.fulfillments.values_list("type", flat=True)) == ["ONSITE"]
        assert item.required_documents.filter(code="id_proof").exists()


def test_the_same_seed_gives_the_same_catalog_and_another_seed_another() -> None:
    generate(seed=7)
    first = snapshot()
    Provider.objects.all().delete()
    generate(seed=7)

    assert snapshot() == first
    generate(seed=8)  # another seed adds its own installers beside
    assert Provider.objects.count() == 12
    assert [row for row in snapshot() if row[0].startswith("gen-s7-")] == first


def test_a_seed_already_loaded_or_impossible_counts_are_refused() -> None:
    generate(seed=7)

    with pytest.raises(CommandError, match="already loaded"):
        generate(seed=7)
    with pytest.raises(CommandError, match="at least one item per provider"):
        generate(items=3, providers=5, seed=9)
    assert Item.objects.count() == 60


def test_generated_rows_pass_model_validation() -> None:
    generate(items=40, providers=4, seed=3)

    for provider in Provider.objects.all():
        provider.full_clean()
    for location in ServiceLocation.objects.all():
        location.full_clean()
        assert location.city_name in {city[0] for city in CITIES}
    for item in Item.objects.all():
        item.full_clean()


def test_generated_installers_are_found_by_search() -> None:
    generate(items=30, providers=3, seed=5)
    item = Item.objects.filter(is_active=True, provider__is_active=True).first()
    location = item.locations.first()
    word = item.name.split()[-1]

    found = offer_search(
        OfferQuery(
            latitude=float(location.latitude),
            longitude=float(location.longitude),
            category_code=item.category.code,
            text=word,
        )
    )

    assert item.external_id in {i.external_id for p in found for i in p.matching_items}


def test_synthetic_specs_spread_over_cities_and_categories() -> None:
    specs = list(provider_specs(items=2000, providers=100, seed=1))

    assert sum(len(spec.items) for spec in specs) == 2000
    assert len({loc.city_name for spec in specs for loc in spec.locations}) >= 40
    assert len({item.category_code for spec in specs for item in spec.items}) == 5
    assert all(
        Decimal(0) < loc.service_radius_km <= 500 for spec in specs for loc in spec.locations
    )
