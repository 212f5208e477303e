"""`order_changed` is sent, inside the writing transaction, after every change of an order.

Receivers get `order` and `event` (the OrderEvent just written). The network adapter uses it to
tell the buyer app that owns the order.
"""

from django.dispatch import Signal

order_changed = Signal()
