import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from beckn.mapping.catalog import catalog_message
from catalog.management.commands.load_demo_catalog import DEMO_CATALOG
from catalog.models import Item, Provider
from catalog.selectors import OfferQuery, offer_search
from catalog.services import catalog_import
from catalog.taxonomy import InstallationType

pytestmark = pytest.mark.django_db


def catalog_snapshot() -> str:
    return json.dumps(catalog_message(offer_search(OfferQuery())), sort_keys=True)


def test_loading_the_demo_catalog_twice_gives_the_same_catalog() -> None:
    call_command("load_demo_catalog", verbosity=0)
    first = catalog_snapshot()
    call_command("load_demo_catalog", verbosity=0)

    assert catalog_snapshot() == first
    assert Provider.objects.count() == 8


def test_the_demo_catalog_covers_every_installation_type_in_several_cities() -> None:
    call_command("load_demo_catalog", verbosity=0)

    types = set(Item.objects.values_list("category__installation_type", flat=True))
    assert types == set(InstallationType.values)
    cities = set(Provider.objects.values_list("locations__city_name", flat=True))
    assert len(cities) >= 3
    assert {"COMMERCIAL", "RESIDENTIAL"} <= set(
        Item.objects.filter(category__code="solar_panel_installation").values_list(
            "property_type", flat=True
        )
    )


def _demo() -> dict:
    data = json.loads(DEMO_CATALOG.read_text())
    return {"providers": [data["providers"][0]]}


@pytest.mark.parametrize(
    "change, error",
    [
        (lambda p: p["items"][0].update(category="rocket_installation"), "unknown category"),
        (lambda p: p["items"][0].update(locations=["9"]), "unknown location id '9'"),
        (lambda p: p["items"][0].update(required_documents=["dna_sample"]), "unknown document"),
        (lambda p: p["items"][0].update(price="cheap"), "price must be a number"),
        (lambda p: p["items"][0].update(price="-5"), "greater than or equal to 0"),
        (lambda p: p["locations"][0].update(gps="somewhere"), "gps must be"),
        (lambda p: p["items"][0].update(property_type="CASTLE"), "not a valid choice"),
        (lambda p: p.pop("name"), "missing or malformed field 'name'"),
        (lambda p: p.update(founded_year="old"), "founded_year must be a whole number"),
        (lambda p: p.update(certifications="NABCEP"), "list of certification names"),
        (lambda p: p["items"][0].update(equipment="REC"), "equipment must be an object"),
        (lambda p: p["items"][0].update(warranty={"product_years": 99}), "less than or equal"),
    ],
)
def test_invalid_catalogs_are_refused_whole(change, error: str) -> None:
    data = _demo()
    change(data["providers"][0])

    with pytest.raises(ValidationError, match=error):
        catalog_import(data=data)

    assert not Provider.objects.exists()


def test_import_catalog_command_reports_errors_without_a_traceback(tmp_path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text("{}")
    with pytest.raises(Exception, match="list of 'providers'"):
        call_command("import_catalog", str(path))


def test_the_import_sets_whether_documents_come_before_the_order() -> None:
    data = _demo()
    data["providers"][0]["items"][0]["documents_required_before_confirm"] = True
    catalog_import(data=data)
    item_id = data["providers"][0]["items"][0]["id"]
    assert Item.objects.get(external_id=item_id).documents_required_before_confirm

    data["providers"][0]["items"][0]["documents_required_before_confirm"] = False
    catalog_import(data=data)
    assert not Item.objects.get(external_id=item_id).documents_required_before_confirm


def test_the_import_sets_who_the_installer_is_and_what_goes_on_the_roof() -> None:
    data = _demo()
    provider = data["providers"][0]
    provider.update(
        founded_year=2004,
        license_number="CSLB 1012345",
        certifications=["NABCEP PV Installation Professional"],
    )
    provider["items"][0].update(
        equipment={
            "panel": {"make": "Maxeon", "model": "7 420 W"},
            "inverter": {"make": "Enphase", "model": "IQ8M"},
        },
        warranty={"product_years": 25, "workmanship_years": 10},
    )
    catalog_import(data=data)

    installer = Provider.objects.get(external_id=provider["id"])
    assert (installer.founded_year, installer.license_number) == (2004, "CSLB 1012345")
    assert installer.certifications == ["NABCEP PV Installation Professional"]
    item = installer.items.get()
    assert item.equipment == [("Panels", "Maxeon 7 420 W"), ("Inverter", "Enphase IQ8M")]
    assert (item.product_warranty_years, item.workmanship_warranty_years) == (25, 10)
