"""The delivery engine: what goes out. It takes each callback from the outbox and delivers it.

The path of a callback: `callback_enqueue` publishes its Celery message (`deliver_callback`,
below); the worker runs `callback_deliver`, which claims it (a lease, within its BAP's delivery
slots), composes its body if it has none yet (the answer's composer, found in the registry of
beckn/delivery/composers.py that beckn/answers/ fills at start-up), signs and POSTs it, and
records the outcome: sent, retried later with backoff, or dead. `outbox_sweep` re-enqueues
what was lost; `callback_retry` gives a dead callback a new round.
"""

import functools
import json
import logging
import random
import threading
import time
from datetime import datetime, timedelta
from typing import Any

import urllib3
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from beckn.delivery import limits
from beckn.delivery.composers import composer_for
from beckn.keys import our_identity, signed_body
from beckn.mapping.context import callback_context
from beckn.models import EXCERPT_CHARS, InboundMessage, OutboundMessage
from config.observability import hooks, tracing

logger = logging.getLogger(__name__)
JSON = dict[str, Any]
OUTBOX_SWEEP_LIMIT = 1000  # callbacks enqueued by one sweep (the next one takes the rest)
# How long one worker thread goes on delivering the callbacks of a BAP that await a delivery
# slot, one after the other, before it hands the slot on through the broker.
LANE_SECONDS = 2.0
_thread_state = threading.local()  # each worker thread's HTTP connections (_http_pool)

# The statements run for every callback, in plain SQL (the ORM spent more CPU building them than
# the database spent running them); the same on PostgreSQL and SQLite.
OUTBOX = OutboundMessage._meta.db_table
INBOX = InboundMessage._meta.db_table
PENDING = OutboundMessage.Status.PENDING.value
DUE = (
    f"status = '{PENDING}' AND next_attempt_at <= %s"
    " AND (locked_until IS NULL OR locked_until < %s)"
)
# Only table names and constants are spliced in (S608); every value is a parameter.
BAP_OF = f"SELECT bap_id FROM {OUTBOX} WHERE id = %s"  # noqa: S608
IN_FLIGHT = (
    f"SELECT COUNT(*) FROM {OUTBOX} WHERE bap_id = %s AND status = '{PENDING}'"  # noqa: S608
    " AND locked_until > %s AND id <> %s"
)
# The lease, taken only while the BAP has fewer deliveries under way than its limit.
LEASE = (
    f"UPDATE {OUTBOX} SET locked_until = %s, awaiting_slot = %s WHERE id = %s AND {DUE}"  # noqa: S608
    f" AND ({IN_FLIGHT}) < %s"
)
DEFER = f"UPDATE {OUTBOX} SET awaiting_slot = %s WHERE id = %s AND {DUE}"  # noqa: S608
AWAITING = f"SELECT 1 FROM {OUTBOX} WHERE bap_id = %s AND awaiting_slot = %s LIMIT 1"  # noqa: S608
WAITING = (
    f"SELECT id FROM {OUTBOX} WHERE bap_id = %s AND awaiting_slot = %s AND {DUE}"  # noqa: S608
    " ORDER BY next_attempt_at, id LIMIT %s"
)
# PostgreSQL: LEASE, else DEFER, under the BAP's advisory lock, in one call.
CLAIM = "SELECT beckn_outbox_claim(%s, %s, %s, %s, %s)"
LEASED, AWAITING_SLOT = 1, 2
# PostgreSQL: the BAP's free slots handed to the callbacks awaiting one, oldest first, in one call.
HAND_OFF = "SELECT id, due FROM beckn_outbox_hand_off(%s, %s, %s, %s)"
# The columns of a callback a delivery needs, with its request's (for composing it).
LOAD = (
    "SELECT o.id, o.action, o.bap_id, o.target_url, o.transaction_id, o.message_id,"  # noqa: S608
    " o.payload, o.attempts, o.request_id, i.action, i.body"
    f" FROM {OUTBOX} o LEFT JOIN {INBOX} i ON i.id = o.request_id WHERE o.id = %s"
)
SAVE_PAYLOAD = f"UPDATE {OUTBOX} SET payload = %s WHERE id = %s"  # noqa: S608
SENT = (
    f"UPDATE {OUTBOX} SET status = %s, sent_at = %s, attempts = %s, locked_until = NULL,"  # noqa: S608
    " http_status = %s, response_excerpt = %s, last_error = '' WHERE id = %s"
)


