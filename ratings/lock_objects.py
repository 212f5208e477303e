"""Row locks of the ratings app, in the domain's lock order (written in orders/lock_objects.py):
the installers, the rated orders and the technicians whose aggregates a rating changes, then the
ratings themselves. Every writer of an aggregate takes them through rated_lock, so two
transactions never wait on each other in a cycle.

Each function must be called inside transaction.atomic: the locks last until it ends.
"""

from collections.abc import Iterable

from catalog.lock_objects import providers_lock
from orders.lock_objects import orders_lock, technicians_lock
from ratings.models import Rating


def rated_lock(
    *,
    provider_ids: Iterable[int] = (),
    order_ids: Iterable[int] = (),
    technician_ids: Iterable[int] = (),
) -> None:
    """Lock the rows a rating transaction rewrites or points at: the installers and technicians
    whose aggregates it recomputes, and the orders its ratings belong to (a rating written
    shares its order's row: the order is locked in its place, before the technicians)."""
    providers_lock(provider_ids)
    orders_lock(order_ids)
    technicians_lock(technician_ids)


def rating_lock(rating_id: int) -> Rating:
    """The rating re-read under its row lock."""
    return Rating.objects.select_for_update().get(pk=rating_id)
