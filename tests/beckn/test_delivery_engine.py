"""The outbox's traffic control. Callbacks to one BAP share BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP
delivery slots: a callback over the limit awaits a slot and is handed the next free one, once,
oldest first; a burst to one BAP is delivered once per request, never over the limit, without a
storm of tasks. The periodic sweep re-enqueues only what was lost."""

import queue
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import requests
from django.utils import timezone

from beckn.delivery import engine
from beckn.inbound.services import request_accept
from beckn.models import OutboundMessage
from beckn.peers import encode
from tests.conftest import Bap


def outbox(bap: Bap, count: int) -> list[int]:
    """`count` searches of `bap` accepted, their callbacks in the outbox (no broker message)."""
    with mock.patch("beckn.delivery.engine.callback_enqueue"):
        return [
            request_accept(action="search", body=bap.request(), signer="test") for _ in range(count)
        ]


def delivered(bap: Bap) -> list[str]:
    """message_ids of the callbacks the BAP got so far."""
    return [c.payload["context"]["message_id"] for c in list(bap.server.all)]


def message_id(outbound_id: int) -> str:
    return OutboundMessage.objects.get(pk=outbound_id).message_id


@pytest.fixture
def four_waiting(bap: Bap, settings: Any) -> list[int]:
    """Four callbacks to one BAP limited to two deliveries at once: the first two are under
    way (elsewhere), the other two awaiting a slot after their messages came (one twice)."""
    settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP = 2
    first, second, third, fourth = outbox(bap, 4)
    under_way = timezone.now() + timedelta(minutes=1)
    OutboundMessage.objects.filter(pk__in=[first, second]).update(locked_until=under_way)
    with mock.patch("beckn.delivery.engine.callback_enqueue") as enqueue:
        engine.callback_deliver(outbound_id=third)
        engine.callback_deliver(outbound_id=third)  # its message came twice
        engine.callback_deliver(outbound_id=fourth)
        assert engine.outbox_sweep(overdue_seconds=0) == 0  # nothing lost: they wait
    assert enqueue.call_count == 0
    assert delivered(bap) == []
    awaiting = OutboundMessage.objects.filter(awaiting_slot=True).values_list("pk", flat=True)
    assert set(awaiting) == {third, fourth}
    return [first, second, third, fourth]


