"""Reads of the Beckn message log for the installer workspace."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from beckn.models import InboundMessage, OrderLink, OutboundMessage, SearchListing
from catalog.models import Provider
from orders.models import Order


@dataclass(frozen=True)
class NetworkFunnel:
    """Buyer-app transactions that found an installer in a search, went on to select its items,
    and confirmed an order with it (each step counts only the transactions of the one before)."""

    searched: int
    selected: int
    confirmed: int

    @staticmethod
    def _percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def select_rate(self) -> int | None:
        """Percent of the searches that listed the installer which led to a select."""
        return self._percent(self.selected, self.searched)

    @property
    def confirm_rate(self) -> int | None:
        """Percent of the selects that led to a confirmed order."""
        return self._percent(self.confirmed, self.selected)

    @property
    def conversion_rate(self) -> int | None:
        """Percent of the searches that listed the installer which ended in an order."""
        return self._percent(self.confirmed, self.searched)


def network_funnel(*, provider: Provider, start: datetime, end: datetime) -> NetworkFunnel:
    """The search -> select -> confirm funnel of the transactions whose on_search listed
    `provider` between `start` (included) and `end` (excluded), in one aggregate query.

    Searched: on_search callbacks that listed the installer (SearchListing, written when the
    callback is composed). Selected: of those transactions, the ones with an accepted select
    naming the installer. Confirmed: of those, the ones in which it got an order (OrderLink).
    """
    same_transaction = {"bap_id": OuterRef("bap_id"), "transaction_id": OuterRef("transaction_id")}
    selected = Exists(
        InboundMessage.objects.filter(
            action="select",
            outcome=InboundMessage.Outcome.ACCEPTED,
            body__message__order__provider__id=provider.external_id,
            **same_transaction,
        )
    )
    confirmed = Exists(OrderLink.objects.filter(order__provider=provider, **same_transaction))
    totals = SearchListing.objects.filter(
        provider=provider, listed_at__gte=start, listed_at__lt=end
    ).aggregate(
        searched=Count("pk"),
        selected=Count("pk", filter=Q(selected)),
        confirmed=Count("pk", filter=Q(selected) & Q(confirmed)),
    )
    return NetworkFunnel(**totals)


# --- An order's callbacks (the installer workspace) -----------------------------------------------

ORDER_CALLBACKS_SHOWN = 100


def order_link(order: Order) -> OrderLink | None:
    """The buyer app that placed the order, if it came over the network."""
    return OrderLink.objects.filter(order=order).first()


def transaction_link(bap_id: str, transaction_id: str) -> OrderLink | None:
    """The order a buyer app placed in one of its transactions, if any (with what a rating of
    it reads)."""
    return (
        OrderLink.objects.select_related("order__provider", "order__fulfillment")
        .filter(bap_id=bap_id, transaction_id=transaction_id)
        .first()
    )


def order_callbacks(order: Order) -> QuerySet[OutboundMessage]:
    """Every callback owed to the buyer app in the order's transaction (the answers to its
    requests and the unsolicited ones), newest first; none for an order placed on the web."""
    link = OrderLink.objects.filter(order=order).values("bap_id", "transaction_id")
    return OutboundMessage.objects.filter(
        Exists(link.filter(bap_id=OuterRef("bap_id"), transaction_id=OuterRef("transaction_id")))
    ).order_by("-created_at", "-id")
