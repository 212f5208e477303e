"""Reads of orders and of what an order would cost, shared by every front door."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce, RowNumber, TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from catalog.models import Fulfillment, Item, Provider, ProviderMember, ServiceLocation
from catalog.taxonomy import InstallationPhase, InstallationPriority, InstallationStatus
from orders import policies
from orders.errors import FulfillmentUnavailable, ItemNotFound, OrderNotFound, ProviderNotFound
from orders.models import (
    CLOSED_STATUSES,
    Order,
    OrderEvent,
    OrderItem,
    Technician,
    TechnicianCertification,
)
from orders.policies import Slot


@dataclass(frozen=True)
class Quote:
    """What an installer offers for the chosen items, with the way it will deliver them."""

    provider: Provider
    items: list[Item]
    fulfillment: Fulfillment
    currency: str

    @property
    def total(self) -> Decimal:
        return sum((item.price_estimated_value for item in self.items), Decimal(0))

    @property
    def breakup(self) -> list[tuple[str, Decimal]]:
        return charge_breakup([(item.name, item.price_estimated_value) for item in self.items])


def charge_breakup(priced_items: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """The lines of a quote: one installation charge, or a line per item when there are several."""
    if len(priced_items) == 1:
        return [("Installation Charge", priced_items[0][1])]
    return priced_items


def offer_quote(
    *, provider_external_id: str, item_external_ids: list[str], fulfillment_local_id: str = ""
) -> Quote:
    """Price the items of one installer. Raises ProviderNotFound, ItemNotFound or
    FulfillmentUnavailable."""
    provider = Provider.objects.filter(external_id=provider_external_id, is_active=True).first()
    if provider is None:
        raise ProviderNotFound(f"No installer {provider_external_id!r} on this platform.")
    found = {
        item.external_id: item
        for item in Item.objects.filter(
            provider=provider, external_id__in=item_external_ids, is_active=True
        )
        .select_related("category")
        .prefetch_related("required_documents", "locations", "fulfillments")
    }
    missing = [item_id for item_id in item_external_ids if item_id not in found]
    if missing or not item_external_ids:
        raise ItemNotFound(f"{provider.name} offers no item {', '.join(missing) or '(none)'}.")
    items = [found[item_id] for item_id in dict.fromkeys(item_external_ids)]
    currencies = {item.currency for item in items}
    if len(currencies) > 1:
        raise ItemNotFound("The items are priced in different currencies; order them apart.")
    offered = set.intersection(*(set(i.fulfillments.all()) for i in items))
    if fulfillment_local_id:
        chosen = [f for f in offered if f.local_id == fulfillment_local_id]
        if not chosen:
            raise FulfillmentUnavailable(
                f"{provider.name} does not deliver these items by fulfillment "
                f"{fulfillment_local_id!r}."
            )
        fulfillment = chosen[0]
    elif offered:
        fulfillment = min(offered, key=lambda f: f.local_id)
    else:
        raise FulfillmentUnavailable(f"{provider.name} has no fulfillment for these items.")
    return Quote(provider=provider, items=items, fulfillment=fulfillment, currency=currencies.pop())


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("provider", "fulfillment", "technician").prefetch_related(
        "items__item__category",
        "items__item__required_documents",
        "items__item__locations",
        "items__item__fulfillments",
        "provider__images",
        "events",
    )


def order_for_buyer(*, installation_request_id: str, channel: str, buyer_reference: str) -> Order:
    """An order as its buyer sees it; anyone else gets OrderNotFound."""
    order = (
        _orders()
        .filter(
            installation_request_id=installation_request_id,
            channel=channel,
            buyer_reference=buyer_reference,
        )
        .first()
    )
    if order is None:
        raise OrderNotFound(f"No order {installation_request_id!r} for this buyer.")
    return order


def order_by_tracking_token(token: str) -> Order | None:
    return _orders().filter(tracking_token=token).first()


def order_detail(order_id: int) -> Order:
    return _orders().get(pk=order_id)


# --- The installer workspace ---------------------------------------------------------------------
# Every read takes the member (or their provider) and is scoped to it: another installer's ids
# match nothing, and the views answer 404.


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


def public_events(order: Order) -> list[OrderEvent]:
    """The order's timeline as the homeowner and the buyer app may see it: without the
    installer's own site notes (uses the prefetched events, if any)."""
    return [event for event in order.events.all() if event.kind != OrderEvent.Kind.NOTE]


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


@dataclass(frozen=True)
class Booking:
    """A technician's appointment: the site survey or the installation of an order."""

    order_id: int
    installation_request_id: str
    technician_id: int
    appointment: str
    slot: Slot

    @property
    def appointment_label(self) -> str:
        return policies.Appointment(self.appointment).label


def order_windows(order: Order) -> list[tuple[str, Slot]]:
    """The order's booked appointments."""
    windows = []
    if order.survey_start and order.survey_end:
        windows.append(
            (policies.Appointment.SURVEY, Slot(start=order.survey_start, end=order.survey_end))
        )
    if order.installation_start and order.installation_end:
        windows.append(
            (
                policies.Appointment.INSTALLATION,
                Slot(start=order.installation_start, end=order.installation_end),
            )
        )
    return windows


