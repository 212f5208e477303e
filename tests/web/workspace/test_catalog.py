"""An installer's catalog in the workspace, used over HTTP as its owner and dispatcher use it:
items created, edited, deactivated (and found, or not, by the network's search), service
locations, validation errors on the form, roles and tenancy."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import DocumentType, Item, Provider, ProviderMember, ServiceLocation
from catalog.selectors import OfferQuery, offer_search
from catalog.services import item_save, taxonomy_ensure
from tests.catalog.factories import (
    ItemFactory,
    ProviderFactory,
    ServiceLocationFactory,
    category,
    client_of,
    member,
)

pytestmark = pytest.mark.django_db
Role = ProviderMember.Role


@pytest.fixture
def provider() -> Provider:
    taxonomy_ensure()
    return ProviderFactory(name="Helios Solar", code="Helios_Solar")


@pytest.fixture
def san_francisco(provider: Provider) -> ServiceLocation:
    return ServiceLocationFactory(provider=provider)


@pytest.fixture
def owner(provider: Provider) -> Client:
    return client_of(member(provider).user)


def item_data(location: ServiceLocation, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Carport Solar Canopy",
        "external_id": "helios-carport-1",
        "code": "",
        "category": category("solar_panel_installation").pk,
        "short_desc": "A carport roofed with panels",
        "long_desc": "",
        "price_estimated_value": "18500.50",
        "currency": "usd",
        "system_capacity": "6KW",
        "property_type": "RESIDENTIAL",
        "installation_category": "NEW_INSTALLATION",
        "complexity": "MODERATE",
        "equipment_type": "SOLAR_PANEL",
        "empaneled": "on",
        "required_documents": [
            DocumentType.objects.get(code="id_proof").pk,
            DocumentType.objects.get(code="site_photos").pk,
        ],
        "documents_required_before_confirm": "on",
        "locations": [location.pk],
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def found(text: str = "", **criteria: Any) -> set[str]:
    return {
        item.external_id
        for provider in offer_search(OfferQuery(text=text, **criteria))
        for item in provider.matching_items
    }


def test_owner_creates_an_item_that_buyers_then_find(
    owner: Client, provider: Provider, san_francisco: ServiceLocation
) -> None:
    page = owner.get(reverse("workspace:item-new"))
    assert page.status_code == 200
    assert 'name="price_estimated_value"' in page.content.decode()

    response = owner.post(reverse("workspace:item-new"), item_data(san_francisco))

    assert response.status_code == 302
    assert response.url == reverse("workspace:catalog")
    item = Item.objects.get(provider=provider, external_id="helios-carport-1")
    assert item.code == "Carport_Solar_Canopy"  # derived from the name
    assert item.price_estimated_value == Decimal("18500.50")
    assert item.currency == "USD"
    assert (item.complexity, item.equipment_type, item.empaneled) == (
        "MODERATE",
        "SOLAR_PANEL",
        True,
    )
    assert {d.code for d in item.required_documents.all()} == {"id_proof", "site_photos"}
    assert item.documents_required_before_confirm is True
    assert list(item.locations.all()) == [san_francisco]
    assert [f.local_id for f in item.fulfillments.all()] == ["1"]  # an onsite visit
    # Buyer apps' searches find it: by its words, and by GPS within the location's radius.
    assert found("carport canopy") == {"helios-carport-1"}
    assert found("helios carport") == {"helios-carport-1"}
    assert found(latitude=37.78, longitude=-122.41) == {"helios-carport-1"}
    listed = owner.get(reverse("workspace:catalog")).content.decode()
    assert "Carport Solar Canopy" in listed and "$18,500.50" in listed


def test_the_form_shows_what_is_wrong_and_nothing_is_saved(
    owner: Client, provider: Provider, san_francisco: ServiceLocation
) -> None:
    other_location = ServiceLocationFactory(provider=ProviderFactory())
    response = owner.post(
        reverse("workspace:item-new"),
        item_data(
            san_francisco,
            price_estimated_value="0",
            currency="dollars",
            required_documents=None,
            external_id="bad id!",
            locations=[other_location.pk],
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a price above zero." in html
    assert "Ensure this value has at most 3 characters" in html
    assert "Select a valid choice" in html  # another installer's location is no choice
    assert "Choose the required documents, or let them come after the confirmation." in html
    assert Item.objects.count() == 0

    # With the fields right, the item id's own rule (the model's validator) speaks.
    response = owner.post(
        reverse("workspace:item-new"),
        item_data(san_francisco, external_id="bad id!", currency="EU1"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a three-letter currency code, e.g. USD." in html
    response = owner.post(reverse("workspace:item-new"), item_data(san_francisco, locations=[]))
    assert "Choose at least one service location." in response.content.decode()
    response = owner.post(
        reverse("workspace:item-new"), item_data(san_francisco, external_id="bad id!")
    )
    assert response.status_code == 400
    assert "Use letters, digits" in response.content.decode()
    assert Item.objects.count() == 0


def test_an_item_id_is_used_once_per_installer(
    owner: Client, provider: Provider, san_francisco: ServiceLocation
) -> None:
    ItemFactory(provider=provider, external_id="helios-carport-1", locations=[san_francisco])
    ItemFactory(provider=ProviderFactory(), external_id="other-1")

    response = owner.post(reverse("workspace:item-new"), item_data(san_francisco))
    assert response.status_code == 400
    assert "You already have an item helios-carport-1." in response.content.decode()

    # Another installer's ids are theirs: the same id is fine here.
    response = owner.post(
        reverse("workspace:item-new"), item_data(san_francisco, external_id="other-1")
    )
    assert response.status_code == 302


def test_owner_edits_an_item_and_search_follows(
    owner: Client, provider: Provider, san_francisco: ServiceLocation
) -> None:
    item = ItemFactory(
        provider=provider,
        external_id="helios-roof",
        name="Rooftop Setup",
        locations=[san_francisco],
    )
    page = owner.get(reverse("workspace:item-edit", kwargs={"item_id": item.pk}))
    assert page.status_code == 200
    assert 'value="Rooftop Setup"' in page.content.decode()

    response = owner.post(
        reverse("workspace:item-edit", kwargs={"item_id": item.pk}),
        item_data(
            san_francisco,
            name="Ground Mount Array",
            external_id="renamed",  # the published id stays (the field is disabled)
            code="Ground_Mount",
            price_estimated_value="9999",
            required_documents=None,
            documents_required_before_confirm=None,
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.external_id, item.name, item.code, item.price_estimated_value) == (
        "helios-roof",
        "Ground Mount Array",
        "Ground_Mount",
        Decimal("9999"),
    )
    assert not item.required_documents.exists()
    assert Item.objects.count() == 1
    assert found("ground mount") == {"helios-roof"}
    assert found("rooftop") == set()


def test_owner_deactivates_an_item_with_htmx_and_activates_it_again(
    owner: Client, provider: Provider, san_francisco: ServiceLocation
) -> None:
    item = ItemFactory(provider=provider, name="Rooftop Setup", locations=[san_francisco])
    url = reverse("workspace:item-deactivate", kwargs={"item_id": item.pk})
    assert found("rooftop") == {item.external_id}

    response = owner.post(url, headers={"HX-Request": "true"})

    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith(f'<tr id="item-{item.pk}" class="inactive">')
    assert "Activate" in row and "Inactive" in row
    item.refresh_from_db()
    assert item.is_active is False
    assert found("rooftop") == set()

    response = owner.post(url, {"active": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_active is True
    assert found("rooftop") == {item.external_id}
    assert owner.get(url).status_code == 405


def location_data(**changes: str) -> dict[str, str]:
    return {
        "city_name": "Oakland",
        "city_code": "NANP:510",
        "state": "CA",
        "country_code": "usa",
        "address": "1 Broadway",
        "area_code": "94607",
        "latitude": "37.8044",
        "longitude": "-122.2712",
        "service_radius_km": "25",
        "local_id": "",
        **changes,
    }


def test_owner_adds_and_edits_service_locations(owner: Client, provider: Provider) -> None:
    ServiceLocationFactory(provider=provider, local_id="7")
    data = location_data()

    response = owner.post(reverse("workspace:location-new"), data)

    assert response.status_code == 302
    oakland = ServiceLocation.objects.get(provider=provider, city_name="Oakland")
    assert oakland.local_id == "8"  # the next number
    assert oakland.country_code == "USA"
    assert oakland.latitude == Decimal("37.804400")

    url = reverse("workspace:location-edit", kwargs={"location_id": oakland.pk})
    response = owner.post(url, {**data, "local_id": "8", "service_radius_km": "40"})
    assert response.status_code == 302
    oakland.refresh_from_db()
    assert oakland.service_radius_km == Decimal("40")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"service_radius_km": "0"}, "Enter a radius above 0 and at most 500 km."),
        ({"service_radius_km": "501"}, "Enter a radius above 0 and at most 500 km."),
        ({"longitude": ""}, "Give both latitude and longitude, or neither."),
        ({"latitude": "91"}, "Ensure this value is less than or equal to 90."),
        ({"city_name": ""}, "This field is required."),
        ({"local_id": "7"}, "You already have a service location 7."),
    ],
)
def test_service_location_validation(
    owner: Client, provider: Provider, changes: dict[str, str], message: str
) -> None:
    ServiceLocationFactory(provider=provider, local_id="7")
    response = owner.post(reverse("workspace:location-new"), location_data(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ServiceLocation.objects.filter(provider=provider).count() == 1


def test_dispatcher_sees_the_catalog_but_cannot_change_it(
    provider: Provider, san_francisco: ServiceLocation
) -> None:
    item = ItemFactory(provider=provider, name="Rooftop Setup", locations=[san_francisco])
    dispatcher = client_of(member(provider, Role.DISPATCHER).user)

    page = dispatcher.get(reverse("workspace:catalog"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rooftop Setup" in html
    assert reverse("workspace:item-new") not in html
    assert "Deactivate" not in html

    edit = reverse("workspace:item-edit", kwargs={"item_id": item.pk})
    deactivate = reverse("workspace:item-deactivate", kwargs={"item_id": item.pk})
    location = reverse("workspace:location-edit", kwargs={"location_id": san_francisco.pk})
    assert dispatcher.get(reverse("workspace:item-new")).status_code == 403
    assert dispatcher.get(edit).status_code == 403
    assert dispatcher.post(edit, item_data(san_francisco, name="Changed")).status_code == 403
    assert dispatcher.post(deactivate).status_code == 403
    assert dispatcher.post(location, {"city_name": "Elsewhere"}).status_code == 403
    item.refresh_from_db()
    assert (item.name, item.is_active) == ("Rooftop Setup", True)


def test_technicians_and_strangers_do_not_see_the_catalog(provider: Provider) -> None:
    technician = client_of(member(provider, Role.TECHNICIAN).user)
    assert technician.get(reverse("workspace:catalog")).status_code == 403
    response = Client().get(reverse("workspace:catalog"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_another_installers_items_and_locations_answer_404(
    owner: Client, provider: Provider
) -> None:
    theirs = ItemFactory(provider=ProviderFactory(), name="Their Setup")
    their_location = theirs.locations.get()
    urls = [
        reverse("workspace:item-edit", kwargs={"item_id": theirs.pk}),
        reverse("workspace:item-deactivate", kwargs={"item_id": theirs.pk}),
        reverse("workspace:location-edit", kwargs={"location_id": their_location.pk}),
    ]
    for url in urls:
        assert owner.get(url).status_code == 404, url
        assert owner.post(url, {"name": "Taken", "city_name": "Taken"}).status_code == 404, url
    theirs.refresh_from_db()
    their_location.refresh_from_db()
    assert (theirs.name, theirs.is_active, their_location.city_name) == (
        "Their Setup",
        True,
        "San Francisco",
    )
    assert "Their Setup" not in owner.get(reverse("workspace:catalog")).content.decode()


def test_the_catalog_page_takes_the_same_queries_however_many_items(
    owner: Client, provider: Provider, san_francisco: ServiceLocation, django_assert_num_queries
) -> None:
    ItemFactory(provider=provider, locations=[san_francisco])
    with CaptureQueriesContext(connection) as one_item:
        owner.get(reverse("workspace:catalog"))
    for _ in range(5):
        ItemFactory(provider=provider, locations=[san_francisco])

    with django_assert_num_queries(len(one_item)):
        response = owner.get(reverse("workspace:catalog"))
    assert response.content.decode().count('<tr id="item-') == 6


def test_item_save_keeps_the_published_id_and_the_installers_own_locations(
    provider: Provider, san_francisco: ServiceLocation
) -> None:
    item = ItemFactory(provider=provider, external_id="helios-roof", locations=[san_francisco])
    values = {"external_id": "renamed", "name": "Renamed"}

    with pytest.raises(ValidationError) as renamed:
        item_save(
            provider=provider,
            item=item,
            values=values,
            locations=[san_francisco],
            required_documents=[],
        )
    assert "cannot change" in renamed.value.message_dict["external_id"][0]

    with pytest.raises(ValidationError) as elsewhere:
        item_save(
            provider=provider,
            item=item,
            values={"name": "Renamed"},
            locations=[ServiceLocationFactory(provider=ProviderFactory())],
            required_documents=[],
        )
    assert "locations" in elsewhere.value.message_dict
    with pytest.raises(ValidationError):  # another installer's item
        item_save(
            provider=ProviderFactory(),
            item=item,
            values={"name": "Taken"},
            locations=[],
            required_documents=[],
        )
    item.refresh_from_db()
    assert (item.external_id, item.name) == ("helios-roof", "Rooftop Solar Setup")
