"""A search renders the fragments it misses (deleted, never stored, or of another format: another
version of the program or another SITE_URL), answers as the models do and stores them again."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from beckn.fragments import catalog_answer, fragment_format
from beckn.models import ItemFragment, ProviderFragment
from catalog.models import Item, Provider
from catalog.selectors import OfferQuery
from tests.beckn.fragments import assert_same_answer, valid_fragments

EVERYTHING = OfferQuery()


stored = valid_fragments


def test_deleted_fragments_are_rendered_by_the_next_search_and_stored(demo_catalog: None) -> None:
    first = assert_same_answer(EVERYTHING, None)
    ItemFragment.objects.filter(item__external_id__startswith="ggs-").delete()
    ProviderFragment.objects.all().delete()

    again = assert_same_answer(EVERYTHING, None)

    assert again == first
    assert stored() == (Item.objects.count(), Provider.objects.count())


def test_a_missed_fragment_costs_one_batch_however_many_are_missing(demo_catalog: None) -> None:
    ItemFragment.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        catalog_answer(EVERYTHING, limit=None)
    # The search, the items (+ locations, fulfillments, documents), the providers (+ images,
    # photos), the stores in a savepoint.
    assert len(queries) <= 12, [q["sql"] for q in queries]
    assert stored() == (Item.objects.count(), Provider.objects.count())


def test_fragments_of_another_format_are_rendered_again(demo_catalog: None) -> None:
    first = assert_same_answer(EVERYTHING, None)
    ItemFragment.objects.update(format="old", document="[broken")
    ProviderFragment.objects.filter(pk=Provider.objects.order_by("pk")[0].pk).update(
        format="old", document="{}"
    )

    assert assert_same_answer(EVERYTHING, None) == first
    assert stored() == (Item.objects.count(), Provider.objects.count())


def test_another_site_url_is_another_format(demo_catalog: None, settings: Any) -> None:
    Provider.objects.first().images.all().delete()  # its logo and photos are shown: SITE_URL
    assert_same_answer(EVERYTHING, None)
    before = fragment_format()

    settings.SITE_URL = "https://installers.example.org"

    assert fragment_format() != before
    message = assert_same_answer(EVERYTHING, None)
    assert "https://installers.example.org/media/" in str(message)
