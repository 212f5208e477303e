"""Celery hooks: the trace context and the request id go from the publisher (the web request,
or the worker re-enqueueing) to the task, in the message's headers.

The context travels in the Celery message rather than on the outbox row: no schema change, and
every task (not only deliveries) joins its publisher's trace. A callback re-enqueued by the
outbox sweep (after a crash or a lost message) starts a new trace; its spans carry the same
beckn.transaction_id and beckn.message_id, which is how to find it next to the request's.
"""

from typing import Any

from celery import Task
from celery.signals import before_task_publish, task_postrun, task_prerun

from config.observability import context, tracing

REQUEST_ID_HEADER = "sunbeckn_request_id"
TRACE_HEADERS = ("traceparent", "tracestate")
# The span and context tokens of the tasks running now, by task id.
_running: dict[str, tuple[Any, Any]] = {}


@before_task_publish.connect
def _carry_context(headers: dict[str, Any] | None = None, **kwargs: object) -> None:
    if headers is None:
        return
    request_id = context.current().get("request_id")
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    tracing.inject(headers)


def _header(task: Task, name: str) -> str | None:
    value = getattr(task.request, name, None)
    if value is None:
        value = (getattr(task.request, "headers", None) or {}).get(name)
    return value if isinstance(value, str) else None


@task_prerun.connect
def _task_started(task_id: str = "", task: Task | None = None, **kwargs: object) -> None:
    if task is None:
        return
    ids = {"request_id": _header(task, REQUEST_ID_HEADER) or context.request_id_from(None)}
    ids_token = context.bind_token(**ids)
    carrier = {name: value for name in TRACE_HEADERS if (value := _header(task, name))}
    started = tracing.start_span(
        f"celery.task {task.name}",
        kind=tracing.SpanKind.CONSUMER,
        parent=tracing.extract(carrier) if carrier else None,
    )
    _running[task_id] = (started, ids_token)


@task_postrun.connect
def _task_ended(task_id: str = "", **kwargs: object) -> None:
    started, ids_token = _running.pop(task_id, (None, None))
    tracing.end_span(started)
    if ids_token is not None:
        context.unbind(ids_token)
