"""What an order would cost: the quote of an installer's items, shared by every front door."""

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Fulfillment, Item, Provider
from orders.errors import FulfillmentUnavailable, ItemNotFound, ProviderNotFound


@dataclass(frozen=True)
class Quote:
    """What an installer offers for the chosen items, with the way it will deliver them."""

    provider: Provider
    items: list[Item]
    fulfillment: Fulfillment
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((item.price_estimated_value for item in self.items), Decimal(0))

    @property
    def breakup(self) -> list[tuple[str, Decimal]]:
        return charge_breakup([(item.name, item.price_estimated_value) for item in self.items])


def charge_breakup(priced_items: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """The lines of a quote: one installation charge, or a line per item when there are several."""
    if len(priced_items) == 1:
        return [("Installation Charge", priced_items[0][1])]
    return priced_items


def offer_quote(
    *, provider_external_id: str, item_external_ids: list[str], fulfillment_local_id: str = ""
) -> Quote:
    """Price the items of one installer. Raises ProviderNotFound, ItemNotFound or
    FulfillmentUnavailable."""
    provider = Provider.objects.filter(external_id=provider_external_id, is_active=True).first()
    if provider is None:
        raise ProviderNotFound(f"No installer {provider_external_id!r} on this platform.")
    found = {
        item.external_id: item
        for item in Item.objects.filter(
            provider=provider, external_id__in=item_external_ids, is_active=True
        )
        .select_related("category")
        .prefetch_related("required_documents", "locations", "fulfillments")
    }
    missing = [item_id for item_id in item_external_ids if item_id not in found]
    if missing or not item_external_ids:
        raise ItemNotFound(f"{provider.name} offers no item {', '.join(missing) or '(none)'}.")
    items = [found[item_id] for item_id in dict.fromkeys(item_external_ids)]
    currencies = {item.currency for item in items}
    if len(currencies) > 1:
        raise ItemNotFound("The items are priced in different currencies; order them apart.")
    offered = set.intersection(*(set(i.fulfillments.all()) for i in items))
    if fulfillment_local_id:
        chosen = [f for f in offered if f.local_id == fulfillment_local_id]
        if not chosen:
            raise FulfillmentUnavailable(
                f"{provider.name} does not deliver these items by fulfillment "
                f"{fulfillment_local_id!r}."
            )
        fulfillment = chosen[0]
    elif offered:
        fulfillment = min(offered, key=lambda f: f.local_id)
    else:
        raise FulfillmentUnavailable(f"{provider.name} has no fulfillment for these items.")
    return Quote(provider=provider, items=items, fulfillment=fulfillment, currency=currencies.pop())


def item_quote(item_id: int) -> Quote:
    """The quote of one item on offer, by its id (the homeowner pages' links). Raises
    ItemNotFound for an item that is not (or no longer) offered."""
    item = (
        Item.objects.select_related("provider")
        .filter(pk=item_id, is_active=True, provider__is_active=True)
        .first()
    )
    if item is None:
        raise ItemNotFound(f"No installation {item_id} on offer.")
    return offer_quote(
        provider_external_id=item.provider.external_id, item_external_ids=[item.external_id]
    )


def quote_time_zone(quote: Quote) -> str:
    """The time zone of the site a quote's work happens at, as the installer knows it: that of
    the first located place serving its first item, else of the installer's first place ('' when
    none has one)."""
    for location in quote.items[0].locations.exclude(time_zone="").order_by("id")[:1]:
        return location.time_zone
    for location in quote.provider.locations.exclude(time_zone="").order_by("id")[:1]:
        return location.time_zone
    return ""
