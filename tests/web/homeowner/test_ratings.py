"""The homeowner's pages: rating a completed installation on its tracking page (CSRF-protected,
errors shown on the page), the installer's reply and reputation there, and the feedback form a
buyer app links to from on_rating."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from catalog.models import Provider
from catalog.taxonomy import InstallationStatus
from orders.models import Order
from ratings import tokens
from ratings.models import Rating
from ratings.services import review_hide, review_reply
from tests.catalog.factories import ProviderFactory
from tests.ratings.factories import CompletedOrderFactory, rate

pytestmark = pytest.mark.django_db


def track_url(order: Order) -> str:
    return reverse("orders:track", args=[order.tracking_token])


def rate_url(order: Order) -> str:
    return reverse("ratings:order_rate", args=[order.tracking_token])


def feedback_url(rating: Rating) -> str:
    return reverse("ratings:feedback", args=[tokens.feedback_token(rating)])


@pytest.fixture
def browser() -> Client:
    """A homeowner's browser: CSRF checks on, as in production."""
    return Client(enforce_csrf_checks=True)


def post_rating(browser: Client, order: Order, **data: str) -> object:
    """Open the tracking page, then send its rating form with the page's CSRF token."""
    page = browser.get(track_url(order))
    assert page.status_code == 200
    token = page.context["csrf_token"]
    return browser.post(rate_url(order), {"csrfmiddlewaretoken": str(token), **data})


def test_a_completed_installation_asks_for_a_rating_beside_the_installers_reputation(
    browser: Client,
) -> None:
    provider = ProviderFactory(
        name="Golden Gate Solar", rating_value=Decimal("4.7"), rating_count=312
    )
    order = CompletedOrderFactory(provider=provider)

    page = browser.get(track_url(order)).content.decode()

    assert "Golden Gate Solar:" in page and "<strong>4.7/5</strong> from 312 ratings" in page
    assert f'action="{rate_url(order)}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="value"' in page and 'name="comment"' in page
    # The rating is five radio buttons drawn as stars, in a fieldset its legend names.
    assert '<fieldset class="star-input"' in page and "<legend>Your rating</legend>" in page
    assert page.count('type="radio" name="value"') == 5
    assert '<span class="visually-hidden">4 stars</span>' in page
    assert 'aria-label="4.7 out of 5 stars"' in page


@pytest.mark.parametrize(
    "status",
    [InstallationStatus.SCHEDULED, InstallationStatus.IN_PROGRESS, InstallationStatus.CANCELLED],
)
def test_an_installation_not_completed_shows_no_rating_form(browser: Client, status: str) -> None:
    order = CompletedOrderFactory(status=status, phase="")

    page = browser.get(track_url(order)).content.decode()

    assert 'data-form="rating"' not in page
    assert "You can rate the installation once it is completed." in page
    assert "not rated yet" in page


def test_the_homeowner_rates_then_changes_the_rating(browser: Client) -> None:
    order = CompletedOrderFactory()

    sent = post_rating(browser, order, value="4.5", comment="Tidy and on time.")

    assert sent.status_code == 302
    assert sent["Location"] == track_url(order) + "#review"
    page = browser.get(sent["Location"]).content.decode()
    assert "Your rating: <strong>4.5/5</strong>" in page
    assert "Tidy and on time." in page
    assert "<strong>4.5/5</strong> from 1 rating<" in page
    assert "5 stars: 1 (100%)" in page
    assert "Update my rating" in page

    again = post_rating(browser, order, value="3", comment="")

    assert again.status_code == 302
    (rating,) = Rating.objects.filter(order=order)
    assert (rating.category, rating.value, rating.comment) == (
        Rating.Category.ORDER,
        Decimal("3.00"),
        "",
    )
    order.provider.refresh_from_db()
    assert (order.provider.rating_value, order.provider.rating_count) == (Decimal("3.00"), 1)