# Defined here, beside the engine that both publishes and runs it. Its name is the one it had in
# beckn/tasks.py: queued messages name their task, so it must not change.
@shared_task(
    name="beckn.tasks.deliver_callback",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=10,
)
def deliver_callback(outbound_id: int, lease: str | None = None) -> None:
    """A delivery attempt of an outbox row (in the delivery slot handed to it until `lease`,
    an ISO 8601 time, if given); callback_deliver schedules the next one when it must retry."""
    callback_deliver(
        outbound_id=outbound_id, lease=datetime.fromisoformat(lease) if lease else None
    )


def callback_enqueue(
    *, outbound_id: int, countdown: float | None = None, lease: datetime | None = None
) -> None:
    """Ask the worker to deliver a callback (in the delivery slot it holds until `lease`, if
    given). Never raises: if the broker is unreachable the outbox sweep delivers it later."""
    args = (outbound_id,) if lease is None else (outbound_id, lease.isoformat())
    try:
        deliver_callback.apply_async(args, countdown=countdown)
    except Exception as exc:
        logger.warning(
            "Broker unavailable (%s); callback %s waits for the outbox sweep", exc, outbound_id
        )
        if countdown is None:
            _message_lost(outbound_id)


def _message_lost(outbound_id: int) -> None:
    """A due callback's message could not be published: date it back, so that the next sweep
    takes it at once rather than after a sweep period (see outbox_sweep)."""
    overdue = timezone.now() - timedelta(seconds=settings.BECKN_OUTBOX_SWEEP_SECONDS)
    try:
        OutboundMessage.objects.filter(
            pk=outbound_id, status=OutboundMessage.Status.PENDING, next_attempt_at__gt=overdue
        ).update(next_attempt_at=overdue)
    except DatabaseError as exc:
        logger.warning("Could not mark callback %s for the sweep: %s", outbound_id, exc)


def _backoff(attempts: int) -> float:
    base = settings.BECKN_CALLBACK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    delay = min(base, settings.BECKN_CALLBACK_BACKOFF_MAX_SECONDS)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not cryptography


def _lease_seconds() -> float:
    """How long a claimed delivery is another worker's: its longest possible attempt, and a
    little more. After a crash, its callback waits that long before anyone tries again."""
    return settings.BECKN_CALLBACK_CONNECT_TIMEOUT + settings.BECKN_CALLBACK_READ_TIMEOUT + 5


def _in_flight(bap_id: str, now: datetime, exclude: int | None = None) -> int:
    """Deliveries to `bap_id` under way: callbacks whose lease has not run out."""
    return _value(
        IN_FLIGHT,
        [bap_id, _moment(now), -1 if exclude is None else exclude],
    )


def _moment(moment: datetime) -> Any:
    """A time as a parameter of the plain statements, as the ORM would store it."""
    return connection.ops.adapt_datetimefield_value(moment)


