"""Recording the row locks a service takes, to check them against the domain's lock order
(orders/lock_objects.py): every select_for_update the code runs, in the order it runs them."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.db.models import Model
from django.db.models.query import QuerySet

from catalog.models import Item, Provider, ProviderMember, ServiceLocation
from documents.models import Document, Invoice, Submission
from orders.models import Order, Technician
from ratings.models import Rating, TechnicianReputation

# The lock order of orders/lock_objects.py: a rank per kind of row (kinds of one rank are never
# locked together).
RANK: dict[type[Model], int] = {
    Provider: 1,
    ProviderMember: 2,
    Item: 2,
    ServiceLocation: 2,
    Order: 3,
    Technician: 4,
    Submission: 5,
    Document: 6,
    Invoice: 7,
    Rating: 8,
    TechnicianReputation: 8,
}


class LockLog(list[type[Model]]):
    """The kinds of rows locked, in the order the locks were asked for."""

    def assert_in_order(self) -> None:
        """Each kind is first locked in its place (a kind locked again later re-reads rows the
        transaction holds already, e.g. the order whose documentation status follows its
        documents)."""
        first = list(dict.fromkeys(self))
        ranks = [RANK[model] for model in first]
        assert ranks == sorted(ranks), f"locks out of order: {[m.__name__ for m in self]}"


@contextmanager
def locks_taken() -> Iterator[LockLog]:
    """The kinds of rows locked inside the block (every select_for_update, whoever asks)."""
    log = LockLog()
    select_for_update = QuerySet.select_for_update

    def recording(self: QuerySet, *args: Any, **kwargs: Any) -> QuerySet:
        log.append(self.model)
        return select_for_update(self, *args, **kwargs)

    with mock.patch.object(QuerySet, "select_for_update", recording):
        yield log
