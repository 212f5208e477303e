"""search -> on_search end to end: a live server, a real Celery worker and a fake BAP that
verifies every callback's signature, as a BAP on the network would."""

import json
import queue
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
from django.utils import timezone

from beckn.models import InboundMessage, OutboundMessage
from beckn.peers import BapIdentity, CallbackServer, encode
from beckn.tasks import outbox_sweep
from tests.beckn.factories import SubscriberKeyFactory
from tests.conftest import Bap

pytestmark = [pytest.mark.usefixtures("celery_worker", "demo_catalog", "core_spec_checked")]

SEED_ON_SEARCH = json.loads((Path(__file__).parent / "data" / "seed_on_search.json").read_text())


def assert_contains(actual: Any, expected: Any, path: str = "") -> None:
    """Every field of `expected` is in `actual` with the same value (lists item by item)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r} is not an object"
        for name, value in expected.items():
            assert name in actual, f"{path}.{name} is missing"
            assert_contains(actual[name], value, f"{path}.{name}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r}"
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_contains(a, e, f"{path}[{index}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def search(live_server: Any, bap: Bap, payload: dict) -> requests.Response:
    body = encode(payload)
    return requests.post(
        f"{live_server.url}/beckn/search",
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json", **bap.headers(body)},
    )


def on_search(live_server: Any, bap: Bap, payload: dict, bpp_public_key: str) -> dict:
    """Send a search and return the verified on_search that answers it."""
    assert search(live_server, bap, payload).json() == {"message": {"ack": {"status": "ACK"}}}
    callback = bap.server.wait(timeout=20)
    callback.verify(bpp_public_key)
    assert callback.path == "/bap/on_search"
    return callback.payload


def test_the_guides_search_gets_a_signed_on_search_with_the_guides_catalog(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    payload = bap.request()

    answer = on_search(live_server, bap, payload, bpp_public_key)

    context = answer["context"]
    assert context["action"] == "on_search"
    for name in (
        "domain",
        "version",
        "bap_id",
        "bap_uri",
        "transaction_id",
        "message_id",
        "location",
    ):
        assert context[name] == payload["context"][name]
    assert (context["bpp_id"], context["bpp_uri"]) == (
        "bpp.sunbeckn.test",
        "http://127.0.0.1:8000/beckn",
    )
    assert context["timestamp"] != payload["context"]["timestamp"]
    providers = answer["message"]["catalog"]["providers"]
    assert [p["id"] for p in providers] == ["sunpower_sf"]
    assert_contains(providers[0], SEED_ON_SEARCH["message"]["catalog"]["providers"][0])


@pytest.mark.parametrize(
    "intent, expected",
    [
        (
            {
                "category": {"descriptor": {"code": "solar_panel_installation"}},
                "fulfillment": {"stops": [{"location": {"gps": "37.7599,-122.4148"}}]},
            },
            {"sunpower_sf", "goldengate_solar_sf", "mission_rooftop_sf", "siliconsun_sj"},
        ),
        (
            {
                "category": {"id": "3"},
                "fulfillment": {"stops": [{"location": {"city": {"name": "los angeles"}}}]},
            },
            {"brightcurrent_la"},
        ),
        ({"descriptor": {"name": "ev charger"}}, {"bayvolt_oak", "brightcurrent_la"}),
        ({"provider": {"id": "lonestar_grid_atx"}}, {"lonestar_grid_atx"}),
        (
            {
                "fulfillment": {"stops": [{"location": {"gps": "30.2672,-97.7431"}}]},
                "descriptor": {"name": "solar"},
            },
            {"hillcountry_solar_atx"},
        ),
        ({"descriptor": {"name": "Hydrogen fuel cell"}}, set()),
    ],
)
def test_search_criteria_choose_the_providers(
    live_server: Any, bap: Bap, bpp_public_key: str, intent: dict, expected: set[str]
) -> None:
    payload = bap.request()
    payload["message"]["intent"] = intent

    answer = on_search(live_server, bap, payload, bpp_public_key)

    assert {p["id"] for p in answer["message"]["catalog"]["providers"]} == expected


def test_a_bap_that_fails_is_retried_until_it_takes_the_callback(
    live_server: Any, bap: Bap, bpp_public_key: str
) -> None:
    answers = iter([503, 502, 200])
    bap.server.status_for = lambda callback: next(answers, 200)
    payload = bap.request()

    answer = on_search(live_server, bap, payload, bpp_public_key)

    assert answer["context"]["message_id"] == payload["context"]["message_id"]
    callback = _wait_for(lambda: OutboundMessage.objects.filter(status="SENT").first())
    assert (callback.attempts, callback.http_status) == (3, 200)
    with pytest.raises(queue.Empty):
        bap.server.wait(timeout=1)


def test_a_bap_that_refuses_the_callback_is_not_retried(live_server: Any, bap: Bap) -> None:
    bap.server.status_for = lambda callback: 400
    assert search(live_server, bap, bap.request()).status_code == 200

    callback = _wait_for(lambda: OutboundMessage.objects.filter(status="DEAD").first())
    assert (callback.attempts, callback.http_status, callback.last_error) == (1, 400, "HTTP 400")


def test_an_unreachable_bap_is_given_up_after_the_last_attempt(live_server: Any, bap: Bap) -> None:
    bap.server.stop()
    assert search(live_server, bap, bap.request()).status_code == 200

    callback = _wait_for(lambda: OutboundMessage.objects.filter(status="DEAD").first(), 30)
    assert callback.attempts == 4
    assert "ConnectionError" in callback.last_error


def test_the_outbox_sweep_delivers_a_callback_whose_task_was_lost(
    client: Any, live_server: Any, bap: Bap, bpp_public_key: str, settings: Any
) -> None:
    with mock.patch("beckn.delivery.engine.callback_enqueue"):  # the broker loses the message
        assert bap.post(client, bap.request()).status_code == 200
    with pytest.raises(queue.Empty):
        bap.server.wait(timeout=1)
    # The periodic sweep takes callbacks due for longer than a sweep period.
    earlier = timezone.now() - timedelta(seconds=settings.BECKN_OUTBOX_SWEEP_SECONDS + 1)
    OutboundMessage.objects.update(next_attempt_at=earlier)

    outbox_sweep.delay()

    bap.server.wait(timeout=20).verify(bpp_public_key)
    assert _wait_for(lambda: OutboundMessage.objects.filter(status="SENT").first())


def test_two_identical_requests_at_once_have_one_effect(live_server: Any, bap: Bap) -> None:
    payload = bap.request()
    results: list[int] = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        results.append(search(live_server, bap, payload).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [200, 200]
    assert OutboundMessage.objects.count() == 1
    assert sorted(InboundMessage.objects.values_list("outcome", flat=True)) == [
        "ACCEPTED",
        "DUPLICATE",
    ]
    bap.server.wait(timeout=20)
    with pytest.raises(queue.Empty):
        bap.server.wait(timeout=1)


def _wait_for(find: Any, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_bap_that_hangs_does_not_hold_up_callbacks_to_other_baps(
    live_server: Any, bap: Bap, bpp_public_key: str, settings: Any, db: None
) -> None:
    settings.BECKN_CALLBACK_READ_TIMEOUT = 60  # the hanging BAP is never given up on here
    gate = threading.Event()
    in_hand = []

    def hang(callback: Any) -> int:
        in_hand.append(callback)
        gate.wait(timeout=60)
        return 200

    bap.server.status_for = hang
    with CallbackServer() as fast_server:
        fast = BapIdentity()
        SubscriberKeyFactory(
            subscriber__subscriber_id=fast.subscriber_id,
            subscriber__url=fast_server.bap_uri,
            unique_key_id=fast.unique_key_id,
            signing_public_key=fast.public_key,
        )
        fast_bap = Bap(fast, fast_server)
        try:
            for _ in range(4):  # as many as the worker has threads
                assert search(live_server, bap, bap.request()).status_code == 200
            _wait_for(lambda: len(in_hand) >= 2 or None)

            answer = fast_bap.exchange(live_server.url, fast_bap.request(), bpp_public_key)

            assert answer["context"]["action"] == "on_search"
            assert len(in_hand) < 4  # the hanging BAP never had every worker thread
        finally:
            gate.set()
    _wait_for(lambda: OutboundMessage.objects.filter(status="SENT").count() == 5 or None, 30)
