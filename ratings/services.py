"""Writes to ratings, and the reputation aggregates they maintain.

Rules:
- Only the buyer of an order (its channel and buyer_reference) rates it, and only once the
  installation is COMPLETED.
- A buyer rates each thing of an order once (unique constraint): rating it again replaces the
  value (update_or_create), so nothing is counted twice.
- Which ratings feed which aggregate:
  - the installer's (catalog.Provider.rating_*): Provider and Order ratings. Both judge the
    installer's work on one installation, so an order gives the installer one vote: the latest of
    its Provider and Order ratings. Rating the installer and the installation of one order
    never counts twice.
  - the technician's (TechnicianReputation): Agent ratings.
  - Item, Fulfillment and Support ratings are kept (the installer sees them) and feed nothing.
- The installer's published figures combine a baseline with the votes received here. The baseline
  is what the catalog import or the admin write into rating_value/rating_count (ratings earned
  elsewhere, e.g. the demo catalog's "4.6"): mean = (baseline mean x baseline count + sum of
  votes) / (baseline count + votes). With no votes the baseline is published as it is (the seed's
  sunpower_sf shows "4.6/5" with a count of 0); a baseline of count 0 weighs nothing once votes
  arrive.
- Aggregates are rewritten in the transaction that changes a value, under row locks taken in a
  fixed order (ratings.lock_objects), by recomputing them from the ratings table: exact, and no
  concurrent rating is lost. Searches only read the stored figures.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from catalog.models import Item, Provider
from catalog.signals import catalog_changed_send
from catalog.taxonomy import InstallationStatus
from orders.models import Order, Technician
from ratings.errors import (
    CommentInvalid,
    RateableNotFound,
    RatingCategoryUnsupported,
    RatingNotAllowed,
    ReplyNotAllowed,
)
from ratings.lock_objects import rated_lock, rating_lock
from ratings.models import Rating, TechnicianReputation
from ratings.selectors import REVIEWS, order_review, provider_votes
from ratings.values import STARS, mean, rating_value_parse

COMMENT_MAX_LENGTH = 2000
RATING_FIGURES = ("rating_value", "rating_count")


@dataclass(frozen=True)
class RatingEntry:
    """One thing of an order to rate. `entity_id` names it as the order's buyer knows it (empty:
    the order's own installer, item, fulfillment or technician); `comment` None keeps the one
    given before."""

    order: Order
    category: str
    value: Decimal | str | int | float
    entity_id: str = ""
    comment: str | None = None


@dataclass(frozen=True)
class _Target:
    entity_id: str
    item: Item | None = None
    technician: Technician | None = None


def _target(order: Order, category: str, entity_id: str) -> _Target:
    """The rated thing of `order` that `entity_id` names. Raises RateableNotFound."""
    wanted = entity_id.strip()
    order_id = order.installation_request_id
    if category in (Rating.Category.ORDER, Rating.Category.SUPPORT):
        # Support is the installer's, for this order: named by either.
        names = {order_id}
        if category == Rating.Category.SUPPORT:
            names.add(order.provider.external_id)
        if wanted and wanted not in names:
            raise RateableNotFound(f"Order {order_id} has nothing named {wanted!r} to rate.")
        return _Target(order_id)
    if category == Rating.Category.PROVIDER:
        if wanted and wanted != order.provider.external_id:
            raise RateableNotFound(f"Order {order_id} was not installed by {wanted!r}.")
        return _Target(order.provider.external_id)
    if category == Rating.Category.FULFILLMENT:
        if wanted and wanted != order.fulfillment.local_id:
            raise RateableNotFound(f"Order {order_id} has no fulfillment {wanted!r}.")
        return _Target(order.fulfillment.local_id)
    if category == Rating.Category.ITEM:
        items = {line.item.external_id: line.item for line in order.items.select_related("item")}
        if not wanted and len(items) == 1:
            wanted = next(iter(items))
        if wanted not in items:
            raise RateableNotFound(f"Order {order_id} has no item {wanted!r}.")
        return _Target(wanted, item=items[wanted])
    technician = order.technician
    if technician is None:
        raise RateableNotFound(f"No technician was sent for order {order_id}.")
    # Buyers know the technician as the agent of the order's fulfillment, by name.
    names = {order_id, order.fulfillment.local_id, technician.name.strip().casefold()}
    if wanted and wanted not in names and wanted.casefold() not in names:
        raise RateableNotFound(f"{wanted!r} is not the technician of order {order_id}.")
    return _Target(str(technician.pk), technician=technician)


def _checked(entry: RatingEntry, *, channel: str, buyer_reference: str) -> tuple[Decimal, _Target]:
    if entry.category not in Rating.Category.values:
        raise RatingCategoryUnsupported(
            f"Ratings of {entry.category!r} are not supported; rate "
            f"{', '.join(c.label.lower() for c in Rating.Category)}."
        )
    value = rating_value_parse(entry.value)
    order = entry.order
    if (order.channel, order.buyer_reference) != (channel, buyer_reference):
        raise RateableNotFound(f"No order {order.installation_request_id} for this buyer.")
    target = _target(order, entry.category, entry.entity_id)
    status = Order.objects.filter(pk=order.pk).values_list("status", flat=True).get()
    if status != InstallationStatus.COMPLETED:
        raise RatingNotAllowed(
            f"Order {order.installation_request_id} can be rated once its installation is "
            f"completed (it is {InstallationStatus(status).label.lower()})."
        )
    if entry.comment is not None and len(entry.comment.strip()) > COMMENT_MAX_LENGTH:
        raise CommentInvalid(f"Keep the comment to {COMMENT_MAX_LENGTH} characters.")
    return value, target


@transaction.atomic
def ratings_submit(
    *, entries: Sequence[RatingEntry], channel: str, buyer_reference: str
) -> list[Rating]:
    """Record a buyer's ratings, all or none, and update the aggregates they feed.

    Raises RatingCategoryUnsupported, RatingValueInvalid, RateableNotFound (also for another
    buyer's order), RatingNotAllowed (installation not completed) or CommentInvalid (too long)
    for the first entry at fault; then nothing is written.
    """
    checked = [
        (entry, *_checked(entry, channel=channel, buyer_reference=buyer_reference))
        for entry in entries
    ]
    providers = {entry.order.provider_id for entry, _, _ in checked}
    technicians = {t.technician.pk for _, _, t in checked if t.technician is not None}
    orders = {entry.order.pk for entry, _, _ in checked}
    rated_lock(provider_ids=providers, order_ids=orders, technician_ids=technicians)
    now = timezone.now()
    saved = []
    for index, (entry, value, target) in enumerate(checked):
        fields: dict[str, Any] = {
            "value": value,
            # Strictly increasing within one submission: of an order's Provider and Order
            # ratings, the one given last is its vote.
            "rated_at": now + timedelta(microseconds=index),
            "provider_id": entry.order.provider_id,
            "item": target.item,
            "technician": target.technician,
        }
        if entry.comment is not None:
            fields["comment"] = entry.comment.strip()
        rating, _ = Rating.objects.update_or_create(
            channel=channel,
            buyer_reference=buyer_reference,
            order=entry.order,
            category=entry.category,
            entity_id=target.entity_id,
            defaults=fields,
        )
        saved.append(rating)
    for provider_id in sorted({r.provider_id for r in saved if r.category in REVIEWS}):
        provider_reputation_refresh(provider_id=provider_id)
    for technician_id in sorted(technicians):
        technician_reputation_refresh(technician_id=technician_id)
    return saved


def rating_submit(
    *,
    order: Order,
    category: str,
    value: Decimal | str | int | float,
    channel: str,
    buyer_reference: str,
    entity_id: str = "",
    comment: str | None = None,
) -> Rating:
    """Rate one thing of an order (see ratings_submit); rating it again replaces the value."""
    entry = RatingEntry(
        order=order, category=category, value=value, entity_id=entity_id, comment=comment
    )
    return ratings_submit(entries=[entry], channel=channel, buyer_reference=buyer_reference)[0]


def order_review_submit(
    *, order: Order, value: Decimal | str | int | float, comment: str | None = None
) -> Rating:
    """Review a whole order as its own buyer (from the tracking or the order page): rating it
    again replaces the review that counts (order_review, a Provider or an Order rating),
    else it is an Order rating."""
    review = order_review(order=order)
    return rating_submit(
        order=order,
        category=review.category if review else Rating.Category.ORDER,
        entity_id=review.entity_id if review else "",
        value=value,
        comment=comment,
        channel=order.channel,
        buyer_reference=order.buyer_reference,
    )


def _written(text: str, what: str) -> str:
    """The text stripped; CommentInvalid if that leaves it empty or too long."""
    text = text.strip()
    if not text or len(text) > COMMENT_MAX_LENGTH:
        raise CommentInvalid(f"Write a {what} of 1 to {COMMENT_MAX_LENGTH} characters.")
    return text


def rating_comment(*, rating: Rating, comment: str, submission_id: UUID | None = None) -> Rating:
    """Set the written part of a rating (the feedback form); the value and aggregates stay.

    A comment the platform hid stays hidden until staff show it again.
    """
    text = _written(comment, "comment")
    rating.comment, rating.feedback_submission_id = text, submission_id
    rating.save(update_fields=["comment", "feedback_submission_id", "updated_at"])
    return rating


@transaction.atomic
def review_reply(*, rating: Rating, text: str, actor: str) -> Rating:
    """The installer's public answer to a review; it replies once. Raises ReplyNotAllowed
    (replied already) or CommentInvalid (empty or too long)."""
    reply = _written(text, "reply")
    locked = rating_lock(rating.pk)
    if locked.replied_at is not None:
        raise ReplyNotAllowed("The installer has replied to this review already.")
    locked.reply, locked.replied_by, locked.replied_at = reply, actor, timezone.now()
    locked.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    return locked


def _review_hidden(rating: Rating, actor: str, hidden: bool) -> Rating:
    rating.comment_hidden, rating.hidden_by, rating.hidden_at = hidden, actor, timezone.now()
    rating.save(update_fields=["comment_hidden", "hidden_by", "hidden_at", "updated_at"])
    return rating


def review_hide(*, rating: Rating, actor: str) -> Rating:
    """Hide a review's text (abuse); its value still counts in the aggregates."""
    return _review_hidden(rating, actor, True)


def review_unhide(*, rating: Rating, actor: str) -> Rating:
    """Show a hidden review's text again."""
    return _review_hidden(rating, actor, False)


# --- Aggregates ------------------------------------------------------------------------------


def _summary(ratings: QuerySet[Rating]) -> dict[str, Any]:
    half = Decimal("0.5")
    by_star = {
        f"star{star}": Count(
            "pk", filter=Q(value__gte=max(star - half, Decimal(0)), value__lt=star + half)
        )
        for star in STARS
    }
    figures = ratings.aggregate(
        count=Count("pk"), total=Sum("value"), last=Max("rated_at"), **by_star
    )
    figures["distribution"] = {str(star): figures.pop(f"star{star}") for star in STARS}
    return figures


def provider_reputation_refresh(*, provider_id: int) -> None:
    """Rewrite an installer's published rating from its baseline and the votes received here.

    The caller holds the provider's lock (ratings.lock_objects.rated_lock) inside its transaction.
    """
    row = Provider.objects.filter(pk=provider_id).values(
        *RATING_FIGURES, "rating_baseline_value", "rating_baseline_count"
    )[0]
    base_value, base_count = row["rating_baseline_value"], row["rating_baseline_count"]
    if base_count is None:  # never captured: the published figures are still the baseline
        base_value, base_count = row["rating_value"], row["rating_count"]
    votes = _summary(provider_votes(provider_id))
    count, total = votes["count"], votes["total"] or Decimal(0)
    if count == 0:
        value, published_count = base_value, base_count
    elif base_value is None or base_count == 0:
        value, published_count = mean(total, count), count
    else:
        value = mean(base_value * base_count + total, base_count + count)
        published_count = base_count + count
    Provider.objects.filter(pk=provider_id).update(
        rating_value=value,
        rating_count=published_count,
        rating_baseline_value=base_value,
        rating_baseline_count=base_count,
        rating_distribution=votes["distribution"],
        rating_last_at=votes["last"],
    )
    # QuerySet.update sends no model signal: the published rating changed.
    catalog_changed_send(sender=Provider, provider_ids=[provider_id])


def technician_reputation_refresh(*, technician_id: int) -> None:
    """Rewrite a technician's aggregate from its Agent ratings. The caller holds the technician's
    lock (ratings.lock_objects.rated_lock) inside its transaction."""
    votes = _summary(
        Rating.objects.filter(technician_id=technician_id, category=Rating.Category.AGENT)
    )
    TechnicianReputation.objects.update_or_create(
        technician_id=technician_id,
        defaults={
            "rating_value": mean(votes["total"], votes["count"]) if votes["count"] else None,
            "rating_count": votes["count"],
            "rating_distribution": votes["distribution"],
            "rating_last_at": votes["last"],
        },
    )


# --- Catalog writes: the baseline -------------------------------------------------------------


def _figures(value: object, count: object) -> tuple[Decimal | None, int]:
    return (None if value is None else Decimal(str(value)), int(count or 0))


Baseline = tuple[Decimal | None, int | None]


def provider_baseline_capture(*, provider: Provider) -> Baseline | None:
    """Before a provider is saved: the baseline its rating figures stand for once saved.

    Figures written into it (by the catalog import, the admin) become the baseline; figures saved
    back as they were published (an edit of something else) keep the baseline it had. A new
    provider gets its figures as baseline on the instance itself (None is returned: nothing to
    recompute).
    """
    incoming = _figures(provider.rating_value, provider.rating_count)
    stored = (
        Provider.objects.filter(pk=provider.pk)
        .values(*RATING_FIGURES, "rating_baseline_value", "rating_baseline_count")
        .first()
        if provider.pk
        else None
    )
    if stored is None:
        provider.rating_baseline_value, provider.rating_baseline_count = incoming
        return None
    if incoming == _figures(stored["rating_value"], stored["rating_count"]):
        return stored["rating_baseline_value"], stored["rating_baseline_count"]
    return incoming


def provider_reputation_sync(*, provider: Provider, baseline: Baseline) -> None:
    """After a provider was saved: record its baseline and publish it combined with the votes
    received here (which also undoes whatever a stale copy of the row wrote over them)."""
    with transaction.atomic():
        rated_lock(provider_ids=[provider.pk])
        Provider.objects.filter(pk=provider.pk).update(
            rating_baseline_value=baseline[0], rating_baseline_count=baseline[1]
        )
        provider_reputation_refresh(provider_id=provider.pk)
        fresh = Provider.objects.filter(pk=provider.pk).values(
            *RATING_FIGURES,
            "rating_baseline_value",
            "rating_baseline_count",
            "rating_distribution",
            "rating_last_at",
        )[0]
    for name, value in fresh.items():
        setattr(provider, name, value)
