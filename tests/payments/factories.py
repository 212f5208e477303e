from datetime import timedelta

import factory
from django.utils import timezone

from payments.models import Payment
from tests.orders.factories import OrderFactory


class PaymentFactory(factory.django.DjangoModelFactory):
    """An order's payment whose checkout is open at the test gateway."""

    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    gateway = "test"
    amount = factory.LazyAttribute(lambda p: p.order.total)
    currency = factory.LazyAttribute(lambda p: p.order.currency)
    status = Payment.Status.OPEN
    checkout_attempt = 1
    checkout_reference = factory.Sequence(lambda n: f"tcs_{n:024x}")
    checkout_url = factory.LazyAttribute(
        lambda p: f"http://127.0.0.1:8000/payments/test-gateway/checkouts/{p.checkout_reference}/"
    )
    checkout_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))

    class Params:
        # Paid in full (the order itself is left as the test makes it).
        paid = factory.Trait(
            status=Payment.Status.PAID,
            gateway_reference=factory.Sequence(lambda n: f"pi_3Q{n:022d}"),
            paid_amount=factory.LazyAttribute(lambda p: p.amount),
            paid_currency=factory.LazyAttribute(lambda p: p.currency),
            paid_at=factory.LazyFunction(timezone.now),
        )
