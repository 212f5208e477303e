"""How a change of an order is kept and told: its OrderEvents, then one `order_changed` for them
all. Every writer of an order's fields goes through it (orders.services, and the documents app
for the fields it owns)."""

from orders.models import Order, OrderEvent
from orders.signals import order_changed


class OrderChanges:
    """The events of one service call, announced together once they are all written."""

    def __init__(self, order: Order, actor: str, reason: str = "") -> None:
        self.order, self.actor, self.reason = order, actor, reason
        self.events: list[OrderEvent] = []

    def add(self, kind: str, from_value: object, to_value: object) -> None:
        self.events.append(
            OrderEvent.objects.create(
                order=self.order,
                kind=kind,
                from_value=str(from_value or ""),
                to_value=str(to_value or ""),
                actor=self.actor,
                reason=self.reason,
            )
        )

    def announce(self) -> Order:
        order_changed.send(sender=Order, order=self.order, events=self.events)
        return self.order
