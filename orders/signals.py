"""`order_changed` is sent, inside the writing transaction, once per service call that changes
an order.

Receivers get `order` and `events` (the list of OrderEvents that call wrote, in order). The
network adapter uses it to tell the buyer app that owns the order; the documents app to queue
the certificate and invoice of a completed order (documents.receivers).

Receivers run in the order they were connected (INSTALLED_APPS order), and none may depend on
it: a receiver reads the order as the service left it and writes nothing another receiver reads
in the same transaction. Work that follows a change (issuing documents) is queued for after the
commit and, when it changes the order, comes back as a change of its own (the certificate and
invoice: an ISSUED event by the system, announced like any other).
"""

from django.dispatch import Signal

order_changed = Signal()
