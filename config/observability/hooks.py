"""The calls the Beckn code makes to be observed (one line each where it happens)."""

import contextlib
import time
from collections.abc import Iterator
from typing import Protocol

from config.observability import context, metrics, tracing


def inbound_request(*, action: str, body: object) -> None:
    """A Beckn request's body is parsed: its ids describe the rest of the request (logs, span)."""
    ids = context.beckn_ids(action, body.get("context") if isinstance(body, dict) else None)
    context.bind(**ids)
    tracing.annotate(tracing.beckn_attributes(ids))


class Callback(Protocol):
    action: str
    bap_id: str
    transaction_id: str
    message_id: str


@contextlib.contextmanager
def callback_attempt(callback: Callback) -> Iterator[None]:
    """A delivery attempt of `callback` (an outbox row): its span, its ids on log lines, its
    duration."""
    ids = {
        "action": callback.action,
        "bap_id": callback.bap_id,
        "transaction_id": callback.transaction_id,
        "message_id": callback.message_id,
    }
    started = time.perf_counter()
    with (
        context.bound(**ids),
        tracing.span(
            f"beckn.callback {callback.action}",
            kind=tracing.SpanKind.CLIENT,
            attributes=tracing.beckn_attributes(ids),
        ),
    ):
        yield
    metrics.CALLBACK_SECONDS.labels(callback.action).observe(time.perf_counter() - started)


def callback_outcome(callback: Callback, outcome: str) -> None:
    """The attempt ended: "sent", "retried" or "dead" (see metrics.callback_outcome)."""
    metrics.callback_outcome(action=callback.action, bap_id=callback.bap_id, outcome=outcome)
    tracing.annotate({"beckn.callback.outcome": outcome})
