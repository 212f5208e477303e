"""Row locks of the ratings app, in one place and one order: installers, then technicians, each by
ascending primary key. Every writer of an aggregate takes them through lock_rated, so two
transactions never wait on each other in a cycle."""

from collections.abc import Iterable

from catalog.models import Provider
from orders.models import Technician


def lock_rated(*, provider_ids: Iterable[int] = (), technician_ids: Iterable[int] = ()) -> None:
    """Lock the rows whose aggregates the current transaction will rewrite.

    Call inside transaction.atomic; the locks last until it ends. (SQLite ignores row locks: its
    write transactions, begun IMMEDIATE, are serialised whole.)
    """
    if providers := sorted(set(provider_ids)):
        list(
            Provider.objects.select_for_update()
            .filter(pk__in=providers)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if technicians := sorted(set(technician_ids)):
        list(
            Technician.objects.select_for_update()
            .filter(pk__in=technicians)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
