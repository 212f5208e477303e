"""Every request: a request id (the caller's X-Request-ID or a new one, echoed back), a server
span when tracing is on, and for the Beckn door, the requests, ACK latency and NACK metrics."""

import json
import time
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from config.observability import context, metrics, tracing

BECKN_VIEW = "beckn:action"


class ObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = context.request_id_from(request.headers.get("X-Request-ID"))
        # Bound until the request is over (_forget_ids): Django logs 4xx and 5xx answers after
        # the middleware, and those lines must carry the ids too.
        context.bind(request_id=request_id)
        with tracing.span(
            request.method or "HTTP",
            kind=tracing.SpanKind.SERVER,
            parent=tracing.extract(request.headers),
            attributes={"http.request.method": request.method, "url.path": request.path},
        ) as span:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            if span is not None:
                span.set_attribute("http.response.status_code", response.status_code)
                if match is not None:
                    span.update_name(f"{request.method} /{match.route}")
        response["X-Request-ID"] = request_id
        if match is not None and match.view_name == BECKN_VIEW:
            metrics.beckn_answered(
                action=match.kwargs.get("action", ""),
                code=_nack_code(response),
                seconds=time.perf_counter() - started,
            )
        return response


def _nack_code(response: HttpResponse) -> str | None:
    """None for an ACK, else the NACK's error code ("" if it has none)."""
    if response.status_code == 200:
        return None
    try:
        error = json.loads(response.content).get("error") or {}
        return str(error.get("code") or "")
    except (ValueError, AttributeError):
        return ""


@receiver([request_started, request_finished])
def _forget_ids(**kwargs: object) -> None:
    """A request starts or is over: the ids of the one before must not describe this thread's
    next log lines."""
    context.clear()
