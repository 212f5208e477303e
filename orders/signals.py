"""`order_changed` is sent, inside the writing transaction, once per service call that changes
an order.

Receivers get `order` and `events` (the list of OrderEvents that call wrote, in order). The
network adapter uses it to tell the buyer app that owns the order.
"""

from django.dispatch import Signal

order_changed = Signal()