def technician_bookings(
    *,
    technician_ids: list[int],
    start: datetime,
    end: datetime,
    exclude_order_id: int | None = None,
) -> list[Booking]:
    """The appointments of these technicians' open orders that overlap [start, end), in one
    query."""
    overlapping = Q(survey_start__lt=end, survey_end__gt=start) | Q(
        installation_start__lt=end, installation_end__gt=start
    )
    orders = Order.objects.filter(
        overlapping, technician_id__in=technician_ids, status__in=policies.OPEN_STATUSES
    ).only(
        "pk",
        "installation_request_id",
        "technician_id",
        "survey_start",
        "survey_end",
        "installation_start",
        "installation_end",
    )
    if exclude_order_id is not None:
        orders = orders.exclude(pk=exclude_order_id)
    window = Slot(start=start, end=end)
    bookings = [
        Booking(order.pk, order.installation_request_id, order.technician_id, appointment, slot)
        for order in orders
        for appointment, slot in order_windows(order)
        if policies.overlaps(slot, window)
    ]
    return sorted(bookings, key=lambda booking: booking.slot.start)


def technician_clashes(
    *, technician_ids: list[int], slots: list[Slot], exclude_order_id: int | None = None
) -> dict[int, Booking]:
    """Of each of these technicians, their first appointment that one of `slots` would overlap
    (technicians free for all of them are left out): one query."""
    if not slots or not technician_ids:
        return {}
    bookings = technician_bookings(
        technician_ids=technician_ids,
        start=min(slot.start for slot in slots),
        end=max(slot.end for slot in slots),
        exclude_order_id=exclude_order_id,
    )
    clashes: dict[int, Booking] = {}
    for booking in bookings:
        if any(policies.overlaps(booking.slot, slot) for slot in slots):
            clashes.setdefault(booking.technician_id, booking)
    return clashes


@dataclass(frozen=True)
class TechnicianDay:
    """A technician's day: each window offered, and the appointment that fills it (or None)."""

    technician: Technician
    slots: list[tuple[Slot, Booking | None]]
    suggested: bool = False


def technician_availability(
    *,
    provider_id: int,
    day: date,
    hours: int = policies.APPOINTMENT_HOURS,
    technician_type: str = "",
    exclude_order_id: int | None = None,
) -> list[TechnicianDay]:
    """Who of the installer's active technicians is free in each window of `day` (windows of
    `hours`); technicians of `technician_type` first. Two queries."""
    technicians = list(
        Technician.objects.filter(provider_id=provider_id, is_active=True).order_by("name")
    )
    slots = policies.day_slots(day, hours)
    bookings = technician_bookings(
        technician_ids=[t.pk for t in technicians],
        start=slots[0].start,
        end=max(slot.end for slot in slots),
        exclude_order_id=exclude_order_id,
    )
    days = []
    for technician in technicians:
        own = [b for b in bookings if b.technician_id == technician.pk]
        days.append(
            TechnicianDay(
                technician=technician,
                slots=[
                    (slot, next((b for b in own if policies.overlaps(b.slot, slot)), None))
                    for slot in slots
                ],
                suggested=bool(technician_type) and technician.technician_type == technician_type,
            )
        )
    return sorted(days, key=lambda d: not d.suggested)


def suggested_technician_type(order: Order) -> str:
    """The kind of technician the order's first item calls for."""
    for line in order.items.all():
        return policies.TECHNICIAN_TYPE_FOR.get(line.item.category.installation_type, "")
    return ""


def next_appointments(order: Order, now: datetime | None = None) -> list[Slot]:
    """The order's appointments that have not ended yet."""
    now = now or timezone.now()
    return [slot for _, slot in order_windows(order) if slot.end > now]


def default_schedule_day(order: Order, now: datetime | None = None) -> date:
    """The day a dispatcher most likely wants to book: the installation's, the weekday after
    the coming site survey, or the first weekday after the survey lead time."""
    now = now or timezone.now()
    if order.installation_start and order.installation_end and order.installation_end > now:
        return timezone.localdate(order.installation_start)
    if not (order.survey_start and order.survey_end and order.survey_end > now):
        return timezone.localdate(policies.default_survey_slot(now).start)
    day = timezone.localdate(order.survey_start) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# --- Homeowners (the web front door) -------------------------------------------------------------


def homeowner_reference(user_id: int) -> str:
    """The buyer reference of a homeowner's web orders: stable for the account."""
    return f"user:{user_id}"


def homeowner_orders(user_id: int) -> QuerySet[Order]:
    """A homeowner's orders, newest first."""
    return (
        Order.objects.filter(
            channel=Order.Channel.WEB, buyer_reference=homeowner_reference(user_id)
        )
        .select_related("provider", "technician")
        .prefetch_related("items__item")
        .order_by("-created_at", "-id")
    )


def order_for_homeowner(*, user_id: int, installation_request_id: str) -> Order:
    """One of a homeowner's orders; another's (or none) raises OrderNotFound."""
    return order_for_buyer(
        installation_request_id=installation_request_id,
        channel=Order.Channel.WEB,
        buyer_reference=homeowner_reference(user_id),
    )