@pytest.mark.django_db
def test_a_callback_over_its_baps_limit_awaits_a_slot_and_is_handed_the_next_free_one(
    bap: Bap, four_waiting: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    first, _, third, fourth = four_waiting
    # The first delivery ends (elsewhere, and its hand-off was lost): the sweep hands its slot
    # to the oldest callback awaiting one.
    OutboundMessage.objects.filter(pk=first).update(
        status=OutboundMessage.Status.SENT, locked_until=None
    )
    with (
        mock.patch("beckn.delivery.engine.callback_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert engine.outbox_sweep(overdue_seconds=0) == 1
    [handed] = enqueue.call_args_list
    assert handed.kwargs["outbound_id"] == third
    # The slot is held for it: a newer callback's message cannot take it meanwhile.
    engine.callback_deliver(outbound_id=fourth)
    assert delivered(bap) == []

    # Its message arrives: it is delivered in that slot, and this same delivery goes on with
    # the next callback awaiting a slot (a lane), without a broker message.
    with (
        mock.patch("beckn.delivery.engine.callback_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        engine.callback_deliver(outbound_id=third, lease=handed.kwargs["lease"])
    assert enqueue.call_count == 0
    assert delivered(bap) == [message_id(third), message_id(fourth)]
    assert not OutboundMessage.objects.filter(awaiting_slot=True).exists()
    # A stale hand-off (the callback went on without it) delivers nothing more.
    engine.callback_deliver(outbound_id=third, lease=handed.kwargs["lease"])
    assert len(delivered(bap)) == 2


@pytest.mark.django_db
def test_a_lane_that_has_run_long_enough_hands_its_slot_on_through_the_broker(
    bap: Bap, four_waiting: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    _, second, third, fourth = four_waiting
    OutboundMessage.objects.filter(pk=second).update(locked_until=None)  # its worker died

    with (
        mock.patch.object(engine, "LANE_SECONDS", 0),
        mock.patch("beckn.delivery.engine.callback_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        engine.callback_deliver(outbound_id=second)
    # Second's delivery freed a slot; third awaited one and gets it, through the broker.
    assert delivered(bap) == [message_id(second)]
    assert [c.kwargs["outbound_id"] for c in enqueue.call_args_list] == [third]
    assert enqueue.call_args.kwargs["lease"] is not None
    assert OutboundMessage.objects.get(pk=fourth).awaiting_slot


@pytest.mark.usefixtures("celery_worker")
def test_a_burst_to_one_bap_is_delivered_once_each_within_its_limit_without_a_storm_of_tasks(
    live_server: Any, bap: Bap, settings: Any
) -> None:
    settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP = 2
    count = 12
    lock = threading.Lock()
    busy = {"now": 0, "most": 0}

    def slow_bap(callback: Any) -> int:
        with lock:
            busy["now"] += 1
            busy["most"] = max(busy["most"], busy["now"])
        time.sleep(0.05)
        with lock:
            busy["now"] -= 1
        return 200

    bap.server.status_for = slow_bap
    deliver = engine.callback_deliver
    tasks: Counter[int] = Counter()

    def counted(**kwargs: Any) -> float | None:
        tasks[kwargs["outbound_id"]] += 1
        return deliver(**kwargs)

    payloads = [bap.request() for _ in range(count)]
    with mock.patch.object(engine, "callback_deliver", counted):
        for payload in payloads:
            body = encode(payload)
            response = requests.post(
                f"{live_server.url}/beckn/search",
                data=body,
                timeout=10,
                headers={"Content-Type": "application/json", **bap.headers(body)},
            )
            assert response.status_code == 200
        received = [bap.server.wait(timeout=20) for _ in range(count)]
        with pytest.raises(queue.Empty):
            bap.server.wait(timeout=1)

    message_ids = Counter(c.payload["context"]["message_id"] for c in received)
    assert set(message_ids) == {p["context"]["message_id"] for p in payloads}
    assert set(message_ids.values()) == {1}
    assert busy["most"] <= 2
    # Each callback's own message, and at most one more: the slot handed to it after it had
    # to wait for one (before, every delivery that ended enqueued the limit's worth again).
    assert set(tasks) == set(OutboundMessage.objects.values_list("pk", flat=True))
    assert max(tasks.values()) <= 2
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count() == count


@pytest.mark.django_db
def test_the_sweep_takes_lost_messages_and_leaves_those_on_their_way(
    bap: Bap, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    on_its_way, lost_earlier = outbox(bap, 2)
    earlier = timezone.now() - timedelta(seconds=settings.BECKN_OUTBOX_SWEEP_SECONDS + 1)
    OutboundMessage.objects.filter(pk=lost_earlier).update(next_attempt_at=earlier)
    with (
        mock.patch(
            "beckn.delivery.engine.deliver_callback.apply_async", side_effect=OSError("down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        not_published = request_accept(action="search", body=bap.request(), signer="t")

    with mock.patch("beckn.delivery.engine.callback_enqueue") as enqueue:
        swept = engine.outbox_sweep(overdue_seconds=settings.BECKN_OUTBOX_SWEEP_SECONDS)

    assert swept == 2
    assert sorted(c.kwargs["outbound_id"] for c in enqueue.call_args_list) == sorted(
        [lost_earlier, not_published]
    )
    assert on_its_way not in [c.kwargs["outbound_id"] for c in enqueue.call_args_list]


@pytest.mark.django_db
def test_only_a_dead_callback_is_retried_and_enqueued(
    bap: Bap, django_capture_on_commit_callbacks: Any
) -> None:
    pending, dead = outbox(bap, 2)
    OutboundMessage.objects.filter(pk=dead).update(status=OutboundMessage.Status.DEAD, attempts=5)
    with (
        mock.patch("beckn.delivery.engine.callback_enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert engine.callback_retry(outbound_id=pending) is False
        assert engine.callback_retry(outbound_id=dead) is True
    enqueue.assert_called_once_with(outbound_id=dead)
    retried = OutboundMessage.objects.get(pk=dead)
    assert (retried.status, retried.attempts) == (OutboundMessage.Status.PENDING, 0)
