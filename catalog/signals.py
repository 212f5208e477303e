"""`catalog_changed` is sent, inside the writing transaction, by catalog writes that send no model
signals: QuerySet.update() and bulk_create (catalog.services.generate; the installer's rating
figures rewritten by ratings.services).

Receivers get `provider_ids` (installers whose own row, images or photos changed), `item_ids`
(items whose own row or links to locations, fulfillments and documents changed) and `created`
(True: all of them are new in this transaction, so nothing can have copied them yet). Any write that
bypasses Model.save()/delete() and the many-to-many managers must send it: whatever keeps a copy
of the catalog (the network adapter's pre-rendered on_search fragments) relies on it.
"""

from collections.abc import Iterable

from django.dispatch import Signal

catalog_changed = Signal()


def catalog_changed_send(
    *,
    sender: object,
    provider_ids: Iterable[int] = (),
    item_ids: Iterable[int] = (),
    created: bool = False,
) -> None:
    """Tell the receivers which installers and items a write without model signals changed
    (or, `created`, wrote for the first time)."""
    providers, items = sorted(set(provider_ids)), sorted(set(item_ids))
    if providers or items:
        catalog_changed.send(sender=sender, provider_ids=providers, item_ids=items, created=created)
