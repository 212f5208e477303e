"""The homeowner is kept informed by e-mail: each change records the e-mail on the order, the
worker's task sends it after the commit (here: the on_commit callbacks run at the block's end and
the queued task runs in this process, as the worker runs it), to the right person, with the right
words and times (the site's zone), and an .ics invitation for appointments."""

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from catalog.formatting import money
from catalog.taxonomy import VerificationStatus
from documents import services as document_services
from documents.models import Document
from notices import receivers, services, tasks
from notices.models import OrderEmail, ReminderOptOut
from orders import services as order_services
from orders.models import Order, PaymentCollector, PaymentTerms
from orders.policies import Slot
from payments import selectors as payment_selectors
from payments.models import Payment
from tests.orders.factories import OrderFactory, TechnicianFactory
from tests.web.homeowner.helpers import (
    INSTALLER,
    complete,
    homeowner_client,
    place_web_order,
    sunpower_item,
)
from tests.web.workspace.helpers import Role, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
EMILY = "emily.tran@example.com"


@contextmanager
def sent_after_commit() -> Iterator[None]:
    """The block's on_commit callbacks run at its end; the e-mail task they queue runs here."""
    with (
        mock.patch.object(
            tasks.order_email_send, "delay", lambda email_id: tasks.order_email_send(email_id)
        ),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        yield


def ics_of(message: mail.EmailMessage) -> str:
    (name, content, mimetype), *_ = message.attachments
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    return content


def html_of(message: mail.EmailMultiAlternatives) -> str:
    return next(body for body, kind in message.alternatives if kind == "text/html")


@pytest.fixture
def emily() -> Client:
    return homeowner_client()


@pytest.fixture
def order(emily: Client) -> Order:
    with sent_after_commit():
        return place_web_order(emily, sunpower_item())


def test_a_web_order_is_confirmed_with_its_survey_in_the_sites_time(order: Order) -> None:
    (placed,) = mail.outbox
    assert placed.to == [EMILY]
    assert placed.subject == (
        f"Your order {order.installation_request_id} with {order.provider.name} is placed"
    )
    survey = order.survey_in_words()
    assert survey.endswith(" PST") and "10:00\u201312:00" in survey
    assert f"Site survey: {survey}" in placed.body
    assert f"/track/{order.tracking_token}" in placed.body
    assert 'href="http://testserver' not in html_of(placed)
    assert f"/track/{order.tracking_token}" in html_of(placed)
    invitation = ics_of(placed)
    local = order.survey_start.astimezone(order.zone)
    assert f"DTSTART;TZID=America/Los_Angeles:{local:%Y%m%dT%H%M%S}" in invitation
    recorded = OrderEmail.objects.get(order=order)
    assert (recorded.kind, recorded.status, recorded.recipient) == ("PLACED", "SENT", EMILY)
    assert recorded.sent_at is not None


def test_a_moved_survey_a_technician_and_the_completion_are_told(order: Order) -> None:
    mail.outbox.clear()
    day = timezone.localdate() + timedelta(days=8)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    moved = Slot(
        *[timezone.datetime(day.year, day.month, day.day, h, tzinfo=order.zone) for h in (13, 15)]
    )
    with sent_after_commit():
        order_services.order_schedule(
            order=order, appointment="SURVEY", slot=moved, actor=INSTALLER
        )
    (appointment,) = mail.outbox
    assert appointment.subject.startswith("Your site survey with ")
    assert "13:00\u201315:00 PST" in appointment.subject
    assert "TZID=America/Los_Angeles" in ics_of(appointment)

    mail.outbox.clear()
    with sent_after_commit():
        order = complete(order)
    kinds = [e.kind for e in OrderEmail.objects.filter(order=order).order_by("pk")]
    assert kinds == ["PLACED", "APPOINTMENT", "TECHNICIAN", "COMPLETED"]
    technician, completed = mail.outbox
    assert "Marcus Lee (+14155550123) is your technician" in technician.body
    assert completed.subject == f"Your installation {order.installation_request_id} is completed"
    assert f"/documents/orders/{order.tracking_token}/certificate.pdf" in completed.body
    assert f"/documents/orders/{order.tracking_token}/invoice.pdf" in completed.body
    assert all(m.to == [EMILY] for m in mail.outbox)


def test_documents_to_redo_say_which_and_why(order: Order) -> None:
    mail.outbox.clear()
    document = Document.objects.filter(order=order, is_current=True).first()
    with sent_after_commit():
        document_services.document_verify(
            document=document,
            status=VerificationStatus.NEEDS_REVISION,
            reviewer=INSTALLER,
            reason="The photo is blurred",
        )
    (redo,) = mail.outbox
    assert redo.subject == f"Order {order.installation_request_id}: documents to send again"
    assert f"- {document.document_type.name}: needs revision (The photo is blurred)" in redo.body


def test_orders_of_buyer_apps_get_no_email_unless_the_operator_turns_it_on() -> None:
    order = OrderFactory(customer_email="ravi@example.com")  # placed over the network
    technician = TechnicianFactory(provider=order.provider)
    with sent_after_commit():
        order_services.order_technician_assign(order=order, technician=technician, actor="x")
    assert mail.outbox == [] and not OrderEmail.objects.exists()

    with override_settings(NOTIFY_NETWORK_ORDERS=True), sent_after_commit():
        order_services.order_technician_assign(
            order=order, technician=TechnicianFactory(provider=order.provider), actor="x"
        )
    assert [m.to for m in mail.outbox] == [["ravi@example.com"]]


def test_one_reminder_per_appointment_and_a_link_turns_them_off(emily: Client) -> None:
    soon = timezone.now() + timedelta(hours=20)
    order = OrderFactory(
        channel=Order.Channel.WEB,
        customer_email=EMILY,
        survey_start=soon,
        site_time_zone="America/New_York",
    )
    with mock.patch.object(tasks.order_email_send, "delay", tasks.order_email_send):
        assert tasks.appointment_reminders_queue() == 1
        assert tasks.appointment_reminders_queue() == 0  # the beat runs again: nothing new
    (reminder,) = mail.outbox
    assert reminder.subject.startswith("Tomorrow: your site survey with ")
    assert reminder.subject.endswith(" EST")
    link = next(line for line in reminder.body.splitlines() if "/reminders/off/" in line)
    path = link[link.index("/reminders/off/") :]

    client = Client()
    assert client.get(path).status_code == 200
    assert not ReminderOptOut.objects.exists()  # a GET (a mail scanner) changes nothing
    assert client.post(path).status_code == 200
    assert ReminderOptOut.objects.filter(order=order).exists()
    assert client.post(path[:-3] + "xyz").status_code == 404

    Order.objects.filter(pk=order.pk).update(survey_start=soon + timedelta(hours=1))
    assert services.appointment_reminders_record() == []  # turned off


def test_a_failing_mail_server_is_retried_then_shown_to_the_installer(order: Order) -> None:
    email = OrderEmail.objects.create(order=order, kind="TECHNICIAN", key="test", recipient=EMILY)
    order.technician = TechnicianFactory(provider=order.provider)
    order.save()
    refused = smtplib.SMTPRecipientsRefused({EMILY: (550, b"No such user")})
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused),
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        services.order_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("QUEUED", 1)
    assert "SMTPRecipientsRefused" in email.failure
    services.order_email_failed(email_id=email.pk, failure=email.failure)

    client = Client()
    client.force_login(member(order.provider, Role.DISPATCHER))
    page = client.get(f"/installer/orders/{order.pk}/").content.decode()
    assert 'data-email="technician" data-status="failed"' in page
    assert "No such user" in page


