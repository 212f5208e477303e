"""The installer workspace's reads of orders: every read takes the member (or their provider) and
is scoped to it, so another installer's ids match nothing and the views answer 404."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from catalog.models import ProviderMember, ServiceLocation
from catalog.taxonomy import InstallationPhase, InstallationPriority, InstallationStatus
from orders.models import Order, OrderItem, Technician


def member_orders(member: ProviderMember) -> QuerySet[Order]:
    """The orders a member may see: their installer's, or only those assigned to them when
    they are a technician."""
    orders = Order.objects.filter(provider_id=member.provider_id)
    if member.role == ProviderMember.Role.TECHNICIAN:
        orders = orders.filter(technician__user_id=member.user_id)
    return orders


def member_order(*, member: ProviderMember, order_id: int, detail: bool = False) -> Order:
    """One order the member may see (Http404 for any other), with what its page shows when
    `detail`."""
    orders = member_orders(member).select_related("provider", "technician")
    if detail:
        orders = orders.select_related("fulfillment", "technician__user").prefetch_related(
            "items__item__category", "items__item__required_documents", "events"
        )
    return get_object_or_404(orders, pk=order_id)


def member_technicians(member: ProviderMember) -> QuerySet[Technician]:
    """The installer's active technicians."""
    return Technician.objects.filter(provider_id=member.provider_id, is_active=True)


def provider_cities(provider_id: int) -> list[str]:
    """The cities an installer works in (its service locations), for filtering its orders."""
    return list(
        ServiceLocation.objects.filter(provider_id=provider_id)
        .order_by("city_name")
        .values_list("city_name", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class BoardFilters:
    """What the board shows: `technician` is a technician's id, "none" (unassigned) or ""."""

    priority: str = ""
    city: str = ""
    day: date | None = None
    technician: str = ""
    query: str = ""


@dataclass(frozen=True)
class BoardColumn:
    key: str
    label: str
    count: int
    orders: list[Order] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """How many of the column's orders are not shown (past BOARD_COLUMN_LIMIT)."""
        return self.count - len(self.orders)


# The board's columns: the installation status, and the phase while it is in progress.
BOARD_COLUMNS: list[tuple[str, str, Q]] = [
    ("pending", "Pending", Q(status=InstallationStatus.PENDING)),
    ("scheduled", "Scheduled", Q(status=InstallationStatus.SCHEDULED)),
    *[
        (
            phase.value.lower(),
            phase.label,
            Q(status=InstallationStatus.IN_PROGRESS, phase=phase.value),
        )
        for phase in InstallationPhase
    ],
    ("completed", "Completed", Q(status=InstallationStatus.COMPLETED)),
    (
        "closed",
        "Cancelled or failed",
        Q(status__in=[InstallationStatus.CANCELLED, InstallationStatus.FAILED]),
    ),
]
BOARD_COLUMN_LIMIT = 50
PRIORITY_RANK = [
    InstallationPriority.EMERGENCY,
    InstallationPriority.HIGH,
    InstallationPriority.MEDIUM,
    InstallationPriority.LOW,
]


def board_orders(member: ProviderMember, filters: BoardFilters) -> QuerySet[Order]:
    """The member's orders that match the board's filters."""
    orders = member_orders(member)
    if filters.priority:
        orders = orders.filter(priority=filters.priority)
    if filters.city:
        orders = orders.filter(site_address__icontains=filters.city)
    if filters.day is not None:
        orders = orders.filter(
            Q(survey_start__date=filters.day) | Q(installation_start__date=filters.day)
        )
    if filters.technician == "none":
        orders = orders.filter(technician__isnull=True)
    elif filters.technician:
        orders = orders.filter(technician_id=filters.technician)
    if query := filters.query.strip():
        orders = orders.filter(
            Q(installation_request_id__icontains=query)
            | Q(customer_name__icontains=query)
            | Q(billing_name__icontains=query)
        )
    return orders


def order_board(*, member: ProviderMember, filters: BoardFilters) -> list[BoardColumn]:
    """The board: a column per status (and phase), each with its count and its first
    BOARD_COLUMN_LIMIT orders, most urgent first, then most recently changed. Two queries,
    however many orders there are."""
    orders = board_orders(member, filters)
    counts = orders.aggregate(**{key: Count("pk", filter=q) for key, _, q in BOARD_COLUMNS})
    column = Case(
        *[When(q, then=Value(key)) for key, _, q in BOARD_COLUMNS],
        default=Value(""),
        output_field=CharField(),
    )
    rank = Case(
        *[When(priority=p, then=Value(n)) for n, p in enumerate(PRIORITY_RANK)],
        default=Value(len(PRIORITY_RANK)),
        output_field=IntegerField(),
    )
    ordering = [rank.asc(), F("updated_at").desc(), F("id").desc()]
    needs_documents = Exists(
        OrderItem.objects.filter(order=OuterRef("pk"), item__required_documents__isnull=False)
    )
    shown = (
        orders.annotate(
            column=column,
            position=Window(RowNumber(), partition_by=[column], order_by=ordering),
            needs_documents=needs_documents,
        )
        .filter(position__lte=BOARD_COLUMN_LIMIT)
        .select_related("technician")
        .order_by(*ordering)
    )
    by_column: dict[str, list[Order]] = {key: [] for key, _, _ in BOARD_COLUMNS}
    for order in shown:
        by_column.setdefault(order.column, []).append(order)
    return [
        BoardColumn(key=key, label=label, count=counts[key], orders=by_column[key])
        for key, label, _ in BOARD_COLUMNS
    ]
