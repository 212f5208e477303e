from decimal import Decimal
from typing import Any

from catalog.taxonomy import InstallationPhase, InstallationStatus, SafetyStatus
from orders.models import Order
from ratings.models import Rating
from ratings.services import rating_submit
from tests.orders.factories import OrderFactory


class CompletedOrderFactory(OrderFactory):
    """An order whose installation is completed: it can be rated."""

    status = InstallationStatus.COMPLETED
    phase = InstallationPhase.COMMISSIONING
    safety_status = SafetyStatus.VERIFIED


def rate(
    order: Order,
    value: Decimal | str | int,
    category: str = Rating.Category.ORDER,
    **fields: Any,
) -> Rating:
    """Rate a thing of `order` as its buyer (through the service that keeps the aggregates)."""
    return rating_submit(
        order=order,
        category=category,
        value=value,
        channel=order.channel,
        buyer_reference=order.buyer_reference,
        **fields,
    )
