"""The installer's insights: aggregate reads of its orders and their timelines."""

from datetime import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek

from catalog.models import Provider
from catalog.taxonomy import InstallationPhase
from orders.models import CLOSED_STATUSES, Order, OrderEvent


def orders_per_week(*, provider: Provider, start: datetime, end: datetime) -> list[dict]:
    """How many orders the installer received each week (from Monday) in [start, end), by their
    current status: rows {"week", "status", "count"} from one aggregate query."""
    return list(
        Order.objects.filter(provider=provider, created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at"))
        .values("week", "status")
        .annotate(count=Count("pk"))
        .order_by("week", "status")
    )


def phase_durations(*, provider: Provider, start: datetime, end: datetime) -> list[dict]:
    """How long the installer's installations stayed in each phase they entered in [start, end)
    and have left since: rows {"phase", "average" (a timedelta), "count"} in the phases' order,
    from one aggregate query over the orders' events.

    A phase starts with its PHASE event and ends with the order's next PHASE event, or with the
    STATUS event that completed, failed or cancelled the order.
    """
    leaving = (
        OrderEvent.objects.filter(order=OuterRef("order"))
        .filter(
            Q(kind=OrderEvent.Kind.PHASE)
            | Q(kind=OrderEvent.Kind.STATUS, to_value__in=CLOSED_STATUSES)
        )
        .filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    rows = (
        OrderEvent.objects.filter(
            order__provider=provider,
            kind=OrderEvent.Kind.PHASE,
            to_value__in=InstallationPhase.values,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(left_at=Subquery(leaving))
        .filter(left_at__isnull=False)
        .values("to_value")
        .annotate(
            average=Avg(
                ExpressionWrapper(F("left_at") - F("created_at"), output_field=DurationField())
            ),
            count=Count("pk"),
        )
        .order_by()
    )
    by_phase = {row["to_value"]: row for row in rows}
    return [
        {"phase": phase, "average": by_phase[phase]["average"], "count": by_phase[phase]["count"]}
        for phase in InstallationPhase.values
        if phase in by_phase
    ]
