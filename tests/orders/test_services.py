"""The order's state machine: every legal move, every illegal one refused, all on the timeline."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.taxonomy import InstallationPhase, InstallationStatus, SafetyStatus
from orders import errors, services
from orders.models import Order
from orders.policies import Slot, default_survey_slot
from orders.selectors import offer_quote
from orders.signals import order_changed
from tests.catalog.factories import ItemFactory
from tests.orders.factories import (
    OrderFactory,
    TechnicianFactory,
    appointments_passed,
    working_slot,
)

pytestmark = pytest.mark.django_db
ACTOR = "user:dispatcher"


def place(**overrides: object) -> Order:
    item = ItemFactory(price_estimated_value=Decimal("12000"))
    quote = offer_quote(
        provider_external_id=item.provider.external_id, item_external_ids=[item.external_id]
    )
    arguments = {
        "quote": quote,
        "billing": services.Billing(
            name="Emily Tran", address="456 Glenview St", email="emily@example.com"
        ),
        "customer": services.Customer(name="Emily Tran"),
        "site_address": "456 Glenview St",
        "channel": Order.Channel.WEB,
        "buyer_reference": "user:1",
        "actor": "user:1",
        **overrides,
    }
    return services.order_place(**arguments)


def test_placing_an_order_books_a_survey_and_starts_the_timeline() -> None:
    order = place()

    assert order.installation_request_id.startswith("IR-")
    assert (order.status, order.scheduling_status) == ("SCHEDULED", "CONFIRMED")
    assert order.total == Decimal("12000")
    # The site survey is at 10:00 in the site's zone (the installer's place's), not the server's.
    assert order.site_time_zone == "America/Los_Angeles"
    assert order.survey_start == default_survey_slot(zone=order.zone).start
    assert f"{order.survey_start.astimezone(order.zone):%H:%M}" == "10:00"
    assert [(e.kind, e.actor) for e in order.events.all()] == [
        ("CREATED", "user:1"),
        ("SCHEDULE", "user:1"),
    ]


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"expected_total": Decimal("11000")}, errors.QuoteChanged),
        ({"payment_terms": "PRE_ORDER"}, errors.PaymentNotSupported),
        (
            {"survey_slot": Slot(timezone.now() - timedelta(hours=1), timezone.now())},
            errors.UpdateNotPossible,
        ),
    ],
)
def test_orders_that_cannot_be_placed(overrides: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        place(**overrides)
    assert not Order.objects.exists()


def test_the_installation_goes_through_every_phase_in_order() -> None:
    order = appointments_passed(OrderFactory())
    phases = []
    for _ in InstallationPhase:
        order = services.order_phase_advance(order=order, actor=ACTOR)
        phases.append(order.phase)

    assert phases == list(InstallationPhase.values)
    assert order.status == InstallationStatus.IN_PROGRESS
    with pytest.raises(errors.IllegalTransition, match="no next phase"):
        services.order_phase_advance(order=order, actor=ACTOR)
    with pytest.raises(errors.IllegalTransition, match="Safety"):
        services.order_complete(order=order, actor=ACTOR)

    services.order_safety_record(order=order, safety_status=SafetyStatus.VERIFIED, actor=ACTOR)
    order = services.order_complete(order=order, actor=ACTOR, reason="Grid connected")

    assert order.status == InstallationStatus.COMPLETED
    kinds = [e.kind for e in order.events.all()]
    assert kinds == ["STATUS", "PHASE", "PHASE", "PHASE", "PHASE", "PHASE", "SAFETY", "STATUS"]
    assert order.events.last().reason == "Grid connected"


@pytest.mark.parametrize(
    "status, phase, move",
    [
        (InstallationStatus.SCHEDULED, "", services.order_complete),
        (InstallationStatus.CANCELLED, "", services.order_phase_advance),
        (
            InstallationStatus.COMPLETED,
            InstallationPhase.COMMISSIONING,
            services.order_phase_advance,
        ),
        (InstallationStatus.IN_PROGRESS, InstallationPhase.TESTING, services.order_complete),
    ],
)
def test_illegal_transitions_are_errors_not_silent(status, phase, move) -> None:
    order = OrderFactory(status=status, phase=phase)
    with pytest.raises(errors.IllegalTransition):
        move(order=order, actor=ACTOR)
    order.refresh_from_db()
    assert (order.status, order.phase, order.events.count()) == (status, phase, 0)


@pytest.mark.parametrize(
    "status, phase, allowed",
    [
        (InstallationStatus.SCHEDULED, "", True),
        (InstallationStatus.IN_PROGRESS, InstallationPhase.SITE_SURVEY, True),
        (InstallationStatus.IN_PROGRESS, InstallationPhase.PREPARATION, True),
        (InstallationStatus.IN_PROGRESS, InstallationPhase.INSTALLATION, False),
        (InstallationStatus.IN_PROGRESS, InstallationPhase.COMMISSIONING, False),
        (InstallationStatus.COMPLETED, InstallationPhase.COMMISSIONING, False),
        (InstallationStatus.CANCELLED, "", False),
    ],
)
def test_cancellation_follows_the_terms(status: str, phase: str, allowed: bool) -> None:
    order = OrderFactory(status=status, phase=phase)
    if allowed:
        order = services.order_cancel(order=order, reason_id="1", actor="bap:x", note="Sorry")
        assert order.status == InstallationStatus.CANCELLED
        assert order.cancellation_reason == "Changed my mind: Sorry"
    else:
        with pytest.raises(errors.CancellationNotPossible):
            services.order_cancel(order=order, reason_id="1", actor="bap:x")


def test_rescheduling_moves_the_next_appointment() -> None:
    order = OrderFactory()
    soon = working_slot(5)
    order = services.order_reschedule(order=order, slot=soon, actor=ACTOR)
    assert (order.survey_start, order.scheduling_status) == (soon.start, "RESCHEDULED")

    services.order_phase_advance(order=order, actor=ACTOR)
    later = working_slot(12, at=time(8), hours=8)
    order = services.order_reschedule(order=order, slot=later, actor=ACTOR)
    assert order.installation_start == later.start

    order = appointments_passed(order)
    for _ in range(2):
        services.order_phase_advance(order=order, actor=ACTOR)
    with pytest.raises(errors.UpdateNotPossible):
        services.order_reschedule(order=order, slot=working_slot(12), actor=ACTOR)


def test_a_technician_of_another_installer_cannot_be_assigned() -> None:
    order = OrderFactory()
    with pytest.raises(errors.TechnicianUnavailable):
        services.order_technician_assign(order=order, technician=TechnicianFactory(), actor=ACTOR)
    mine = TechnicianFactory(provider=order.provider)
    assert (
        services.order_technician_assign(order=order, technician=mine, actor=ACTOR).technician
        == mine
    )


def test_every_change_is_announced_once_with_its_events() -> None:
    order = OrderFactory()
    heard = []

    def listener(sender, order, events, **kwargs):
        heard.append([e.kind for e in events])

    order_changed.connect(listener)
    try:
        services.order_phase_advance(order=order, actor=ACTOR)
        services.order_payment_record(order=order, status="PAID", actor=ACTOR, reference="R1")
    finally:
        order_changed.disconnect(listener)

    assert heard == [["STATUS", "PHASE"], ["PAYMENT"]]
    order.refresh_from_db()
    assert (order.payment_status, order.payment_reference) == ("PAID", "R1")


def test_the_journey_follows_its_appointments() -> None:
    """The site survey is not left before it starts, the installation phase needs a booked
    installation, the order is not completed before the installation starts."""
    order = services.order_phase_advance(order=OrderFactory(), actor=ACTOR)
    with pytest.raises(errors.JourneyOutOfOrder, match="site survey has not started yet"):
        services.order_phase_advance(order=order, actor=ACTOR)

    past = timezone.now() - timedelta(days=1)
    Order.objects.filter(pk=order.pk).update(
        survey_start=past, survey_end=past + timedelta(hours=2)
    )
    order = services.order_phase_advance(order=order, actor=ACTOR)
    assert order.phase == InstallationPhase.PREPARATION
    with pytest.raises(errors.JourneyOutOfOrder, match="Book the installation first"):
        services.order_phase_advance(order=order, actor=ACTOR)

    order = services.order_schedule(
        order=order,
        appointment="INSTALLATION",
        slot=working_slot(3, at=time(8), hours=6),
        actor=ACTOR,
    )
    with pytest.raises(errors.JourneyOutOfOrder, match="installation has not started yet"):
        services.order_phase_advance(order=order, actor=ACTOR)

    Order.objects.filter(pk=order.pk).update(
        phase=InstallationPhase.COMMISSIONING, safety_status=SafetyStatus.VERIFIED
    )
    with pytest.raises(errors.JourneyOutOfOrder, match="installation has not started yet"):
        services.order_complete(order=order, actor=ACTOR)
    Order.objects.filter(pk=order.pk).update(installation_start=None, installation_end=None)
    with pytest.raises(errors.JourneyOutOfOrder, match="No installation was booked"):
        services.order_complete(order=order, actor=ACTOR)
    order.refresh_from_db()
    assert order.status == InstallationStatus.IN_PROGRESS