def _execute(sql: str, params: list[Any]) -> int:
    """Run a plain statement; returns how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _value(sql: str, params: list[Any]) -> Any:
    """The first column of the first row a plain query returns (None without a row)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def _due(now: datetime) -> QuerySet[OutboundMessage]:
    """Callbacks to attempt now that nobody is attempting."""
    return OutboundMessage.objects.filter(
        status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now
    ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def _claim(outbound_id: int) -> int | None:
    """Take a delivery slot of its BAP to attempt a due callback now; returns the id of the
    callback this worker is to deliver in it, or None.

    None if it is not due or another worker holds it. If its BAP already has
    BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP deliveries under way (a slow or dead BAP must not
    hold every worker while other BAPs wait), the callback is marked as awaiting a slot, and
    the first of those deliveries to end hands it one (_hand_off_slots): None too, unless a
    delivery ended meanwhile; then its slot is ours, for the oldest callback awaiting one."""
    bap_id = _value(BAP_OF, [outbound_id])
    if bap_id is None:
        return None
    limit = limits.current(bap_id)
    now = timezone.now()
    lease = now + timedelta(seconds=_lease_seconds())
    if connection.vendor == "postgresql":
        # One round trip (migration beckn 0007): the BAP's lock is held for that statement
        # alone, not across round trips while this thread waits for Python's lock.
        claimed = _value(CLAIM, [outbound_id, bap_id, now, lease, limit])
        if claimed == LEASED:
            return outbound_id
        deferred = claimed == AWAITING_SLOT
    else:
        with transaction.atomic():  # SQLite: the transaction holds the database's write lock
            moment = _moment(now)
            params = [_moment(lease), False, outbound_id, moment, moment]
            if _execute(LEASE, [*params, bap_id, moment, outbound_id, limit]):
                return outbound_id
            # Not due (then this changes nothing either), or no delivery slot free: it awaits one.
            deferred = _execute(DEFER, [True, outbound_id, moment, moment])
    # A delivery that ended after our count but before our commit found no callback awaiting
    # (it looks without waiting for its turn): its slot is ours to use.
    if deferred and _in_flight(bap_id, timezone.now()) < limit:
        handed = _hand_off_slots(bap_id=bap_id, keep_first=True)
        return handed[0] if handed else None
    return None


def callback_deliver(*, outbound_id: int, lease: datetime | None = None) -> None:
    """Make a delivery attempt of a callback from the outbox, and schedule its retry if it
    must be retried; with `lease`, in the delivery slot handed to it (_hand_off_slots).

    Nothing happens if it is not due or someone else delivers it; if its BAP has no free
    delivery slot, it awaits one. After the attempt, the slot goes straight to the oldest
    callback of the same BAP awaiting one, which this thread then delivers, and so on for up
    to LANE_SECONDS (a lane: no broker round trip between a busy BAP's callbacks); after that
    the slot is handed on through the broker, so that other BAPs' messages get a thread.
    """
    if lease is None:
        first = _claim(outbound_id)
    else:
        first = outbound_id if _take_slot(outbound_id, lease) else None
    if first is None:
        return
    outbound: OutboundMessage | None = _load(first)
    lane_ends = time.monotonic() + LANE_SECONDS
    while outbound is not None:
        with hooks.callback_attempt(outbound):
            retry_in = _attempt(outbound)
        if retry_in is not None:
            callback_enqueue(outbound_id=outbound.pk, countdown=retry_in)
        outbound = _next_in_lane(outbound.bap_id, keep_going=time.monotonic() < lane_ends)


def _next_in_lane(bap_id: str, *, keep_going: bool) -> OutboundMessage | None:
    """A delivery to `bap_id` is over and its slot free: the callback awaiting a slot that
    this thread delivers next (if `keep_going`), holding that slot; any other free slot is
    handed on. Usually no callback awaits one, which one indexed query tells."""
    if _value(AWAITING, [bap_id, True]) is None:
        return None
    handed = _hand_off_slots(bap_id=bap_id, keep_first=keep_going)
    if not (keep_going and handed):
        return None
    return _load(handed[0])


def _load(outbound_id: int) -> OutboundMessage:
    """A claimed callback, with its request (one plain query)."""
    with connection.cursor() as cursor:
        cursor.execute(LOAD, [outbound_id])
        row = cursor.fetchone()
    pk, action, bap_id, target_url, transaction_id, message_id, payload, attempts = row[:8]
    request_id, request_action, request_body = row[8:]
    outbound = OutboundMessage(
        pk=pk,
        action=action,
        bap_id=bap_id,
        target_url=target_url,
        transaction_id=transaction_id,
        message_id=message_id,
        payload=_json(payload),
        attempts=attempts,
    )
    if request_id is not None:
        outbound.request = InboundMessage(
            pk=request_id, action=request_action, body=_json(request_body)
        )
    return outbound


def _json(value: Any) -> Any:
    """A JSON column as read by a plain query: text on both databases (Django has psycopg give
    jsonb as text), already decoded by a driver that decodes it."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _take_slot(outbound_id: int, lease: datetime) -> bool:
    """Take the delivery slot handed to a callback: its lease, unless that ran out and another
    worker claimed the callback since."""
    renewed = timezone.now() + timedelta(seconds=_lease_seconds())
    return (
        OutboundMessage.objects.filter(
            pk=outbound_id, status=OutboundMessage.Status.PENDING, locked_until=lease
        ).update(locked_until=renewed)
        == 1
    )


def _hand_off_slots(*, bap_id: str, keep_first: bool = False) -> list[int]:
    """Hand the free delivery slots of `bap_id` to its callbacks awaiting one, oldest first,
    and enqueue those (with `keep_first`, the first is left to the caller to deliver). A slot
    is handed over, not freed: the callback is leased on the spot, so that no newer callback
    takes the slot before its message reaches a worker; each deferred callback is thus
    enqueued once more, and only once. Returns their ids."""
    now = timezone.now()
    lease = now + timedelta(seconds=_lease_seconds())
    if connection.vendor == "postgresql":
        # One round trip (migration beckn 0008), its lock held for that statement alone.
        with connection.cursor() as cursor:
            cursor.execute(HAND_OFF, [bap_id, now, lease, limits.current(bap_id)])
            waiting = [pk for _, pk in sorted((due, pk) for pk, due in cursor.fetchall())]
    else:
        with transaction.atomic():  # SQLite: the transaction holds the database's write lock
            free = limits.current(bap_id) - _in_flight(bap_id, now)
            if free <= 0:
                return []
            with connection.cursor() as cursor:
                cursor.execute(WAITING, [bap_id, True, _moment(now), _moment(now), free])
                waiting = [row[0] for row in cursor.fetchall()]
            OutboundMessage.objects.filter(pk__in=waiting).update(
                awaiting_slot=False, locked_until=lease
            )
    # After the commit (at once, outside a transaction).
    for outbound_id in waiting[1:] if keep_first else waiting:
        transaction.on_commit(
            functools.partial(callback_enqueue, outbound_id=outbound_id, lease=lease)
        )
    return waiting


def _attempt(outbound: OutboundMessage) -> float | None:
    attempts = outbound.attempts + 1
    update: JSON = {"attempts": attempts, "locked_until": None}
    try:
        if outbound.payload is None:
            outbound.payload = _compose(outbound)
        body, authorization = signed_body(outbound.payload)
    except Exception as exc:
        # A bug or a missing key: keep the row, count the attempt, and let backoff pace retries.
        logger.exception("Cannot compose callback %s", outbound.pk)
        update["last_error"] = f"Cannot compose the callback: {type(exc).__name__}: {exc}"
        return _record_attempt(outbound, update, retryable=True)
    started = time.monotonic()
    try:
        status, excerpt = _send(outbound.target_url, body, authorization)
    except urllib3.exceptions.HTTPError as exc:
        limits.failed(outbound.bap_id)
        update["last_error"] = f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS]
        retryable = True
    else:
        update["http_status"] = status
        update["response_excerpt"] = excerpt
        if status < 300:
            limits.answered(outbound.bap_id, seconds=time.monotonic() - started)
            _execute(
                SENT,
                [
                    OutboundMessage.Status.SENT.value,
                    _moment(timezone.now()),
                    attempts,
                    status,
                    excerpt,
                    outbound.pk,
                ],
            )
            hooks.callback_outcome(outbound, "sent")
            return None
        update["last_error"] = f"HTTP {status}"
        # The BAP's server is failing or overloaded: try again. Any other 4xx is final.
        retryable = status >= 500 or status in (408, 429)
        if retryable:
            limits.failed(outbound.bap_id)
        else:
            update["status"] = OutboundMessage.Status.DEAD
    return _record_attempt(outbound, update, retryable=retryable)


def _send(url: str, body: bytes, authorization: str) -> tuple[int, str]:
    """POST a signed callback; its HTTP status and the start of the answer. Raises urllib3's
    HTTPError when no answer came (connection refused, timeout...)."""
    response = _http_pool().request(
        "POST",
        url,
        body=body,
        headers={"Content-Type": "application/json", "Authorization": authorization},
        timeout=urllib3.Timeout(
            connect=settings.BECKN_CALLBACK_CONNECT_TIMEOUT,
            read=settings.BECKN_CALLBACK_READ_TIMEOUT,
        ),
        redirect=False,
        retries=False,
    )
    return response.status, response.data[:EXCERPT_CHARS].decode("utf-8", "replace")


def _compose(outbound: OutboundMessage) -> JSON:
    """The callback's body: the answer to its request, with our context. Whatever the answer
    writes (an order on confirm...) commits together with the composed body, or not at all."""
    request = outbound.request.body
    compose = composer_for(outbound.request.action)
    with tracing.span(f"beckn.compose {outbound.action}"), transaction.atomic():
        body = compose(request)
        context = callback_context(
            request["context"], identity=our_identity(), message_id=outbound.message_id
        )
        payload = {"context": context, **body}
        _execute(
            SAVE_PAYLOAD,
            [json.dumps(payload, ensure_ascii=False), outbound.pk],
        )
    return payload


def _http_pool() -> urllib3.PoolManager:
    """This thread's HTTP connections: they stay open to the BAPs from one callback to the next
    (a new TCP connection, or TLS handshake, per callback costs both sides more than the
    callback itself). urllib3 directly: requests' session machinery cost more CPU than the
    request it sends."""
    pool = getattr(_thread_state, "pool", None)
    if pool is None:
        pool = _thread_state.pool = urllib3.PoolManager(num_pools=32, maxsize=1)
    return pool


def _record_attempt(outbound: OutboundMessage, update: JSON, *, retryable: bool) -> float | None:
    """Save the outcome of a failed attempt; returns when to retry, if it should."""
    retry_in = None
    if retryable:
        if update["attempts"] >= settings.BECKN_CALLBACK_MAX_ATTEMPTS:
            update["status"] = OutboundMessage.Status.DEAD
        else:
            retry_in = _backoff(update["attempts"])
            update["next_attempt_at"] = timezone.now() + timedelta(seconds=retry_in)
    OutboundMessage.objects.filter(pk=outbound.pk).update(**update)
    dead = update.get("status") == OutboundMessage.Status.DEAD
    hooks.callback_outcome(outbound, "dead" if dead else "retried")
    if dead:
        logger.error(
            "Gave up on callback %s to %s: %s",
            outbound.pk,
            outbound.target_url,
            update.get("last_error"),
        )
    return retry_in


def outbox_sweep(*, overdue_seconds: float) -> int:
    """Enqueue again the callbacks that no message or delivery will bring to the worker: after
    a crash, a lost broker message, a broker outage or a restart. Returns how many.

    Those due for at least `overdue_seconds` and neither under way nor awaiting a slot are
    enqueued (due more recently, their message is most likely still on its way); callbacks
    awaiting a slot of a BAP that has free slots (the deliveries that held them died) are
    handed those slots.
    """
    now = timezone.now()
    lost = list(
        _due(now)
        .filter(awaiting_slot=False, next_attempt_at__lte=now - timedelta(seconds=overdue_seconds))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:OUTBOX_SWEEP_LIMIT]
    )
    for outbound_id in lost:
        callback_enqueue(outbound_id=outbound_id)
    waiting_baps = (
        OutboundMessage.objects.filter(awaiting_slot=True, status=OutboundMessage.Status.PENDING)
        .order_by()
        .values_list("bap_id", flat=True)
        .distinct()
    )
    handed_off = sum(len(_hand_off_slots(bap_id=bap_id)) for bap_id in list(waiting_baps))
    return len(lost) + handed_off


def callback_retry(*, outbound_id: int) -> bool:
    """Give a dead callback a new round of attempts (the operator's retry button). Returns
    False, doing nothing, when the callback is not dead."""
    updated = OutboundMessage.objects.filter(
        pk=outbound_id, status=OutboundMessage.Status.DEAD
    ).update(
        status=OutboundMessage.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        locked_until=None,
    )
    if not updated:
        return False
    transaction.on_commit(lambda: callback_enqueue(outbound_id=outbound_id))
    return True
