"""The fragments are never stale: every write of what they are rendered from invalidates them
inside its own transaction (format and document emptied, a new token), so they go or stay with
it, and a crash after the commit leaves them invalid (a search renders what it finds invalid or
missing), never wrong. After the commit they are rendered again for the next search
(`transaction.on_commit`, at most REBUILD_MAX_ITEMS items a commit; bulk writes leave the rest
to the searches).

Why a new token and not a deleted row: a rendering (a search's, or another commit's) that read
the catalog just before this write committed must not store its older text after it. Renderings
read the rows' tokens before the catalog, and store only where the token is still the one they
read (beckn.fragments.build.fragments_store): the invalidation's row (and its row lock, until
its commit) stops them; a deleted row would not.

What feeds them (beckn.mapping.catalog): an item's row, its category, its service locations,
fulfillments and required documents (rows and links); a provider's row, its images and photos.
The model signals cover saves, deletes and the many-to-many managers (the admin, the services);
writes that bypass them (QuerySet.update, bulk_create) send catalog.signals.catalog_changed.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from beckn.fragments.build import fragments_fill, new_token
from beckn.models import ItemFragment, ProviderFragment
from catalog.models import (
    Category,
    DocumentType,
    Fulfillment,
    Item,
    Provider,
    ProviderImage,
    ProviderPhoto,
    ServiceLocation,
)
from catalog.signals import catalog_changed

logger = logging.getLogger(__name__)
# An after-commit rendering takes at most this many items (a bulk write leaves the rest to the
# searches, which render what they miss).
REBUILD_MAX_ITEMS = 500


def fragments_invalidate(*, item_ids: Iterable[int] = (), provider_ids: Iterable[int] = ()) -> None:
    """Invalidate the fragments of these items and providers, now (a row with a new token and
    no text, written whether or not one was there), and render them again once the current
    transaction commits."""
    item_ids, provider_ids = sorted(set(item_ids)), sorted(set(provider_ids))
    if not item_ids and not provider_ids:
        return
    _invalid_rows(ItemFragment, "item", item_ids)
    _invalid_rows(ProviderFragment, "provider", provider_ids)
    _rebuild_after_commit(item_ids, provider_ids)


def _rebuild_after_commit(item_ids: Iterable[int], provider_ids: Iterable[int]) -> None:
    """Add the ids to the rendering that runs when the current transaction commits: one per
    transaction however many writes it makes (each write registers it; it runs once). A
    rolled-back transaction's rendering goes with it (Django drops the on_commit callbacks
    registered in it), so no id is left over for another transaction's commit."""
    connection = transaction.get_connection()
    rebuild = getattr(connection, "fragments_rebuild", None)
    if rebuild is None or not rebuild.pending_in(connection.run_on_commit):
        rebuild = connection.fragments_rebuild = _Rebuild()
    rebuild.item_ids.update(item_ids)
    rebuild.provider_ids.update(provider_ids)
    transaction.on_commit(rebuild, robust=True)
    rebuild.registered_at = len(connection.run_on_commit) - 1


def _invalid_rows(model: type[Model], key: str, ids: list[int]) -> None:
    if ids:
        model._default_manager.bulk_create(
            [
                model(**{f"{key}_id": pk, "format": "", "document": "", "token": new_token()})
                for pk in ids
            ],
            update_conflicts=True,
            unique_fields=[key],
            update_fields=["format", "document", "token"],
            batch_size=1000,
        )


class _Rebuild:
    """The fragments a transaction invalidated, rendered again after its commit."""

    def __init__(self) -> None:
        self.item_ids: set[int] = set()
        self.provider_ids: set[int] = set()
        self.done = False
        self.registered_at = -1  # its last place in the connection's on_commit callbacks

    def pending_in(self, callbacks: list[Any]) -> bool:
        """Whether it has not run yet and its last registration is still there (outside a
        transaction on_commit runs it at once; a rollback drops it)."""
        at = self.registered_at
        return not self.done and 0 <= at < len(callbacks) and callbacks[at][1] is self

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        item_ids, provider_ids = sorted(self.item_ids), sorted(self.provider_ids)
        if len(item_ids) > REBUILD_MAX_ITEMS:
            item_ids = []
        if len(provider_ids) > REBUILD_MAX_ITEMS:
            provider_ids = []
        if item_ids or provider_ids:
            fragments_fill(item_ids=item_ids, provider_ids=provider_ids)


def _item_ids(queryset: Any) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


# --- Receivers (connected in BecknConfig.ready) ------------------------------------------------


def item_saved(sender: type[Item], instance: Item, raw: bool = False, **kwargs: Any) -> None:
    fragments_invalidate(item_ids=[instance.pk])