def item_quote(item_id: int) -> Quote:
    """The quote of one item on offer, by its id (the homeowner pages' links). Raises
    ItemNotFound for an item that is not (or no longer) offered."""
    item = (
        Item.objects.select_related("provider")
        .filter(pk=item_id, is_active=True, provider__is_active=True)
        .first()
    )
    if item is None:
        raise ItemNotFound(f"No installation {item_id} on offer.")
    return offer_quote(
        provider_external_id=item.provider.external_id, item_external_ids=[item.external_id]
    )


# --- Technicians' pages (the installer workspace) ----------------------------------------------

# A certification that lapses within this many days is flagged before it expires.
CERTIFICATION_WARNING_DAYS = 30


class CertificationStatus(TextChoices):
    VALID = "VALID", "Valid"
    EXPIRING = "EXPIRING", f"Expires within {CERTIFICATION_WARNING_DAYS} days"
    EXPIRED = "EXPIRED", "Expired"


def _count_of(rows: QuerySet, outer: str) -> Coalesce:
    """How many of `rows` (filtered on an OuterRef to `outer`) there are: a sub-select."""
    counted = rows.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def provider_technicians(*, provider: Provider, today: date) -> QuerySet[Technician]:
    """An installer's technicians, active first, each with `certifications_expired`,
    `certifications_expiring` (within CERTIFICATION_WARNING_DAYS of `today`) and `open_orders`
    (assigned and not closed): one query."""
    certifications = TechnicianCertification.objects.filter(technician=OuterRef("pk"))
    warning = today + timedelta(days=CERTIFICATION_WARNING_DAYS)
    return (
        Technician.objects.filter(provider=provider)
        .select_related("user")
        .annotate(
            certifications_expired=_count_of(
                certifications.filter(valid_until__lt=today), "technician"
            ),
            certifications_expiring=_count_of(
                certifications.filter(valid_until__gte=today, valid_until__lte=warning),
                "technician",
            ),
            open_orders=_count_of(
                Order.objects.filter(technician=OuterRef("pk"), status__in=policies.OPEN_STATUSES),
                "technician",
            ),
        )
        .order_by("-is_active", "name", "pk")
    )


def technician_certifications(
    *, technician: Technician, today: date
) -> QuerySet[TechnicianCertification]:
    """A technician's certifications, the first to lapse first, each with its `status` on
    `today` (a CertificationStatus)."""
    warning = today + timedelta(days=CERTIFICATION_WARNING_DAYS)
    return (
        TechnicianCertification.objects.filter(technician=technician)
        .annotate(
            status=Case(
                When(valid_until__lt=today, then=Value(CertificationStatus.EXPIRED)),
                When(valid_until__lte=warning, then=Value(CertificationStatus.EXPIRING)),
                default=Value(CertificationStatus.VALID),
                output_field=CharField(),
            )
        )
        .order_by("valid_until", "pk")
    )


@dataclass(frozen=True)
class Assignment:
    """A technician's appointment on the calendar: an order's site survey or installation."""

    order_id: int
    installation_request_id: str
    customer_name: str
    site_address: str
    status: str
    appointment: str
    start: datetime
    end: datetime

    @property
    def appointment_label(self) -> str:
        return policies.Appointment(self.appointment).label


def technician_assignments(
    *, technician: Technician, start: datetime, end: datetime
) -> list[Assignment]:
    """The technician's site surveys and installations that overlap [start, end), done or to
    come, in time order (not those of cancelled orders): one query."""
    orders = (
        Order.objects.order_by()
        .filter(technician=technician)
        .exclude(status=InstallationStatus.CANCELLED)
    )
    fields = ("pk", "installation_request_id", "customer_name", "site_address", "status")
    surveys = orders.filter(survey_start__lt=end, survey_end__gt=start).values(
        *fields,
        appointment=Value(policies.Appointment.SURVEY, output_field=CharField()),
        starts_at=F("survey_start"),
        ends_at=F("survey_end"),
    )
    installations = orders.filter(installation_start__lt=end, installation_end__gt=start).values(
        *fields,
        appointment=Value(policies.Appointment.INSTALLATION, output_field=CharField()),
        starts_at=F("installation_start"),
        ends_at=F("installation_end"),
    )
    return [
        Assignment(
            order_id=row["pk"],
            installation_request_id=row["installation_request_id"],
            customer_name=row["customer_name"],
            site_address=row["site_address"],
            status=row["status"],
            appointment=row["appointment"],
            start=row["starts_at"],
            end=row["ends_at"],
        )
        for row in surveys.union(installations, all=True).order_by("starts_at", "pk")
    ]


# --- Insights (the installer workspace) --------------------------------------------------------


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


def linkable_technicians(
    *, provider: Provider, user: AbstractBaseUser | None = None
) -> QuerySet[Technician]:
    """The installer's active technicians a team member may sign in as: those without a
    sign-in yet, and the one `user` already signs in as."""
    free = Q(user__isnull=True)
    if user is not None:
        free |= Q(user=user)
    return Technician.objects.filter(free, provider=provider, is_active=True).order_by("name")
