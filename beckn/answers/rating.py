"""rating -> on_rating: the ratings recorded (all or none, through ratings.services), and a
feedback form (XInput) where the buyer writes the review behind them."""

from typing import Any

from django.urls import reverse

from beckn.answers.composer import BusinessError, composer
from beckn.answers.order import own_order
from beckn.models import OrderLink
from beckn.selectors import transaction_link
from documents.selectors import absolute_url
from orders import errors
from orders.models import Order
from ratings.models import Rating
from ratings.services import RatingEntry, ratings_submit
from ratings.tokens import feedback_token

JSON = dict[str, Any]


# BECKN-008 names the rated things; each is one of the order's (ratings.services has the rules).
RATING_CATEGORIES = {
    "Item": Rating.Category.ITEM,
    "Order": Rating.Category.ORDER,
    "Fulfillment": Rating.Category.FULFILLMENT,
    "Provider": Rating.Category.PROVIDER,
    "Agent": Rating.Category.AGENT,
    "Support": Rating.Category.SUPPORT,
}


def _named_order(request: JSON, order_id: str) -> Order:
    """The order an Order rating names by id; another BAP's order is not found (30014)."""
    try:
        return own_order(request, order_id)
    except errors.OrderNotFound:
        raise BusinessError("30014", f"No order {order_id!r} of yours to rate.") from None


def _rated_order(
    request: JSON, category: str, entity_id: str, link: OrderLink | None, named: list[Order]
) -> Order:
    """The order a rating of another category than Order is about: the order placed in this
    transaction (`link`: the BAP rates in the order's transaction), or else the order an Order
    rating of the same message names."""
    if link is not None:
        return link.order
    if named:
        return named[0]
    raise BusinessError(
        "30014",
        f"No order of yours in transaction {request['context']['transaction_id']!r} has a "
        f"{category.lower()} {entity_id!r}: rate in the transaction of the order, or rate the "
        "order too.",
    )


@composer("rating", message_with_error=True)
def answer_rating(request: JSON) -> JSON:
    """Record the ratings (all or none); on_rating offers a feedback form (XInput) where the
    buyer writes the review behind them."""
    # The serializer accepted numbers as text: read them as text.
    ratings = [
        {**rating, "rating_category": str(rating["rating_category"]), "id": str(rating["id"])}
        for rating in request["message"]["ratings"]
    ]
    categories = []
    for rating in ratings:
        category = RATING_CATEGORIES.get(rating["rating_category"])
        if category is None:
            raise BusinessError(
                "50003",
                f"Rating category {rating['rating_category']!r} is not supported; use one of "
                f"{', '.join(RATING_CATEGORIES)}.",
            )
        categories.append(category)
    named = {
        index: _named_order(request, rating["id"])
        for index, (category, rating) in enumerate(zip(categories, ratings, strict=True))
        if category == Rating.Category.ORDER
    }
    context = request["context"]
    link = (
        transaction_link(context["bap_id"], context["transaction_id"])
        if len(named) < len(ratings)  # some rating is of another category than Order
        else None
    )
    entries = [
        RatingEntry(
            order=named.get(index)
            or _rated_order(request, category, rating["id"], link, list(named.values())),
            category=category,
            entity_id=rating["id"],
            value=rating["value"],
        )
        for index, (category, rating) in enumerate(zip(categories, ratings, strict=True))
    ]
    saved = ratings_submit(
        entries=entries, channel=Order.Channel.NETWORK, buyer_reference=context["bap_id"]
    )
    review = next((r for r in reversed(saved) if r.is_review), saved[-1])
    form_url = absolute_url(reverse("ratings:feedback", args=[feedback_token(review)]))
    return {
        "feedback_form": {"form": {"url": form_url, "mime_type": "text/html"}, "required": False}
    }
