"""A buyer app's searches over HTTP see every catalog write at once: a live server, a real
Celery worker composing on_search from the stored fragments, and a BAP that verifies each
callback."""

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from beckn.fragments import fragment_format
from beckn.models import ItemFragment, ProviderFragment
from catalog.models import Category, Item, Provider
from catalog.selectors import OfferQuery
from catalog.services import item_active_set, item_save
from tests.beckn.fragments import from_models
from tests.beckn.test_search_callbacks import on_search
from tests.conftest import Bap
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked")]

GOLDEN = "goldengate_solar_sf"


def golden_on_search(live_server: Any, bap: Bap, bpp_public_key: str) -> dict:
    """The verified on_search of a search for Golden Gate's offers; it equals the models'."""
    payload = bap.request()
    payload["message"]["intent"] = {"provider": {"id": GOLDEN}}
    message = on_search(live_server, bap, payload, bpp_public_key)["message"]
    expected = from_models(OfferQuery(provider_external_id=GOLDEN), settings.BECKN_SEARCH_MAX_ITEMS)
    assert message == expected
    return message["catalog"]["providers"][0]


def test_each_write_shows_in_the_next_on_search(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    golden = Provider.objects.get(external_id=GOLDEN)
    first = golden_on_search(live_server, bap, bpp_public_key)
    assert [i["id"] for i in first["items"]] == ["ggs-resi-001", "ggs-comm-001", "ggs-bat-001"]
    # The worker stored what it rendered.
    form = fragment_format()
    assert ItemFragment.objects.filter(item__provider=golden, format=form).count() == 3
    assert ProviderFragment.objects.filter(pk=golden.pk, format=form).exists()

    # The installer edits an item in its workspace (rendered again after the commit).
    array = Item.objects.get(external_id="ggs-comm-001")
    item_save(
        provider=golden,
        values={"name": "300kW Commercial Array", "price_estimated_value": Decimal("301000")},
        locations=array.locations.all(),
        required_documents=array.required_documents.all(),
        item=array,
    )
    assert ItemFragment.objects.filter(pk=array.pk, format=form).exists()
    answer = golden_on_search(live_server, bap, bpp_public_key)
    edited = next(i for i in answer["items"] if i["id"] == "ggs-comm-001")
    assert edited["descriptor"]["name"] == "300kW Commercial Array"
    assert edited["price"]["estimated_value"] == "301000"

    # The installer is renamed and rated; a category is renamed.
    golden.name = "Golden Gate Solar & Storage"
    golden.save()
    rate(CompletedOrderFactory(provider=golden, items=[array]), "5")
    battery = Category.objects.get(code="battery_system_installation")
    battery.name = "Home batteries"
    battery.save()
    answer = golden_on_search(live_server, bap, bpp_public_key)
    assert answer["descriptor"]["name"] == "Golden Gate Solar & Storage"
    assert answer["rating"] == "4.7/5"  # (4.7 x 312 + 5) / 313, rounded
    assert {"descriptor": {"code": "rating_count"}, "value": "313"} in answer["tags"][0]["list"]
    assert {"code": "battery_system_installation", "name": "Home batteries"} in [
        c["descriptor"] for c in answer["categories"]
    ]

    # An item stops being offered; then fragments vanish (as after a crash before rendering).
    item_active_set(item=array, is_active=False)
    ItemFragment.objects.all().delete()
    ProviderFragment.objects.all().delete()
    answer = golden_on_search(live_server, bap, bpp_public_key)
    assert [i["id"] for i in answer["items"]] == ["ggs-resi-001", "ggs-bat-001"]
    assert ItemFragment.objects.filter(item__provider=golden, format=form).count() == 2
