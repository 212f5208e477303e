"""One trace from the BAP's request through the Celery worker to the signed callback, and
nothing traced (no provider, no spans) when tracing is not configured."""

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pytest_httpserver import HTTPServer

from config.observability import tracing
from tests.conftest import Bap
from tests.observability.conftest import post_signed, wait_for


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.tracing_start(exporter=exporter)
    yield exporter
    tracing.tracing_stop()


@pytest.mark.usefixtures("celery_worker", "demo_catalog")
def test_a_search_is_one_trace_from_the_request_to_its_callback(
    live_server: Any, bap: Bap, bpp_public_key: str, spans: InMemorySpanExporter
) -> None:
    payload = bap.request()
    ids = {
        "beckn.transaction_id": payload["context"]["transaction_id"],
        "beckn.message_id": payload["context"]["message_id"],
        "beckn.bap_id": bap.subscriber_id,
    }

    bap.exchange(live_server.url, payload, bpp_public_key)

    def finished() -> dict[str, Any]:
        """Every span, once the task's own (which ends after the callback's) has ended."""
        named = {span.name: span for span in spans.get_finished_spans()}
        ends = ("beckn.callback on_search", "celery.task beckn.tasks.deliver_callback")
        return named if all(name in named for name in ends) else {}

    named = wait_for(finished)
    inbound = named["POST /beckn/<slug:action>"]
    task = named["celery.task beckn.tasks.deliver_callback"]
    compose = named["beckn.compose on_search"]
    catalog = named["catalog.offer_search"]
    callback = named["beckn.callback on_search"]
    assert inbound.kind == SpanKind.SERVER and task.kind == SpanKind.CONSUMER
    assert {s.context.trace_id for s in (inbound, task, compose, catalog, callback)} == {
        inbound.context.trace_id
    }
    # request -> task (through the Celery message's headers) -> callback -> compose -> catalog
    assert task.parent.span_id == inbound.context.span_id
    assert callback.parent.span_id == task.context.span_id
    assert compose.parent.span_id == callback.context.span_id
    assert catalog.parent.span_id == compose.context.span_id
    assert inbound.attributes.items() >= {**ids, "beckn.action": "search"}.items()
    assert callback.attributes.items() >= {**ids, "beckn.action": "on_search"}.items()
    assert callback.attributes["beckn.callback.outcome"] == "sent"
    assert inbound.attributes["http.response.status_code"] == 200


@pytest.mark.django_db
def test_tracing_is_off_without_an_endpoint(live_server: Any, bap: Bap, settings: Any) -> None:
    settings.OTEL_EXPORTER_OTLP_ENDPOINT = ""

    assert not tracing.tracing_start()
    assert not tracing.enabled()
    assert post_signed(live_server.url, bap, bap.request()).status_code == 200
    with tracing.span("anything") as span:
        assert span is None
    assert tracing.current_ids() == {}


def test_spans_are_exported_over_otlp_http_to_the_endpoint(
    httpserver: HTTPServer, settings: Any
) -> None:
    settings.OTEL_EXPORTER_OTLP_ENDPOINT = httpserver.url_for("/")
    httpserver.expect_oneshot_request("/v1/traces", method="POST").respond_with_data("")

    assert tracing.tracing_start()
    try:
        with tracing.span("beckn.test", attributes={"beckn.action": "search"}):
            pass
    finally:
        tracing.tracing_stop()  # exports what is left

    request, _ = httpserver.log[0]
    assert request.headers["Content-Type"] == "application/x-protobuf"
    assert b"beckn.test" in request.get_data()
