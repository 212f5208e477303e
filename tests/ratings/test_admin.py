"""Staff in the admin: reply to a review once on the installer's behalf, hide abusive text (the
value still counts), and read installers' and technicians' reputations."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ratings.models import Rating
from tests.catalog.factories import ProviderFactory
from tests.orders.factories import TechnicianFactory
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = pytest.mark.django_db


def change_url(rating: Rating) -> str:
    return reverse("admin:ratings_rating_change", args=[rating.pk])


def test_staff_reply_to_a_review_once(admin_client: Client) -> None:
    rating = rate(CompletedOrderFactory(), "2", comment="Crooked panels.")
    form = admin_client.get(change_url(rating)).content.decode()
    assert 'name="new_reply"' in form and "Crooked panels." in form

    response = admin_client.post(change_url(rating), {"new_reply": "We fixed them.", "_save": "1"})

    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.reply, rating.replied_by) == ("We fixed them.", "user:admin")
    assert rating.replied_at is not None
    page = admin_client.get(change_url(rating)).content.decode()
    assert 'name="new_reply"' not in page and "We fixed them." in page

    admin_client.post(change_url(rating), {"new_reply": "Changed my mind", "_save": "1"})
    rating.refresh_from_db()
    assert rating.reply == "We fixed them."


def test_a_reply_sent_from_a_stale_form_is_refused(admin_client: Client) -> None:
    rating = rate(CompletedOrderFactory(), "2")
    admin_client.get(change_url(rating))
    Rating.objects.filter(pk=rating.pk).update(reply="First", replied_at=rating.rated_at)

    admin_client.post(change_url(rating), {"new_reply": "Second", "_save": "1"})

    rating.refresh_from_db()
    assert rating.reply == "First"


def test_staff_hide_abusive_text_and_the_value_still_counts(admin_client: Client) -> None:
    order = CompletedOrderFactory()
    rating = rate(order, "1", comment="abusive words")

    response = admin_client.post(
        reverse("admin:ratings_rating_changelist"),
        {"action": "hide_text", "_selected_action": [rating.pk]},
    )

    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.comment_hidden and rating.hidden_by == "user:admin"
    order.provider.refresh_from_db()
    assert (order.provider.rating_value, order.provider.rating_count) == (Decimal("1.00"), 1)
    admin_client.post(
        reverse("admin:ratings_rating_changelist"),
        {"action": "show_text", "_selected_action": [rating.pk]},
    )
    rating.refresh_from_db()
    assert not rating.comment_hidden


def test_ratings_cannot_be_added_edited_or_deleted_in_the_admin(admin_client: Client) -> None:
    rating = rate(CompletedOrderFactory(), "4")
    assert admin_client.get(reverse("admin:ratings_rating_add")).status_code == 403
    admin_client.post(change_url(rating), {"value": "1", "_save": "1"})
    rating.refresh_from_db()
    assert rating.value == Decimal("4.00")
    delete = reverse("admin:ratings_rating_delete", args=[rating.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_technicians_ratings_show_in_the_technician_list(admin_client: Client) -> None:
    provider = ProviderFactory()
    david = TechnicianFactory(provider=provider, name="David C")
    TechnicianFactory(provider=provider, name="Unrated Ursula")
    for buyer, value in [("a", "5"), ("b", "4")]:
        order = CompletedOrderFactory(provider=provider, technician=david, buyer_reference=buyer)
        rate(order, value, category=Rating.Category.AGENT)

    page = admin_client.get(reverse("admin:orders_technician_changelist")).content.decode()

    assert '<td class="field-rating">4.5/5</td>' in page
    assert '<td class="field-ratings">2</td>' in page
    assert "Unrated Ursula" in page


def test_installer_reputations_list_and_detail(admin_client: Client) -> None:
    provider = ProviderFactory(
        name="Golden Gate Solar", rating_value=Decimal("4.7"), rating_count=312
    )
    technician = TechnicianFactory(provider=provider, name="David C")
    order = CompletedOrderFactory(provider=provider, technician=technician)
    rating = rate(order, "5", category=Rating.Category.PROVIDER, comment="Superb.")
    rate(order, "4", category=Rating.Category.AGENT)

    listing = admin_client.get(reverse("admin:ratings_installerreputation_changelist"))
    detail = admin_client.get(
        reverse("admin:ratings_installerreputation_change", args=[provider.pk])
    )

    assert listing.status_code == 200 and "4.7/5" in listing.content.decode()
    page = detail.content.decode()
    assert detail.status_code == 200
    assert "4.7/5 from 312" in page  # the imported baseline
    assert "5★ 1" in page
    assert f"5/5 · {rating.order} · Superb." in page
    assert "David C: 4/5 (1 rating)" in page
