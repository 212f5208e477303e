"""/metrics as Prometheus scrapes it: a real signed search moves the counters, the gauges read
the outbox, and only the holder of METRICS_TOKEN is answered."""

from typing import Any
from unittest import mock

import pytest
import requests
from django.core.mail import send_mail

from beckn.models import OutboundMessage
from beckn.peers import encode
from bench.stack import free_port
from config.observability import metrics
from config.observability.worker_server import worker_metrics_start
from tests.conftest import Bap
from tests.observability.conftest import METRICS_TOKEN, post_signed, scrape, value, wait_for


@pytest.mark.usefixtures("celery_worker", "demo_catalog")
def test_a_search_moves_the_request_nack_and_callback_counters(
    live_server: Any, bap: Bap, settings: Any
) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN
    before = scrape(live_server.url)
    answers = iter([503, 200])  # the BAP fails once, then takes the callback
    bap.server.status_for = lambda callback: next(answers, 200)

    assert post_signed(live_server.url, bap, bap.request()).status_code == 200
    unsigned = requests.post(
        f"{live_server.url}/beckn/search", data=encode(bap.request()), timeout=10
    )
    assert unsigned.status_code == 401
    bap.server.wait(timeout=20)

    def delta(name: str, **labels: str) -> float:
        return value(scrape(live_server.url), name, **labels) - value(before, name, **labels)

    callback = {"action": "on_search", "bap_id": bap.subscriber_id}
    wait_for(lambda: delta("sunbeckn_callbacks_sent_total", **callback) == 1)
    assert delta("sunbeckn_callbacks_retried_total", **callback) == 1
    assert delta("sunbeckn_callbacks_dead_total", **callback) == 0
    assert delta("sunbeckn_beckn_requests_total", action="search", answer="ACK") == 1
    assert delta("sunbeckn_beckn_requests_total", action="search", answer="NACK") == 1
    assert delta("sunbeckn_beckn_nacks_total", action="search", code="30000") == 1
    assert delta("sunbeckn_beckn_ack_seconds_count", action="search") == 2
    assert delta("sunbeckn_callback_attempt_seconds_count", action="on_search") == 2
    after = scrape(live_server.url)
    assert value(after, "sunbeckn_database_up") == 1
    assert (
        value(after, "sunbeckn_outbox_pending")
        == OutboundMessage.objects.filter(status="PENDING").count()
    )


@pytest.mark.django_db
def test_the_outbox_gauges_read_the_callbacks_waiting_and_dead(
    live_server: Any, bap: Bap, settings: Any
) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN
    # The broker loses the messages (a worker may run in this process): the callbacks stay.
    with mock.patch("beckn.delivery.engine.callback_enqueue"):
        for _ in range(2):
            assert post_signed(live_server.url, bap, bap.request()).status_code == 200
    OutboundMessage.objects.filter(pk=OutboundMessage.objects.first().pk).update(status="DEAD")

    samples = scrape(live_server.url)

    assert value(samples, "sunbeckn_outbox_pending") == 1
    assert value(samples, "sunbeckn_outbox_due") == 1
    assert value(samples, "sunbeckn_outbox_dead") == 1
    assert value(samples, "sunbeckn_outbox_in_flight") == 0
    assert value(samples, "sunbeckn_outbox_oldest_due_age_seconds") > 0
    assert value(samples, "sunbeckn_payments", status="PAID") == 0
    assert ("sunbeckn_payments", frozenset({("status", "OPEN")})) in samples


@pytest.mark.django_db
def test_an_unknown_action_is_counted_as_other(client: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN
    before = metrics.BECKN_NACKS.labels("other", "40001")._value.get()

    assert client.post("/beckn/no-such-action", data="{}", content_type="x").status_code == 404

    assert metrics.BECKN_NACKS.labels("other", "40001")._value.get() == before + 1


@pytest.mark.django_db
def test_rate_limits_and_emails_are_counted(live_server: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN
    settings.EMAIL_BACKEND = "config.observability.mail.ObservedEmailBackend"
    settings.OBSERVED_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = scrape(live_server.url)

    metrics.rate_limited("bap")
    send_mail("Hello", "Body", None, ["installer@example.com"])
    # A mail server that is not there: the e-mail fails, and is counted.
    settings.OBSERVED_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(OSError):
        send_mail("Hello", "Body", None, ["installer@example.com"])

    after = scrape(live_server.url)
    for name, labels in (
        ("sunbeckn_rate_limited_total", {"scope": "bap"}),
        ("sunbeckn_emails_sent_total", {}),
        ("sunbeckn_emails_failed_total", {}),
    ):
        assert value(after, name, **labels) - value(before, name, **labels) == 1, name


@pytest.mark.django_db
def test_metrics_do_not_exist_without_a_token(client: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {METRICS_TOKEN}"},
        {"Authorization": f"Bearer {METRICS_TOKEN}x"},
        # Neither a local address nor a proxy's word opens the door.
        {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"},
    ],
)
def test_metrics_need_the_token(client: Any, settings: Any, headers: dict[str, str]) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN

    response = client.get("/metrics", headers=headers, REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 401
    assert b"sunbeckn_" not in response.content


@pytest.mark.django_db
def test_metrics_answer_the_token(client: Any, settings: Any) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN

    response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert response.status_code == 200
    assert b"sunbeckn_outbox_pending" in response.content
    assert (
        client.post("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).status_code
        == 405
    )


def test_a_worker_alone_on_its_host_serves_its_counts_to_the_token(settings: Any) -> None:
    settings.METRICS_TOKEN = METRICS_TOKEN
    settings.METRICS_PORT = free_port()
    metrics.callback_outcome(action="on_search", bap_id="bap.worker.test", outcome="dead")
    server = worker_metrics_start()
    assert server is not None
    try:
        url = f"http://127.0.0.1:{settings.METRICS_PORT}"
        wrong = requests.get(f"{url}/metrics", headers={"Authorization": "Bearer x"}, timeout=5)
        samples = scrape(url)
    finally:
        server.shutdown()
        server.server_close()

    assert wrong.status_code == 401
    labels = {"action": "on_search", "bap_id": "bap.worker.test"}
    assert value(samples, "sunbeckn_callbacks_dead_total", **labels) == 1


def test_no_worker_metrics_without_a_port_or_a_token(settings: Any) -> None:
    settings.METRICS_PORT, settings.METRICS_TOKEN = 0, METRICS_TOKEN
    assert worker_metrics_start() is None
    settings.METRICS_PORT, settings.METRICS_TOKEN = free_port(), ""
    assert worker_metrics_start() is None
