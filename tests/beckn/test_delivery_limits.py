"""Each BAP's share of the worker adapts: a BAP that fails, times out or answers slowly has its
number of deliveries at once halved, down to one; quick answers give slots back, up to
BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP, where every BAP starts."""

import time
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from beckn.delivery import engine, limits
from beckn.inbound.services import request_accept
from beckn.models import OutboundMessage
from tests.conftest import Bap


def outbox(bap: Bap, count: int) -> list[int]:
    """`count` searches of `bap` accepted, their callbacks in the outbox (no broker message)."""
    with mock.patch("beckn.delivery.engine.callback_enqueue"):
        return [
            request_accept(action="search", body=bap.request(), signer="test") for _ in range(count)
        ]


def deliver(outbound_id: int) -> None:
    with mock.patch("beckn.delivery.engine.callback_enqueue"):
        engine.callback_deliver(outbound_id=outbound_id)


@pytest.fixture
def four_at_most(settings: Any) -> None:
    settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP = 4
    settings.BECKN_CALLBACK_SLOW_SECONDS = 1.0


@pytest.mark.django_db
@pytest.mark.usefixtures("four_at_most")
def test_failures_halve_a_baps_limit_and_quick_answers_give_slots_back(bap: Bap) -> None:
    bap_id = bap.subscriber_id
    assert limits.current(bap_id) == 4
    callbacks = outbox(bap, 6)

    bap.server.status_for = lambda callback: 503
    deliver(callbacks[0])
    assert limits.current(bap_id) == 2
    deliver(callbacks[1])
    deliver(callbacks[2])
    assert limits.current(bap_id) == 1  # never below one delivery

    bap.server.status_for = lambda callback: 200
    for number, outbound_id in enumerate(callbacks[3:], start=2):
        deliver(outbound_id)
        assert limits.current(bap_id) == number
    assert OutboundMessage.objects.filter(status="SENT").count() == 3
    deliver(outbox(bap, 1)[0])
    assert limits.current(bap_id) == 4  # the ceiling


@pytest.mark.django_db
@pytest.mark.usefixtures("four_at_most")
def test_an_unreachable_or_slow_bap_is_narrowed_too(bap: Bap, settings: Any) -> None:
    bap_id = bap.subscriber_id
    first, second = outbox(bap, 2)
    settings.BECKN_CALLBACK_SLOW_SECONDS = 0.05

    def slow(callback: Any) -> int:
        time.sleep(0.2)
        return 200

    bap.server.status_for = slow
    deliver(first)
    assert OutboundMessage.objects.get(pk=first).status == "SENT"
    assert limits.current(bap_id) == 2

    OutboundMessage.objects.filter(pk=second).update(target_url="http://127.0.0.1:9/bap")
    deliver(second)  # nothing listens on the discard port
    assert OutboundMessage.objects.get(pk=second).status == "PENDING"
    assert limits.current(bap_id) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("four_at_most")
def test_a_narrowed_bap_gets_no_more_deliveries_at_once_than_its_limit(bap: Bap) -> None:
    bap_id = bap.subscriber_id
    limits.failed(bap_id)
    limits.failed(bap_id)
    assert limits.current(bap_id) == 1
    under_way, waiting = outbox(bap, 2)
    OutboundMessage.objects.filter(pk=under_way).update(
        locked_until=timezone.now() + timedelta(minutes=1)
    )

    deliver(waiting)

    assert bap.server.all == []
    assert OutboundMessage.objects.get(pk=waiting).awaiting_slot
    # Another BAP is not held back by this one's limit.
    assert limits.current("another-bap.example") == 4
