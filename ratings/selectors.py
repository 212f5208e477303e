"""Reads of ratings and reputations, shared by every front door."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog.models import Provider
from orders.models import Order, Technician
from ratings.models import Rating, TechnicianReputation
from ratings.values import STARS

# The ratings that speak of the installer's work: an installation's, or the installer's.
REVIEWS = (Rating.Category.PROVIDER, Rating.Category.ORDER)


def provider_votes(provider_id: int) -> QuerySet[Rating]:
    """The ratings that count for an installer: per order, the latest Provider or Order rating."""
    reviews = Rating.objects.filter(provider_id=provider_id, category__in=REVIEWS)
    newer = Rating.objects.filter(order_id=OuterRef("order_id"), category__in=REVIEWS).filter(
        Q(rated_at__gt=OuterRef("rated_at"))
        | Q(rated_at=OuterRef("rated_at"), pk__gt=OuterRef("pk"))
    )
    return reviews.filter(~Exists(newer))


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
    last_rated_at: datetime | None

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
        last_rated_at=provider.rating_last_at,
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
    distribution: list[StarCount]
    last_rated_at: datetime | None


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
                distribution=_distribution(reputation.rating_distribution if reputation else {}),
                last_rated_at=reputation.rating_last_at if reputation else None,
            )
        )
    return result
