"""Ratings take their row locks in the domain's order (ratings/lock_objects.py): the installer,
the rated order, the technician, then the ratings and aggregates written under them."""

import pytest

from catalog.models import Provider
from orders.models import Order, Technician
from ratings.models import Rating, TechnicianReputation
from ratings.services import RatingEntry, ratings_submit, review_reply
from tests.orders.factories import TechnicianFactory
from tests.orders.locks import locks_taken
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = pytest.mark.django_db


def test_rating_an_order_and_its_technician_locks_in_the_written_order() -> None:
    technician = TechnicianFactory()
    order = CompletedOrderFactory(provider=technician.provider, technician=technician)
    entries = [
        RatingEntry(order=order, category=Rating.Category.AGENT, value=5),
        RatingEntry(order=order, category=Rating.Category.ORDER, value=4),
    ]

    with locks_taken() as locks:
        ratings_submit(
            entries=entries, channel=order.channel, buyer_reference=order.buyer_reference
        )

    assert locks[:3] == [Provider, Order, Technician]
    assert set(locks[3:]) == {Rating, TechnicianReputation}
    locks.assert_in_order()


def test_a_reply_locks_only_its_rating() -> None:
    rating = rate(CompletedOrderFactory(), "4")

    with locks_taken() as locks:
        review_reply(rating=rating, text="Thank you.", actor="user:ops")

    assert locks == [Rating]