def test_a_card_payment_gets_its_receipt(order: Order) -> None:
    mail.outbox.clear()
    payment = Payment.objects.create(
        order=order,
        gateway="test",
        amount=order.total,
        currency="USD",
        status=Payment.Status.PAID,
        gateway_reference="pi_123",
        paid_amount=order.total,
        paid_currency="USD",
        paid_at=timezone.now(),
    )
    with sent_after_commit():
        receivers.payment_changed(sender=Payment, payment=payment, event=None)
        receivers.payment_changed(sender=Payment, payment=payment, event=None)  # a replay
    (receipt,) = mail.outbox
    assert receipt.subject == f"Receipt: your payment for order {order.installation_request_id}"
    assert f"We received your payment of ${order.total:,.2f}" in receipt.body
    assert "Reference: pi_123" in receipt.body


def test_installers_get_new_orders_and_documents_to_review_by_their_choice(
    emily: Client,
) -> None:
    item = sunpower_item()
    dispatcher = member(item.provider, Role.DISPATCHER)
    owner = member(item.provider, Role.OWNER)
    client = Client()
    client.force_login(owner)
    membership = dispatcher.provider_member
    answer = client.post(
        f"/installer/team/{membership.pk}/",
        {"role": "DISPATCHER", "emails_new_orders": "on", "emails_documents": "on"},
    )
    assert answer.status_code == 302, answer.content.decode()
    membership.refresh_from_db()
    assert membership.emails_new_orders and membership.emails_documents

    with sent_after_commit():
        order = place_web_order(emily, item)
    to_installer = [m for m in mail.outbox if m.to == [dispatcher.email]]
    subjects = sorted(m.subject for m in to_installer)
    assert subjects == [
        f"New order {order.installation_request_id}: Emily Tran",
        f"Order {order.installation_request_id}: documents to review",
    ]
    assert all(owner.email not in m.to for m in mail.outbox)  # the owner did not choose them
    assert all(f"/installer/orders/{order.pk}/" in m.body for m in to_installer)


