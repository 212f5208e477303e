"""What offer_search loads with the items: the same as select_related / prefetch_related."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import DocumentType
from catalog.selectors import OfferQuery, offer_search
from tests.catalog.factories import (
    FulfillmentFactory,
    ItemFactory,
    ProviderFactory,
    ServiceLocationFactory,
    category,
)

pytestmark = pytest.mark.django_db


def test_items_carry_their_relations_in_model_order() -> None:
    provider = ProviderFactory()
    second = ServiceLocationFactory(provider=provider, local_id="2", city_name="Oakland")
    first = ServiceLocationFactory(provider=provider, local_id="1")
    fulfillment = FulfillmentFactory(provider=provider)
    item = ItemFactory(
        external_id="x", provider=provider, locations=[second, first], fulfillments=[fulfillment]
    )
    documents = list(DocumentType.objects.filter(code__in=["site_photos", "id_proof"]))
    item.required_documents.set(documents)
    ItemFactory(external_id="y", provider=provider, locations=[second])

    [found] = offer_search(OfferQuery())
    x, y = found.matching_items

    assert found.pk == provider.pk
    assert x.provider is found and y.provider is found
    assert x.category == category("solar_panel_installation")
    assert [loc.local_id for loc in x.locations.all()] == ["1", "2"]
    assert [loc.local_id for loc in y.locations.all()] == ["2"]
    assert [f.pk for f in x.fulfillments.all()] == [fulfillment.pk]
    assert [d.code for d in x.required_documents.all()] == ["id_proof", "site_photos"]
    assert list(y.required_documents.all()) == []
    # A further filter still means "among this item's rows".
    assert [loc.local_id for loc in y.locations.filter(city_name="San Francisco")] == []
    assert [loc.local_id for loc in x.locations.filter(city_name="Oakland")] == ["2"]


def test_providers_come_in_name_order_with_their_images() -> None:
    beta = ProviderFactory(name="Beta Solar")
    alpha = ProviderFactory(name="Alpha Solar")
    alpha.images.create(url="https://alpha.example/logo.png")
    ItemFactory(external_id="b", provider=beta)
    ItemFactory(external_id="a2", provider=alpha)
    ItemFactory(external_id="a1", provider=alpha)

    providers = offer_search(OfferQuery())

    assert [p.name for p in providers] == ["Alpha Solar", "Beta Solar"]
    assert [i.external_id for i in providers[0].matching_items] == ["a2", "a1"]  # by id
    assert [image.url for image in providers[0].images.all()] == ["https://alpha.example/logo.png"]


def count_queries(query: OfferQuery) -> int:
    with CaptureQueriesContext(connection) as captured:
        offer_search(query)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_results() -> None:
    ItemFactory(external_id="one", name="Lonely Setup")
    for n in range(4):
        provider = ProviderFactory()
        for m in range(5):
            ItemFactory(external_id=f"many-{n}-{m}", provider=provider, name="Crowded Setup")

    assert count_queries(OfferQuery(text="lonely")) == count_queries(OfferQuery(text="crowded"))
    assert count_queries(OfferQuery(text="nothing")) == 1
