"""Reads of ratings and reputations, shared by every front door."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from catalog.models import Item, Provider
from orders.models import Order, OrderItem, Technician
from ratings.models import Rating, TechnicianReputation
from ratings.values import STARS

# The ratings that speak of the installer's work: an installation's, or the installer's.
REVIEWS = (Rating.Category.PROVIDER, Rating.Category.ORDER)


def _counted_reviews() -> QuerySet[Rating]:
    """Of every order, its latest Provider or Order rating: the one that counts (for any
    installer)."""
    newer = Rating.objects.filter(order_id=OuterRef("order_id"), category__in=REVIEWS).filter(
        Q(rated_at__gt=OuterRef("rated_at"))
        | Q(rated_at=OuterRef("rated_at"), pk__gt=OuterRef("pk"))
    )
    return Rating.objects.filter(category__in=REVIEWS).filter(~Exists(newer))


def provider_votes(provider_id: int) -> QuerySet[Rating]:
    """The ratings that count for an installer: per order, the latest Provider or Order rating."""
    return _counted_reviews().filter(provider_id=provider_id)


@dataclass(frozen=True)
class StarCount:
    star: int
    count: int
    percent: int


@dataclass(frozen=True)
class Reputation:
    """An installer's published rating, and what the ratings received here look like."""

    value: Decimal | None
    count: int
    received: int
    distribution: list[StarCount]

    @property
    def rated(self) -> bool:
        return self.value is not None


def _distribution(counts: dict[str, int]) -> list[StarCount]:
    total = sum(counts.get(str(star), 0) for star in STARS)
    return [
        StarCount(star, n, round(100 * n / total) if total else 0)
        for star in reversed(STARS)
        for n in [counts.get(str(star), 0)]
    ]


def provider_reputation(*, provider: Provider) -> Reputation:
    """The stored aggregate of an installer (no ratings are read)."""
    distribution = _distribution(provider.rating_distribution or {})
    return Reputation(
        value=provider.rating_value,
        count=provider.rating_count,
        received=sum(row.count for row in distribution),
        distribution=distribution,
    )


def order_review(*, order: Order) -> Rating | None:
    """The buyer's review of an order: its latest Provider or Order rating, the one that counts
    for the installer."""
    return (
        Rating.objects.filter(
            order=order,
            category__in=REVIEWS,
            channel=order.channel,
            buyer_reference=order.buyer_reference,
        )
        .order_by("-rated_at", "-pk")
        .first()
    )


def provider_reviews(*, provider: Provider, limit: int = 20) -> list[Rating]:
    """The reviews that count for an installer, newest first."""
    return list(
        provider_votes(provider.pk).select_related("order").order_by("-rated_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class TechnicianRating:
    technician: Technician
    value: Decimal | None
    count: int


def technician_ratings(*, provider: Provider) -> list[TechnicianRating]:
    """Each technician of an installer with the ratings buyers gave them as agent."""
    reputations = {
        r.technician_id: r
        for r in TechnicianReputation.objects.filter(technician__provider=provider)
    }
    result = []
    for technician in Technician.objects.filter(provider=provider).order_by("name"):
        reputation = reputations.get(technician.pk)
        result.append(
            TechnicianRating(
                technician=technician,
                value=reputation.rating_value if reputation else None,
                count=reputation.rating_count if reputation else 0,
            )
        )
    return result


def _readable(ratings: QuerySet[Rating]) -> QuerySet[Rating]:
    """Ratings with a written text the platform has not hidden."""
    return ratings.filter(comment_hidden=False).exclude(comment="")


def public_reviews(*, provider: Provider, item: Item | None = None) -> QuerySet[Rating]:
    """The written reviews anyone may read, newest first, with the installer's replies.

    For an installer: the review that counts of each of its orders (one per order), with text
    not hidden by the platform. For one of its items: those of the orders that included the
    item, and the ratings of the item itself with text.
    """
    reviews = _counted_reviews().filter(provider=provider)
    if item is not None:
        ordered = OrderItem.objects.filter(order_id=OuterRef("order_id"), item=item)
        reviews = Rating.objects.filter(
            Q(pk__in=reviews.filter(Exists(ordered)).values("pk"))
            | Q(category=Rating.Category.ITEM, item=item)
        )
    return _readable(reviews).order_by("-rated_at", "-pk")


def public_review_counts(*, provider_ids: Iterable[int]) -> dict[int, int]:
    """How many written reviews (as public_reviews lists them) each installer has, in one
    query; installers without any are left out."""
    rows = (
        _readable(_counted_reviews().filter(provider_id__in=list(provider_ids)))
        .order_by()
        .values("provider_id")
        .annotate(n=Count("pk"))
    )
    return {row["provider_id"]: row["n"] for row in rows}


def rating_trend(*, provider: Provider, start: datetime, end: datetime) -> list[dict]:
    """The installer's reviews that count (provider_votes) given in [start, end), by month:
    rows {"month", "average", "count"} from one aggregate query."""
    return list(
        provider_votes(provider.pk)
        .filter(rated_at__gte=start, rated_at__lt=end)
        .annotate(month=TruncMonth("rated_at"))
        .values("month")
        .annotate(average=Avg("value"), count=Count("pk"))
        .order_by("month")
    )
