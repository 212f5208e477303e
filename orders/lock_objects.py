"""Row locks of orders, and the one order in which the domain takes row locks.

The lock order
--------------
A transaction that locks rows of several kinds takes them in this order, and rows of one kind
by ascending primary key, so that two transactions never wait on each other in a cycle:

    1. Provider          catalog.lock_objects.providers_lock
    2. ProviderMember    catalog.lock_objects.owners_lock (an installer's owners)
       Item, ServiceLocation (one of an installer's own, to edit it)
                         catalog.lock_objects.owned_lock, item_lock
    3. Order             orders.lock_objects.order_lock, orders_lock
    4. Technician        orders.lock_objects.technician_lock, technicians_lock
    5. Submission        documents.lock_objects.submission_lock, submissions_lock
    6. Document          documents.lock_objects.document_lock
    7. Invoice           documents.lock_objects.invoice_lock
    8. Rating            ratings.lock_objects.rating_lock (and the Ratings and
       TechnicianReputations written under their installer's lock)

Why this order: an installer's figures (its rating, its invoice numbers) sum up its orders, so
the installer comes first; an order's writers then lock the technician they book (a
technician's diary is checked one booking after the other); an order's documents hang from it
(the documentation status is derived from them and written to the order); ratings come last,
once everything they count is in place.

A transaction may skip kinds (most take one or two), never go back to an earlier one:

- orders.services: the Order, then the Technician booked or assigned; a technician's record:
  that Technician only.
- documents.services: the Order (when the form or the document belongs to one), then the
  Submission, then the Document; a certificate and an invoice are issued under their
  Provider's and their Order's locks, an invoice re-issued under its Order's and its own.
- ratings.services: Providers, the rated Orders, Technicians, then the Ratings.
- catalog.services: an installer's owners, or the Item or ServiceLocation being edited.

Foreign keys count: on PostgreSQL, a row inserted (or pointed at another row) takes a share lock
on each row it references, which waits for another transaction's FOR UPDATE of that row. So a
writer locks such rows in their place first: ratings lock the rated Orders before they write
Ratings, the issuing of an invoice locks its Provider before the Order. A row a transaction
inserts is its own until it commits: nobody waits on it.

Each function here must be called inside transaction.atomic (the locks last until it ends);
SQLite ignores row locks (its write transactions, begun IMMEDIATE, are serialised whole). A
function that expects its caller to hold a lock says so in its docstring.
"""

from collections.abc import Iterable

from catalog.lock_objects import rows_lock
from orders.models import Order, Technician


def order_lock(order_id: int) -> Order:
    """The order re-read under its row lock."""
    return Order.objects.select_for_update().get(pk=order_id)


def orders_lock(order_ids: Iterable[int]) -> list[int]:
    """Lock the orders' rows, by ascending id; their ids."""
    return rows_lock(Order, order_ids)


def technician_lock(technician_id: int) -> Technician:
    """The technician re-read under its row lock."""
    return Technician.objects.select_for_update().get(pk=technician_id)


def technicians_lock(technician_ids: Iterable[int]) -> list[int]:
    """Lock the technicians' rows, by ascending id; their ids."""
    return rows_lock(Technician, technician_ids)
