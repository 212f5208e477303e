"""The ids of the work under way in this thread: the request id, and the Beckn transaction,
message, BAP and action it concerns. Logs carry them (logs.ContextFilter), spans too."""

import contextvars
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

# The fields, in the order a log line shows them.
FIELDS = ("request_id", "action", "bap_id", "transaction_id", "message_id")
_NONE: Mapping[str, str] = MappingProxyType({})
_ids: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "sunbeckn_ids", default=_NONE
)
# An X-Request-ID we take as it is (a proxy's or a load balancer's); any other is replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current() -> Mapping[str, str]:
    return _ids.get()


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID if it is a sane one, else a new id."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


@contextmanager
def bound(**ids: str) -> Iterator[None]:
    """Within the block, these ids (added to those already bound) describe the work."""
    token = _ids.set({**_ids.get(), **{k: str(v)[:255] for k, v in ids.items() if v}})
    try:
        yield
    finally:
        _ids.reset(token)


def bind(**ids: str) -> None:
    """Add ids to the current block's (the request's, the task's): they last until it ends."""
    _ids.set({**_ids.get(), **{k: str(v)[:255] for k, v in ids.items() if v}})


def bind_token(**ids: str) -> contextvars.Token:
    """Bind ids until `unbind(token)` (for hooks that open and close in two calls)."""
    return _ids.set({**_ids.get(), **{k: str(v)[:255] for k, v in ids.items() if v}})


def unbind(token: contextvars.Token) -> None:
    _ids.reset(token)


def clear() -> None:
    _ids.set(_NONE)


def beckn_ids(action: str, context: object) -> dict[str, str]:
    """The ids of a Beckn message from its context (whatever shape the caller sent)."""
    context = context if isinstance(context, dict) else {}
    ids = {"action": action}
    for name in ("bap_id", "transaction_id", "message_id"):
        value = context.get(name)
        if isinstance(value, str):
            ids[name] = value
    return ids