def item_links_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """An item's locations, fulfillments or required documents changed (from either side)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        fragments_invalidate(item_ids=[instance.pk])
    elif action == "pre_clear":
        fragments_invalidate(item_ids=_item_ids(instance.items.all()))  # type: ignore[attr-defined]
    else:
        fragments_invalidate(item_ids=pk_set or ())


def category_saving(sender: type[Category], instance: Category, **kwargs: Any) -> None:
    """Remember whether a category's published code or name changes (the catalog import saves
    every category, changed or not)."""
    stored = Category.objects.filter(pk=instance.pk).values("code", "name").first()
    instance._fragments_changed = stored != {"code": instance.code, "name": instance.name}


def category_saved(sender: type[Category], instance: Category, **kwargs: Any) -> None:
    if instance.__dict__.pop("_fragments_changed", True):
        fragments_invalidate(item_ids=_item_ids(Item.objects.filter(category_id=instance.pk)))


def document_type_saving(sender: type[DocumentType], instance: DocumentType, **kwargs: Any) -> None:
    """Remember whether a document type's name, which items list, changes."""
    stored = DocumentType.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    instance._fragments_changed = stored != instance.name


def document_type_saved(sender: type[DocumentType], instance: DocumentType, **kwargs: Any) -> None:
    if instance.__dict__.pop("_fragments_changed", True):
        items = Item.objects.filter(required_documents=instance.pk)
        fragments_invalidate(item_ids=_item_ids(items))


def document_type_deleting(
    sender: type[DocumentType], instance: DocumentType, **kwargs: Any
) -> None:
    fragments_invalidate(item_ids=_item_ids(Item.objects.filter(required_documents=instance.pk)))


def location_changed(
    sender: type[ServiceLocation], instance: ServiceLocation, **kwargs: Any
) -> None:
    """Saved, or about to be deleted (its links to items still there)."""
    fragments_invalidate(item_ids=_item_ids(Item.objects.filter(locations=instance.pk)))


def fulfillment_changed(sender: type[Fulfillment], instance: Fulfillment, **kwargs: Any) -> None:
    """Saved, or about to be deleted (its links to items still there)."""
    fragments_invalidate(item_ids=_item_ids(Item.objects.filter(fulfillments=instance.pk)))


def provider_saved(sender: type[Provider], instance: Provider, **kwargs: Any) -> None:
    fragments_invalidate(provider_ids=[instance.pk])


def provider_deleted(sender: type[Provider], instance: Provider, **kwargs: Any) -> None:
    """Its fragment went with it (cascade); the row its images' or photos' deletion wrote
    after that goes too."""
    ProviderFragment.objects.filter(pk=instance.pk).delete()


def provider_picture_changed(
    sender: type[Model], instance: ProviderImage | ProviderPhoto, **kwargs: Any
) -> None:
    """An image or photo of the provider saved or deleted."""
    fragments_invalidate(provider_ids=[instance.provider_id])


def catalog_written(
    sender: Any, provider_ids: list[int], item_ids: list[int], created: bool = False, **kwargs: Any
) -> None:
    """catalog_changed: a write without model signals. Rows new in this transaction have no
    fragment, and no rendering can have read them: they are only rendered after the commit."""
    if created:
        _rebuild_after_commit(item_ids, provider_ids)
    else:
        fragments_invalidate(item_ids=item_ids, provider_ids=provider_ids)


def receivers_connect() -> None:
    """Connect the receivers to every write of what the fragments are rendered from."""
    uid = "beckn.fragments"
    post_save.connect(item_saved, sender=Item, dispatch_uid=f"{uid}.item_saved")
    for through in (
        Item.locations.through,
        Item.fulfillments.through,
        Item.required_documents.through,
    ):
        m2m_changed.connect(
            item_links_changed, sender=through, dispatch_uid=f"{uid}.links.{through.__name__}"
        )
    pre_save.connect(category_saving, sender=Category, dispatch_uid=f"{uid}.category_saving")
    post_save.connect(category_saved, sender=Category, dispatch_uid=f"{uid}.category_saved")
    pre_save.connect(
        document_type_saving, sender=DocumentType, dispatch_uid=f"{uid}.document_type_saving"
    )
    post_save.connect(
        document_type_saved, sender=DocumentType, dispatch_uid=f"{uid}.document_type_saved"
    )
    pre_delete.connect(
        document_type_deleting, sender=DocumentType, dispatch_uid=f"{uid}.document_type_deleting"
    )
    for signal, name in ((post_save, "saved"), (pre_delete, "deleting")):
        signal.connect(location_changed, sender=ServiceLocation, dispatch_uid=f"{uid}.loc.{name}")
        signal.connect(fulfillment_changed, sender=Fulfillment, dispatch_uid=f"{uid}.ful.{name}")
    post_save.connect(provider_saved, sender=Provider, dispatch_uid=f"{uid}.provider_saved")
    post_delete.connect(provider_deleted, sender=Provider, dispatch_uid=f"{uid}.provider_deleted")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        for model in (ProviderImage, ProviderPhoto):
            signal.connect(
                provider_picture_changed,
                sender=model,
                dispatch_uid=f"{uid}.{model.__name__}.{name}",
            )
    catalog_changed.connect(catalog_written, dispatch_uid=f"{uid}.catalog_changed")