def test_a_rating_without_the_pages_csrf_token_is_refused(browser: Client) -> None:
    order = CompletedOrderFactory()

    response = browser.post(rate_url(order), {"value": "5"})

    assert response.status_code == 403
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"value": "7"}, "outside the 0 to 5 scale"),
        ({"value": "-1"}, "outside the 0 to 5 scale"),
        ({"value": "great"}, "is not a number from 0 to 5"),
        ({"value": ""}, "This field is required."),
        ({"value": "4", "comment": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_an_invalid_rating_shows_the_page_again_with_the_error(
    browser: Client, data: dict, message: str
) -> None:
    order = CompletedOrderFactory()

    response = post_rating(browser, order, **data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f"Installation request {order.installation_request_id}" in page
    assert 'data-form="rating"' in page
    assert not Rating.objects.exists()


def test_rating_an_installation_not_completed_says_why(browser: Client) -> None:
    order = CompletedOrderFactory()
    page = browser.get(track_url(order))
    Order.objects.filter(pk=order.pk).update(status=InstallationStatus.FAILED)

    response = browser.post(
        rate_url(order), {"csrfmiddlewaretoken": str(page.context["csrf_token"]), "value": "1"}
    )

    assert response.status_code == 400
    assert "can be rated once its installation is completed" in response.content.decode()
    assert not Rating.objects.exists()


def test_unknown_orders_and_other_methods(browser: Client) -> None:
    assert Client().post("/track/no-such-token/rating", {"value": "4"}).status_code == 404
    order = CompletedOrderFactory()
    assert browser.get(rate_url(order)).status_code == 405


def test_the_page_updates_the_review_given_in_the_buyer_app_and_keeps_the_reply(
    browser: Client,
) -> None:
    order = CompletedOrderFactory()
    given = rate(order, "2", category=Rating.Category.PROVIDER, comment="Crooked panels.")
    review_reply(rating=given, text="Fixed on the 3rd, sorry.", actor="user:ops")

    page = browser.get(track_url(order)).content.decode()
    assert "Crooked panels." in page
    assert "Reply from " in page and "Fixed on the 3rd, sorry." in page
    assert 'value="2" id="id_value_1" checked' in page  # the form starts from the review given

    post_rating(browser, order, value="4", comment="Crooked panels, fixed quickly.")

    (rating,) = Rating.objects.filter(order=order)
    assert (rating.pk, rating.value, rating.reply) == (
        given.pk,
        Decimal("4.00"),
        "Fixed on the 3rd, sorry.",
    )


def test_a_hidden_comment_is_not_shown(browser: Client) -> None:
    order = CompletedOrderFactory()
    rating = rate(order, "1", comment="Abusive words here")
    review_hide(rating=rating, actor="user:staff")

    page = browser.get(track_url(order)).content.decode()

    assert "Abusive words here" not in page
    assert "hidden by the platform" in page
    assert "Your rating: <strong>1/5</strong>" in page


# --- The feedback form of on_rating -----------------------------------------------------------


def test_the_feedback_form_is_a_plain_html_form_posting_to_itself(settings: object) -> None:
    rating = rate(CompletedOrderFactory(), "4", category=Rating.Category.PROVIDER)
    url = feedback_url(rating)

    page = Client().get(url)

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "X-Frame-Options" not in page  # buyer apps may embed it
    html = page.content.decode()
    assert f'<form action="{settings.SITE_URL}{url}" method="post">' in html
    assert 'name="comment"' in html and "<script" not in html


def test_a_buyer_app_posts_the_review_and_gets_a_submission_id() -> None:
    rating = rate(CompletedOrderFactory(), "4", category=Rating.Category.PROVIDER)

    response = Client().post(feedback_url(rating), {"comment": " Friendly crew. "})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] is True
    rating.refresh_from_db()
    assert rating.comment == "Friendly crew."
    assert str(rating.feedback_submission_id) == body["submission_id"]


def test_a_person_posting_the_form_gets_a_page() -> None:
    rating = rate(CompletedOrderFactory(), "4")

    response = Client().post(
        feedback_url(rating), {"comment": "Great"}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 200
    assert "Your review of" in response.content.decode()


def test_json_or_a_page_follows_the_preferred_type_as_for_the_documents_form() -> None:
    rating = rate(CompletedOrderFactory(), "4")
    app = {"Accept": "application/json, text/html;q=0.5"}
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

    as_app = Client().post(feedback_url(rating), {"comment": "Tidy"}, headers=app)
    as_person = Client().post(feedback_url(rating), {"comment": "Tidy"}, headers=browser)

    assert as_app.status_code == 200 and as_app.json()["status"] is True
    assert as_person.status_code == 200 and "Your review of" in as_person.content.decode()


def test_an_empty_review_is_refused() -> None:
    rating = rate(CompletedOrderFactory(), "4")

    as_app = Client().post(feedback_url(rating), {"comment": "  "})
    as_person = Client().post(
        feedback_url(rating), {"comment": ""}, headers={"Accept": "text/html"}
    )

    assert as_app.status_code == 400
    assert as_app.json()["status"] is False
    assert as_app.json()["errors"][0]["path"] == "comment"
    assert as_person.status_code == 400 and "This field is required." in as_person.content.decode()
    rating.refresh_from_db()
    assert rating.comment == ""


def test_a_forged_altered_or_expired_feedback_link_is_not_found(monkeypatch: object) -> None:
    rating = rate(CompletedOrderFactory(), "4")
    other = rate(CompletedOrderFactory(buyer_reference="other.example"), "4")
    token = tokens.feedback_token(rating)
    forged = signing.dumps({"rating": other.pk, "order": other.order_id}, salt=tokens.SALT, key="x")
    mixed = signing.dumps({"rating": other.pk, "order": rating.order_id}, salt=tokens.SALT)
    for bad in [token[:-2] + "xx", forged, mixed, "nothing"]:
        assert Client().get(f"/ratings/feedback/{bad}").status_code == 404, bad

    monkeypatch.setattr(tokens, "MAX_AGE", timedelta(seconds=-1))
    assert Client().get(f"/ratings/feedback/{token}").status_code == 404
    assert Client().post(f"/ratings/feedback/{token}", {"comment": "late"}).status_code == 404
    other.refresh_from_db()
    assert other.comment == ""


def test_the_seed_installers_rating_shows_on_its_orders_until_someone_rates(
    demo_catalog: None,
) -> None:
    sunpower = Provider.objects.get(external_id="sunpower_sf")
    order = CompletedOrderFactory(provider=sunpower)

    page = Client().get(track_url(order)).content.decode()

    assert "SunPower Installers:" in page and "<strong>4.6/5</strong>" in page
    assert " from 0 ratings" not in page
