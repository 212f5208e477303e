"""The fragments are never stale: after each kind of catalog write the next search answers as
the catalog's models do, and shows the change. The fragments are first stored for the whole
demo catalog, so a write that left one behind would fail here."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from beckn.fragments import catalog_answer, fragments_render, fragments_store
from beckn.fragments.search import matching_rows
from beckn.models import ItemFragment
from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ServiceLocation,
)
from catalog.selectors import OfferQuery
from catalog.services import (
    catalog_generate,
    catalog_import,
    item_active_set,
    item_save,
    provider_logo_set,
    provider_photo_add,
    provider_photo_remove,
    service_location_save,
)
from catalog.services.demo_pictures import demo_logo, demo_photos
from catalog.signals import catalog_changed
from tests.beckn.fragments import assert_same_answer, valid_fragments
from tests.catalog.factories import FulfillmentFactory
from tests.ratings.factories import CompletedOrderFactory, rate

EVERYTHING = OfferQuery()
DEMO_CATALOG = "catalog/fixtures/demo_catalog.json"


def item(external_id: str = "ggs-comm-001") -> Item:
    return Item.objects.get(external_id=external_id)


def provider(external_id: str = "goldengate_solar_sf") -> Provider:
    return Provider.objects.get(external_id=external_id)


def listed_provider(message: dict, external_id: str = "goldengate_solar_sf") -> dict | None:
    return next(
        (p for p in message["catalog"]["providers"] if p["id"] == external_id),
        None,
    )


def listed_item(message: dict, external_id: str = "ggs-comm-001") -> dict | None:
    return next(
        (i for p in message["catalog"]["providers"] for i in p["items"] if i["id"] == external_id),
        None,
    )


def required_docs(item: dict) -> str:
    group = next(t for t in item["tags"] if t["descriptor"]["code"] == "documentation")
    return group["list"][0]["value"]


def item_edited() -> Callable[[dict], bool]:
    target = item()
    item_save(
        provider=target.provider,
        values={"name": "Renamed Array", "price_estimated_value": Decimal("123456.50")},
        locations=target.locations.all(),
        required_documents=target.required_documents.all(),
        item=target,
    )
    return lambda m: listed_item(m)["descriptor"]["name"] == "Renamed Array"


def item_locations_set() -> Callable[[dict], bool]:
    target = item()
    item_save(
        provider=target.provider,
        values={},
        locations=target.locations.filter(local_id="2"),
        required_documents=target.required_documents.all(),
        item=target,
    )
    return lambda m: listed_item(m)["location_ids"] == ["2"]


def item_documents_set() -> Callable[[dict], bool]:
    target = item()
    item_save(
        provider=target.provider,
        values={},
        locations=target.locations.all(),
        required_documents=DocumentType.objects.filter(code="id_proof"),
        item=target,
    )
    name = DocumentType.objects.get(code="id_proof").name
    return lambda m: required_docs(listed_item(m)) == name


def item_fulfillment_added() -> Callable[[dict], bool]:
    target = item()
    target.fulfillments.add(FulfillmentFactory(provider=target.provider, local_id="2"))
    return lambda m: listed_item(m)["fulfillment_ids"] == ["1", "2"]


def location_items_removed_from_its_side() -> Callable[[dict], bool]:
    location = ServiceLocation.objects.get(provider=provider(), local_id="1")
    location.items.remove(item())
    return lambda m: listed_item(m)["location_ids"] == ["2"]


def location_items_cleared_from_its_side() -> Callable[[dict], bool]:
    ServiceLocation.objects.get(provider=provider(), local_id="2").items.clear()
    return lambda m: listed_item(m)["location_ids"] == ["1"]


def document_type_renamed() -> Callable[[dict], bool]:
    document = DocumentType.objects.get(code="id_proof")
    document.name = "Photo ID of the owner"
    document.save()
    return lambda m: required_docs(listed_item(m)).startswith("Photo ID of the owner, ")


def category_renamed() -> Callable[[dict], bool]:
    solar = Category.objects.get(code="solar_panel_installation")
    solar.name = "Solar PV"
    solar.save()
    return lambda m: (
        {"code": "solar_panel_installation", "name": "Solar PV"}
        in [c["descriptor"] for c in listed_provider(m)["categories"]]
    )


def location_edited() -> Callable[[dict], bool]:
    location = ServiceLocation.objects.get(provider=provider(), local_id="2")
    service_location_save(
        provider=location.provider,
        values={"city_name": "Daly City", "address": "1 Hill Rd"},
        location=location,
    )
    return lambda m: "Daly City" in [loc["city"]["name"] for loc in listed_provider(m)["locations"]]


def location_deleted() -> Callable[[dict], bool]:
    ServiceLocation.objects.get(provider=provider(), local_id="2").delete()
    return lambda m: [loc["id"] for loc in listed_provider(m)["locations"]] == ["1"]


def fulfillment_renumbered() -> Callable[[dict], bool]:
    fulfillment = Fulfillment.objects.get(provider=provider(), local_id="1")
    fulfillment.local_id = "7"
    fulfillment.save()
    return lambda m: listed_item(m)["fulfillment_ids"] == ["7"]


def provider_renamed() -> Callable[[dict], bool]:
    installer = provider()
    installer.name = "Golden Gate Solar & Storage"
    installer.save()
    return lambda m: listed_provider(m)["descriptor"]["name"] == "Golden Gate Solar & Storage"


def rating_recorded() -> Callable[[dict], bool]:
    rate(CompletedOrderFactory(provider=provider(), items=[item()]), "1")
    # 4.7 from 312 imported ratings, then one vote of 1: (4.7 x 312 + 1) / 313.
    return lambda m: (
        listed_provider(m)["rating"] == "4.69/5"
        and {
            "descriptor": {"code": "rating_count"},
            "value": "313",
        }
        in listed_provider(m)["tags"][0]["list"]
    )


def image_added() -> Callable[[dict], bool]:
    ProviderImage.objects.create(provider=provider(), url="https://example.com/new.png", position=9)
    return lambda m: listed_provider(m)["descriptor"]["images"][-1]["url"].endswith("new.png")


def images_removed_pictures_shown() -> Callable[[dict], bool]:
    provider().images.all().delete()
    return lambda m: "/media/" in listed_provider(m)["descriptor"]["images"][0]["url"]


def logo_changed() -> Callable[[dict], bool]:
    installer = provider()
    installer.images.all().delete()
    before = json.dumps(catalog_answer(EVERYTHING).message)
    provider_logo_set(provider=installer, data=demo_logo(name="Other", seed=99))
    return lambda m: installer.logo.url in json.dumps(m) and installer.logo.url not in before


def photo_added_and_removed() -> Callable[[dict], bool]:
    installer = provider()
    installer.images.all().delete()
    catalog_answer(EVERYTHING)
    photo = provider_photo_add(provider=installer, data=demo_photos(seed=5, solar=True)[0])
    url = photo.image.url
    assert url in json.dumps(assert_same_answer(EVERYTHING, None))
    provider_photo_remove(photo=provider().photos.get(pk=photo.pk))
    return lambda m: url not in json.dumps(m)


def item_deactivated() -> Callable[[dict], bool]:
    item_active_set(item=item(), is_active=False)
    return lambda m: listed_item(m) is None


def item_deleted() -> Callable[[dict], bool]:
    item("ggs-bat-001").delete()
    return lambda m: listed_item(m, "ggs-bat-001") is None


def provider_deactivated() -> Callable[[dict], bool]:
    installer = provider()
    installer.is_active = False
    installer.save()
    return lambda m: listed_provider(m) is None


def catalog_imported() -> Callable[[dict], bool]:
    with open(DEMO_CATALOG) as demo:
        data = json.load(demo)
    golden = next(p for p in data["providers"] if p["id"] == "goldengate_solar_sf")
    golden["name"] = "Golden Gate Solar (imported)"
    golden["rating"] = "4.2"
    golden["items"][2]["price"] = 9999
    golden["locations"][1]["city_name"] = "Burlingame"
    catalog_import(data={"providers": [golden]})
    return lambda m: (
        listed_provider(m)["descriptor"]["name"] == "Golden Gate Solar (imported)"
        and listed_provider(m)["rating"] == "4.2/5"
        and listed_item(m, "ggs-bat-001")["price"]["estimated_value"] == "9999"
        and "Burlingame" in json.dumps(listed_provider(m)["locations"])
    )


WRITES = [
    item_edited,
    item_locations_set,
    item_documents_set,
    item_fulfillment_added,
    location_items_removed_from_its_side,
    location_items_cleared_from_its_side,
    document_type_renamed,
    category_renamed,
    location_edited,
    location_deleted,
    fulfillment_renumbered,
    provider_renamed,
    rating_recorded,
    image_added,
    images_removed_pictures_shown,
    logo_changed,
    photo_added_and_removed,
    item_deactivated,
    item_deleted,
    provider_deactivated,
    catalog_imported,
]


def all_fragments_stored() -> dict[str, Any]:
    message = assert_same_answer(EVERYTHING, None)
    assert valid_fragments() == (
        Item.objects.filter(is_active=True).count(),
        Provider.objects.filter(is_active=True).count(),
    )
    return message


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_the_next_search_shows_each_kind_of_write(demo_catalog: None, write: Callable) -> None:
    before = all_fragments_stored()

    shows_the_change = write()

    after = assert_same_answer(EVERYTHING, None)
    assert after != before
    assert shows_the_change(after)
    for query in (OfferQuery(text="solar"), OfferQuery(city_name="San Francisco")):
        assert_same_answer(query)


@pytest.mark.parametrize(
    "write", [item_edited, provider_renamed, category_renamed, rating_recorded]
)
def test_a_write_invalidates_the_fragments_inside_its_transaction_and_renders_them_after(
    demo_catalog: None, write: Callable, django_capture_on_commit_callbacks: Any
) -> None:
    all_fragments_stored()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write()
        # Invalid before the commit: a crash after it leaves a fragment invalid, never wrong.
        assert valid_fragments() != (Item.objects.count(), Provider.objects.count())
    # Rendered again once committed, as the models show them.
    assert valid_fragments() == (Item.objects.count(), Provider.objects.count())
    stored = catalog_answer(EVERYTHING)
    assert stored.message == assert_same_answer(EVERYTHING, None)


def test_a_rolled_back_write_leaves_the_fragments_it_invalidated_in_place(
    demo_catalog: None,
) -> None:
    before = all_fragments_stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        provider_renamed()
        raise RuntimeError("rolled back")
    assert valid_fragments() == (Item.objects.count(), Provider.objects.count())
    assert catalog_answer(EVERYTHING).message == before


def test_a_rolled_back_bulk_write_leaves_nothing_for_the_next_commit_to_skip(
    demo_catalog: None, django_capture_on_commit_callbacks: Any
) -> None:
    """What a rolled-back transaction invalidated is not rendered by the next commit, which
    renders its own ids whatever came before (a leftover of more than REBUILD_MAX_ITEMS ids
    once made it render none)."""
    all_fragments_stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        catalog_changed.send(sender=Item, item_ids=list(range(10**6, 10**6 + 600)), provider_ids=[])
        raise RuntimeError("rolled back")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        item_edited()
    assert valid_fragments() == (Item.objects.count(), Provider.objects.count())


def test_catalog_changed_invalidates_what_an_update_wrote(demo_catalog: None) -> None:
    """A QuerySet.update sends no model signal: the write sends catalog_changed."""
    all_fragments_stored()
    target = item()
    Item.objects.filter(pk=target.pk).update(name="Updated in bulk")
    Provider.objects.filter(pk=target.provider_id).update(name="Bulk Provider")
    catalog_changed.send(sender=Item, provider_ids=[target.provider_id], item_ids=[target.pk])
    message = assert_same_answer(EVERYTHING, None)
    assert listed_item(message)["descriptor"]["name"] == "Updated in bulk"


def test_a_generated_catalog_says_what_it_wrote(db: None) -> None:
    said: list[dict] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        said.append(kwargs)

    catalog_changed.connect(receiver, dispatch_uid="test-generated")
    try:
        result = catalog_generate(items=30, providers=3, seed=11)
    finally:
        catalog_changed.disconnect(dispatch_uid="test-generated")
    assert sorted(i for s in said for i in s["provider_ids"]) == sorted(
        Provider.objects.values_list("pk", flat=True)
    )
    assert len({i for s in said for i in s["item_ids"]}) == result.items == Item.objects.count()
    assert all(s["created"] for s in said)  # new rows: nothing to invalidate
    assert_same_answer(EVERYTHING, None)


@pytest.mark.parametrize("row", ["missing", "invalidated"])
def test_a_rendering_that_read_before_a_write_never_stores_over_it(
    demo_catalog: None, row: str
) -> None:
    """A search reads the rows' tokens, then renders from the catalog as it was; a write commits
    meanwhile; the search's store must leave the write's invalidation in place."""
    all_fragments_stored()
    target = item()
    if row == "missing":  # as after a crash, or never rendered
        ItemFragment.objects.filter(pk=target.pk).delete()
    else:  # an earlier write's invalidation, not rendered again yet
        Item.objects.get(pk=target.pk).save()
    tokens = {r[0]: r[4] for r in matching_rows(EVERYTHING, limit=None) if r[0] == target.pk}
    items, providers = fragments_render(item_ids=tokens)
    assert items[0].document  # rendered from the catalog before the write

    shows_the_change = item_edited()  # commits between the search's read and its store
    fragments_store(items, providers, seen_items=tokens, seen_providers={})

    assert not ItemFragment.objects.get(pk=target.pk).document  # still invalid
    assert shows_the_change(assert_same_answer(EVERYTHING, None))
