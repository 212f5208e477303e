"""The test gateway end to end over HTTP, as `make run` takes a payment offline: our pay page,
the gateway's hosted card page, its signed event posted by the Celery worker to our webhook on
the live server, and the order paid."""

import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from catalog.taxonomy import PaymentStatus
from orders.models import Order, OrderEvent
from payments.models import Payment, PaymentEvent, TestGatewayEvent
from payments.selectors import payment_page_url
from payments.signals import payment_changed
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("celery_worker")]

CARD = {"expiry": "12/39", "cvc": "123", "name": "Emily Tran"}


class Browser:
    """A card holder's browser: cookies, CSRF tokens of the forms it submits."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.page: requests.Response | None = None

    def get(self, url: str) -> requests.Response:
        self.page = self.session.get(url, timeout=10)
        return self.page

    def submit(self, **fields: str) -> requests.Response:
        """Submit the form of the page shown (its own URL) with `fields`."""
        assert self.page is not None
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page.text)
        assert token, self.page.text
        self.page = self.session.post(
            self.page.url, data={"csrfmiddlewaretoken": token[1], **fields}, timeout=10
        )
        return self.page


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def heard() -> Iterator[list[str]]:
    statuses: list[str] = []

    def receiver(sender: Any, payment: Payment, **kwargs: Any) -> None:
        statuses.append(payment.status)

    payment_changed.connect(receiver)
    yield statuses
    payment_changed.disconnect(receiver)


def settled(order: Order, events: int) -> Payment:
    """The order's payment once the gateway's `events` events reached our webhook."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if TestGatewayEvent.objects.filter(delivered_at__isnull=False).count() >= events:
            return Payment.objects.get(order=order)
        time.sleep(0.05)
    raise AssertionError(list(TestGatewayEvent.objects.values("type", "attempts", "last_error")))


def text(page: requests.Response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def pay(browser: Browser, order: Order) -> requests.Response:
    """Our pay page, then its Pay button: the browser lands on the gateway's card page."""
    page = browser.get(payment_page_url(order=order))
    assert page.status_code == 200
    assert "Pay 85,000.00 USD by card" in text(page)
    return browser.submit()


def test_a_good_card_pays_the_order(site: str, heard: list[str]) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    browser = Browser()
    card_page = pay(browser, order)
    assert card_page.status_code == 200 and "/payments/test-gateway/checkouts/tcs_" in card_page.url
    assert "85,000.00 USD" in text(card_page) and "4000 0025 0000 3155" in card_page.text

    back = browser.submit(number="4242 4242 4242 4242", **CARD)
    assert back.url == f"{payment_page_url(order=order)}?checkout=done"
    payment = settled(order, events=1)
    assert payment.status == Payment.Status.PAID
    order.refresh_from_db()
    assert (order.payment_status, order.payment_reference) == (
        PaymentStatus.PAID,
        payment.gateway_reference,
    )
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.PAYMENT).count() == 1
    assert heard == [Payment.Status.PAID]
    receipt = text(browser.get(payment_page_url(order=order)))
    assert "Paid 85,000.00 USD on" in receipt and payment.gateway_reference in receipt
    # The gateway's page of a paid checkout takes no card any more.
    assert requests.get(payment.checkout_url, timeout=10).status_code == 410


def test_a_declined_card_then_a_good_one(site: str, heard: list[str]) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    browser = Browser()
    pay(browser, order)
    declined = browser.submit(number="4000 0000 0000 0002", **CARD)
    assert declined.status_code == 402
    assert "Your card was declined." in text(declined)
    payment = settled(order, events=1)
    assert (payment.status, payment.problem) == (Payment.Status.DECLINED, "Your card was declined.")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PENDING

    # Back on our page: the reason is shown, and Pay opens the same checkout again.
    page = browser.get(payment_page_url(order=order))
    assert "Your card was declined." in text(page)
    again = browser.submit()
    assert again.url == payment.checkout_url
    # A malformed number never reaches the gateway's decision.
    wrong = browser.submit(number="4242 4242 4242 4241", **CARD)
    assert wrong.status_code == 400 and "Your card number is invalid." in text(wrong)
    browser.submit(number="4242424242424242", **CARD)
    assert settled(order, events=2).status == Payment.Status.PAID
    assert heard == [Payment.Status.DECLINED, Payment.Status.PAID]


def test_a_card_that_asks_for_confirmation(site: str) -> None:
    order = OrderFactory(total=Decimal("85000.00"), currency="USD")
    browser = Browser()
    pay(browser, order)
    confirm = browser.submit(number="4000 0025 0000 3155", **CARD)
    assert confirm.url.endswith("/authenticate/")
    assert "Confirm this payment" in text(confirm) and "ending in 3155" in text(confirm)

    failed = browser.submit(decision="fail")
    assert failed.status_code == 402
    assert "We are unable to authenticate your payment method." in text(failed)
    payment = settled(order, events=1)
    assert payment.status == Payment.Status.DECLINED

    browser.submit(number="4000 0025 0000 3155", **CARD)
    back = browser.submit(decision="approve")
    assert back.url == f"{payment_page_url(order=order)}?checkout=done"
    payment = settled(order, events=2)
    assert payment.status == Payment.Status.PAID
    assert list(PaymentEvent.objects.values_list("kind", flat=True)) == [
        PaymentEvent.Kind.CHECKOUT_OPENED,
        PaymentEvent.Kind.FAILED,
        PaymentEvent.Kind.SUCCEEDED,
    ]
