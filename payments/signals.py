"""`payment_changed` is sent after the transaction that changed a payment's status commits.

Receivers get `payment` (payments.models.Payment, as committed) and `event` (the PaymentEvent
that changed it). A succeeded payment has status PAID, `gateway_reference` (the gateway's
transaction id), `paid_amount`, `paid_currency` and `paid_at`; the order itself was moved to
PAID through orders.services.order_payment_record in the same transaction.
"""

from django.dispatch import Signal

payment_changed = Signal()
