"""Renaming a provider, an item or a category is seen by the next search, whatever the write path.

On PostgreSQL this checks the triggers that keep Item.search_vector current (migration 0004);
on SQLite the search reads the live columns, so the same expectations hold.
"""

import json
from typing import Any

import pytest
from django.urls import reverse

from catalog.management.commands.load_demo_catalog import DEMO_CATALOG
from catalog.models import Category, Item, Provider
from catalog.selectors import OfferQuery, offer_search
from catalog.services import catalog_import
from tests.catalog.factories import ItemFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def ids(text: str) -> set[str]:
    return {i.external_id for p in offer_search(OfferQuery(text=text)) for i in p.matching_items}


def sunpower() -> dict[str, Any]:
    data = json.loads(DEMO_CATALOG.read_text())
    return {"providers": [data["providers"][0]]}


def test_catalog_import_refreshes_provider_and_item_text() -> None:
    data = sunpower()
    catalog_import(data=data)
    assert ids("sunpower rooftop") == {"sp-resi-001"}

    provider = data["providers"][0]
    provider.update(name="Helios Installers", code="Helios_Installers")
    provider["items"][0].update(name="2kW Carport Solar Setup", code="2kW_Carport_Solar")
    catalog_import(data=data)

    assert ids("sunpower") == set()
    assert ids("rooftop") == set()
    assert ids("helios carport") == {"sp-resi-001"}


def test_bulk_updates_refresh_the_text_too() -> None:
    provider = ProviderFactory(name="Old Name Solar")
    ItemFactory(external_id="a", provider=provider, name="Rooftop Setup")
    ItemFactory(external_id="b", provider=provider, name="Carport Setup")

    Provider.objects.filter(pk=provider.pk).update(name="Zenith Energy")
    Item.objects.filter(external_id="b").update(name="Ground Mount Setup")

    assert ids("zenith") == {"a", "b"}
    assert ids("old name") == set()
    assert ids("ground mount") == {"b"}
    assert ids("carport") == set()


def test_renaming_a_category_refreshes_its_items() -> None:
    ItemFactory(external_id="solar", name="Rooftop Setup")

    Category.objects.filter(code="solar_panel_installation").update(
        name="Photovoltaic Work", code="pv_work"
    )

    assert ids("photovoltaic") == {"solar"}
    assert ids("pv_work") == {"solar"}
    assert ids("panel") == set()


def test_moving_an_item_to_another_provider_refreshes_it() -> None:
    item = ItemFactory(external_id="moved", name="Rooftop Setup")
    item.provider = ProviderFactory(name="Quasar Installers")
    item.save()

    assert ids("quasar rooftop") == {"moved"}


def change_form_data(response: Any) -> dict[str, Any]:
    """The POST data of an admin change form as it was rendered (main form and inlines)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def admin_save(client: Any, obj: Any, **changes: str) -> None:
    url = reverse(f"admin:catalog_{obj._meta.model_name}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_admin_edits_refresh_the_text(admin_client: Any) -> None:
    catalog_import(data=sunpower())
    provider = Provider.objects.get(external_id="sunpower_sf")
    item = Item.objects.get(external_id="sp-resi-001")

    admin_save(admin_client, provider, name="Nimbus Solar", code="Nimbus_Solar")
    assert ids("nimbus") == {"sp-resi-001"}
    assert ids("sunpower") == set()

    admin_save(admin_client, item, name="Balcony Solar Kit", code="Balcony_Kit")
    assert ids("nimbus balcony") == {"sp-resi-001"}
    assert ids("rooftop") == set()
    # The edit went through the admin's forms: the item kept its links.
    [found] = offer_search(OfferQuery(text="balcony"))
    [offered] = found.matching_items
    assert [loc.local_id for loc in offered.locations.all()] == ["1"]
    assert len(offered.required_documents.all()) == 5
