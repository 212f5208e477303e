"""What the BPP remembers of the network beside the domain: which buyer app placed an order in
which transaction (OrderLink), and which providers an on_search listed (SearchListing). The
answers write them; beckn/selectors.py reads them."""

from collections.abc import Iterable
from typing import Any

from beckn.models import OrderLink, SearchListing
from orders.models import Order

JSON = dict[str, Any]


def order_link_create(*, order: Order, context: JSON) -> OrderLink:
    """Remember which buyer app placed `order` in which transaction, and where its callbacks go."""
    return OrderLink.objects.create(
        order=order,
        bap_id=context["bap_id"],
        bap_uri=context["bap_uri"],
        transaction_id=context["transaction_id"],
        context={
            name: context[name]
            for name in ("domain", "version", "location", "ttl")
            if name in context
        },
    )


def search_listing_record(*, context: JSON, provider_ids: Iterable[int]) -> None:
    """Remember which providers an on_search listed in the buyer app's transaction (once per
    transaction and provider; one INSERT, inside the transaction that composes the callback)."""
    listings = [
        SearchListing(
            provider_id=provider_id,
            bap_id=context["bap_id"],
            transaction_id=context["transaction_id"],
        )
        for provider_id in provider_ids
    ]
    if not listings:
        return
    SearchListing.objects.bulk_create(
        listings,
        ignore_conflicts=True,
    )
