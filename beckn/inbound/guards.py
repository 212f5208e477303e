"""The front door's guards, before anything is trusted: how much of a body is read, what JSON is
taken, and how many requests a client or a caller may send (README "The Beckn endpoints").

Each guard is cheap and keeps nothing durable: the rate counters are fixed windows in Django's
cache when it is Redis (shared by every process), else in this process's memory (the embedded
mode's file cache would cost a file write per request); a cache that is down lets requests
through.
"""

import hashlib
import json
import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

from config.observability import metrics

logger = logging.getLogger(__name__)

# Text PostgreSQL cannot store (NUL) or that cannot be encoded (a lone UTF-16 surrogate, which
# JSON's \ud800 escape produces).
_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
PATH_CHARS = 200  # of a field's path quoted in a refusal
_process_counters = LocMemCache("beckn-rate-limits", {"MAX_ENTRIES": 10_000})


class BodyRefused(ValueError):
    """A body not taken; `status` is 400 or 413, `path` the offending field, if any."""

    def __init__(self, message: str, *, status: int = 400, path: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.path = path


def body_read(request: HttpRequest) -> bytes:
    """The request's body, read only when it is within BECKN_MAX_BODY_BYTES (413 otherwise):
    a declared Content-Length over the limit is refused before a byte is read."""
    limit = settings.BECKN_MAX_BODY_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        raise BodyRefused("The Content-Length header is not a number.") from None
    if length > limit:
        raise BodyRefused(f"The body is larger than {limit} bytes.", status=413)
    # Read from the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE must not answer with
    # Django's HTML error page. The body is then kept as request.body, for whoever reads it.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise BodyRefused(f"The body is larger than {limit} bytes.", status=413)
    request._body = raw
    return raw


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is not a finite number")
    return number


def _not_a_number(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def json_parse(raw: bytes) -> dict:
    """The JSON object of a body: UTF-8, finite numbers, at most BECKN_MAX_JSON_DEPTH levels of
    objects and arrays, and no text that cannot be stored (NUL, lone surrogates)."""
    max_depth = settings.BECKN_MAX_JSON_DEPTH
    if not _nesting_within(raw, max_depth):
        # Refused before parsing: a RecursionError in the parser would be caught, but it can
        # leave the interpreter's recursion bookkeeping off (CPython 3.11's ast afterwards).
        raise BodyRefused(f"The body is nested deeper than {max_depth} levels.")
    try:
        body = json.loads(raw, parse_float=_finite, parse_constant=_not_a_number)
    except RecursionError:
        raise BodyRefused("The body is nested too deeply.") from None
    except (UnicodeDecodeError, ValueError):
        raise BodyRefused("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BodyRefused("The body must be a JSON object with context and message.")
    _check_tree(body, max_depth)
    return body


# A JSON string (skipped whole, escapes included) or one bracket; nothing else is looked at.
_STRUCTURE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


def _nesting_within(raw: bytes, max_depth: int) -> bool:
    """Whether the arrays and objects of `raw` (as JSON text, valid or not) nest at most
    `max_depth` deep: brackets inside strings do not count."""
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return True
    depth = 0
    for match in _STRUCTURE.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return False
        elif token in (b"]", b"}"):
            depth -= 1
    return True


def _check_tree(body: dict, max_depth: int) -> None:
    """Walk the whole tree (without recursion) for depth and unstorable text."""
    stack: list[tuple[object, str, int]] = [(body, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise BodyRefused(
                    f"{_shown(path)}: nested deeper than {max_depth} levels.", path=_shown(path)
                )
            if isinstance(value, dict):
                for key, nested in value.items():
                    where = f"{path}.{key}" if path else key
                    if _UNSAFE_TEXT.search(key):
                        _refuse_text(path or "body", "a name")
                    stack.append((nested, where, depth + 1))
            else:
                stack.extend((nested, f"{path}[{i}]", depth + 1) for i, nested in enumerate(value))
        elif isinstance(value, str) and _UNSAFE_TEXT.search(value):
            _refuse_text(path, "the text")


def _shown(path: str) -> str:
    return path if len(path) <= PATH_CHARS else path[:PATH_CHARS] + "..."


def _refuse_text(path: str, what: str) -> None:
    raise BodyRefused(
        f"{_shown(path)}: {what} holds a NUL character or a lone UTF-16 surrogate.",
        path=_shown(path),
    )


def client_ip(request: HttpRequest) -> str:
    """The client's address: BECKN_CLIENT_IP_HEADER's value when set (a trusted proxy's), else
    the connection's."""
    if settings.BECKN_CLIENT_IP_HEADER:
        forwarded = request.headers.get(settings.BECKN_CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_take(*, scope: str, who: str, limit: int) -> int | None:
    """Count one request of `who` in `scope` in this window; when that goes over `limit`, the
    seconds until the window ends (for Retry-After), else None. `limit` 0: no limit."""
    if limit <= 0:
        return None
    window = settings.BECKN_RATE_LIMIT_WINDOW_SECONDS
    now = time.time()
    index = int(now // window)
    digest = hashlib.blake2b(who.encode(errors="replace"), digest_size=12).hexdigest()
    name = f"beckn:rate:{scope}:{digest}:{index}"
    try:
        count = _counted(name, window)
    except Exception as exc:  # a cache that is down must not refuse requests
        logger.warning("Rate counter unavailable: %s", exc)
        return None
    if count > limit:
        metrics.rate_limited(f"beckn-{scope}")
        return max(1, math.ceil((index + 1) * window - now))
    return None


def rate_counters() -> BaseCache:
    """Where the rate counters live: the shared cache with Redis, else this process's memory."""
    return cache if settings.REDIS_URL else _process_counters


def _counted(name: str, window: int) -> int:
    """Add one to the counter `name` (one call when it exists, as it mostly does; one round trip
    with Redis)."""
    counters = rate_counters()
    count = getattr(counters, "count", None)
    if count is not None:  # config.redis_cache.RedisCache
        return count(name, window + 1)
    try:
        return counters.incr(name)
    except ValueError:  # the window's first request
        if counters.add(name, 1, timeout=window + 1):
            return 1
        try:
            return counters.incr(name)
        except ValueError:  # it expired meanwhile
            return 1