def pay_now_lines(message: mail.EmailMultiAlternatives) -> tuple[list[str], str]:
    """The "Pay now" lines of the text and the link of the HTML ('' when there is none)."""
    lines = [line for line in message.body.splitlines() if line.startswith("Pay now")]
    html = html_of(message)
    marker = html.find("data-pay-now")
    return lines, html[
        html.rfind("<a ", 0, marker) : html.find("</a>", marker) + 4
    ] if marker >= 0 else ""


def test_an_order_paid_on_installation_is_placed_with_a_pay_now_link(order: Order) -> None:
    (placed,) = mail.outbox
    url = payment_selectors.payment_page_url(order=order)
    amount = money(order.total, order.currency)
    (line,), link = pay_now_lines(placed)
    assert line == f"Pay now {amount} (due on installation): {url}"
    assert f'href="{url}"' in link and f"Pay now {amount}" in link


def test_paid_after_the_installation_the_completion_carries_the_pay_now_link(
    emily: Client,
) -> None:
    with sent_after_commit():
        order = place_web_order(emily, sunpower_item(), payment="pay-on-site")
    assert order.payment_terms == PaymentTerms.POST_FULFILLMENT
    (placed,) = mail.outbox
    assert pay_now_lines(placed) == ([], "")  # not due before the installation
    mail.outbox.clear()
    with sent_after_commit():
        order = complete(order)
    completed = next(m for m in mail.outbox if m.subject.endswith("is completed"))
    (line,), link = pay_now_lines(completed)
    url = payment_selectors.payment_page_url(order=order)
    assert line.endswith(f"(due after the installation): {url}")
    assert money(order.total, order.currency) in line and f'href="{url}"' in link


def test_nothing_to_pay_no_pay_now_link(order: Order) -> None:
    Payment.objects.create(
        order=order,
        gateway="test",
        amount=order.total,
        currency="USD",
        status=Payment.Status.PAID,
        paid_amount=order.total,
        paid_currency="USD",
        paid_at=timezone.now(),
    )
    mail.outbox.clear()
    with sent_after_commit():
        order_services.order_technician_assign(
            order=order, technician=TechnicianFactory(provider=order.provider), actor=INSTALLER
        )
    (paid,) = mail.outbox
    assert pay_now_lines(paid) == ([], "")

    for collector, shown in (
        (PaymentCollector.BUYER_APP, False),
        (PaymentCollector.INSTALLER, True),
    ):
        network = OrderFactory(
            customer_email="ravi@example.com",
            payment_terms=PaymentTerms.ON_FULFILLMENT,
            payment_collector=collector,
        )
        mail.outbox.clear()
        with override_settings(NOTIFY_NETWORK_ORDERS=True), sent_after_commit():
            order_services.order_technician_assign(
                order=network, technician=TechnicianFactory(provider=network.provider), actor="x"
            )
        (message,) = mail.outbox
        assert bool(pay_now_lines(message)[0]) is shown, collector
