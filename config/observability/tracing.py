"""OpenTelemetry traces: off (and free) unless OTEL_EXPORTER_OTLP_ENDPOINT is set.

Off, no tracer provider exists and `span()` is a null context: no span objects, no context
switching, no exporter thread. On, each process has its own provider (set up by
`tracing_start()` from config/wsgi.py and the Celery worker's start signals) exporting in
batches over OTLP/HTTP. The provider is kept here, not made global: the code traces through this
module only, and a test can start and stop tracing with its own exporter.

Spans carry the Beckn ids as attributes (beckn.action, beckn.transaction_id, beckn.message_id,
beckn.bap_id); the context goes from the web process to the worker in the Celery message's
headers (W3C traceparent, config/observability/signals.py).
"""

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract as _extract
from opentelemetry.propagate import inject as _inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

SpanKind = trace.SpanKind
_provider: TracerProvider | None = None
_tracer: trace.Tracer | None = None


def tracing_start(*, exporter: SpanExporter | None = None) -> bool:
    """Trace this process: to `exporter` (spans exported one by one, for tests) or, when the
    OTLP endpoint is set, to it in batches. Returns whether tracing is on."""
    global _provider, _tracer
    if _tracer is not None:
        return True
    if exporter is not None:
        processor = SimpleSpanProcessor(exporter)
    elif settings.OTEL_EXPORTER_OTLP_ENDPOINT:
        processor = BatchSpanProcessor(_otlp_exporter())
    else:
        return False
    resource = Resource.create({"service.name": settings.OTEL_SERVICE_NAME})
    _provider = TracerProvider(resource=resource)
    _provider.add_span_processor(processor)
    _tracer = _provider.get_tracer("sunbeckn")
    return True


def _otlp_exporter() -> SpanExporter:
    # Imported only when tracing is configured: protobuf and the exporter cost start-up time
    # and memory that a process with tracing off never pays.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    # Traces go to <endpoint>/v1/traces, as OTLP/HTTP collectors expect; the exporter reads
    # OTEL_EXPORTER_OTLP_HEADERS and _TIMEOUT itself.
    endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT.rstrip("/") + "/v1/traces"
    return OTLPSpanExporter(endpoint=endpoint)


def tracing_stop() -> None:
    """Export what is left and stop tracing this process."""
    global _provider, _tracer
    if _provider is not None:
        _provider.shutdown()
    _provider = _tracer = None


def enabled() -> bool:
    return _tracer is not None


def beckn_attributes(ids: Mapping[str, str]) -> dict[str, str]:
    """Span attributes of the Beckn ids (context.FIELDS) among `ids`."""
    return {
        f"beckn.{name}": value
        for name, value in ids.items()
        if name in ("action", "bap_id", "transaction_id", "message_id") and value
    }


@contextlib.contextmanager
def span(
    name: str,
    *,
    kind: trace.SpanKind = SpanKind.INTERNAL,
    parent: otel_context.Context | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[trace.Span | None]:
    """A span around the block, current within it; None (and nothing done) when tracing is off."""
    if _tracer is None:
        yield None
        return
    with _tracer.start_as_current_span(
        name, context=parent, kind=kind, attributes=dict(attributes or {})
    ) as current:
        yield current


def start_span(
    name: str, *, kind: trace.SpanKind, parent: otel_context.Context | None
) -> tuple[trace.Span, object] | None:
    """A span made current until `end_span` (for hooks that open and close in two calls)."""
    if _tracer is None:
        return None
    started = _tracer.start_span(name, context=parent, kind=kind)
    return started, otel_context.attach(trace.set_span_in_context(started))


def end_span(started: tuple[trace.Span, object] | None, error: BaseException | None = None) -> None:
    if started is None:
        return
    current, token = started
    if error is not None:
        current.record_exception(error)
        current.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
    otel_context.detach(token)
    current.end()


def annotate(attributes: Mapping[str, Any]) -> None:
    """Set attributes on the current span, if one records."""
    if _tracer is None:
        return
    current = trace.get_current_span()
    if current.is_recording():
        current.set_attributes(dict(attributes))


def inject(carrier: dict[str, str]) -> None:
    """Write the current trace context (traceparent) into a message's headers."""
    if _tracer is not None:
        _inject(carrier)


def extract(carrier: Mapping[str, str]) -> otel_context.Context | None:
    """The trace context written into a message's headers, if any."""
    if _tracer is None:
        return None
    return _extract(carrier)


def current_ids() -> dict[str, str]:
    """The current trace and span ids (hex), for log lines; empty when tracing is off."""
    if _tracer is None:
        return {}
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return {}
    return {
        "trace_id": format(span_context.trace_id, "032x"),
        "span_id": format(span_context.span_id, "016x"),
    }
