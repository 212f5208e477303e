"""How many deliveries to one BAP may be under way at once: a limit that adapts to the BAP.

A BAP that answers quickly may take up to BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP deliveries at once
(no callback of a healthy BAP then waits for a slot it does not need); one that times out, fails
(5xx, 408, 429, no connection) or answers slowly (after BECKN_CALLBACK_SLOW_SECONDS) has its limit
halved at each such attempt, down to one delivery, so that it cannot hold the worker's threads
while other BAPs wait; each quick answer gives it one more slot back. A BAP the worker has not
heard from yet starts at the maximum.

Each worker process learns the limits from its own deliveries (no shared state to read or write
per callback); the deliveries under way are counted in the outbox, across every worker.
"""

import threading

from django.conf import settings

_lock = threading.Lock()
_limits: dict[str, int] = {}


def current(bap_id: str) -> int:
    """The number of deliveries to `bap_id` that may be under way at once now."""
    ceiling = settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP
    return min(_limits.get(bap_id, ceiling), ceiling)


def answered(bap_id: str, *, seconds: float) -> None:
    """A delivery to `bap_id` was taken after `seconds`: a slot more if it was quick, half as
    many if it was slow."""
    if seconds > settings.BECKN_CALLBACK_SLOW_SECONDS:
        failed(bap_id)
        return
    ceiling = settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP
    with _lock:
        if bap_id in _limits:  # (one not narrowed yet is at the ceiling already)
            _limits[bap_id] = min(_limits[bap_id] + 1, ceiling)


def failed(bap_id: str) -> None:
    """A delivery to `bap_id` timed out, found no server, or was answered 5xx/408/429."""
    with _lock:
        _limits[bap_id] = max(1, current(bap_id) // 2)


def forget() -> None:
    """Start again from nothing learnt (tests)."""
    with _lock:
        _limits.clear()
