"""Writes of the Beckn adapter: the message log, the outbox, and callback delivery."""

import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from beckn import mapping, signing
from beckn.keys import our_identity
from beckn.models import InboundMessage, OrderLink, OutboundMessage
from orders.models import Order
from orders.selectors import order_detail

logger = logging.getLogger(__name__)
JSON = dict[str, Any]
EXCERPT_CHARS = 2000


@dataclass(frozen=True)
class Rejection:
    http_status: int
    code: str
    message: str
    path: str = ""
    gateway: bool = False  # the gateway's signature, not the caller's, is at fault


def request_reject(
    *, action: str, body: object, raw: bytes, rejection: Rejection, signer: str = ""
) -> InboundMessage:
    """Log a request we NACKed."""
    context = body.get("context") if isinstance(body, dict) else None
    context = context if isinstance(context, dict) else {}
    return InboundMessage.objects.create(
        action=action[:32],
        bap_id=str(context.get("bap_id", ""))[:255],
        bap_uri=str(context.get("bap_uri", ""))[:500],
        transaction_id=str(context.get("transaction_id", ""))[:255],
        message_id=str(context.get("message_id", ""))[:255],
        signer=signer[:512],
        body=body if isinstance(body, dict) else None,
        raw_excerpt="" if isinstance(body, dict) else raw[:EXCERPT_CHARS].decode(errors="replace"),
        outcome=InboundMessage.Outcome.REJECTED,
        http_status=rejection.http_status,
        error_code=rejection.code,
        error_message=rejection.message,
    )


def request_accept(*, action: str, body: JSON, signer: str) -> InboundMessage:
    """Log an ACKed request and put its callback in the outbox, in one transaction.

    A request already accepted (same bap_id, action and message_id) is logged as a duplicate
    and has no further effect; the database's unique constraint decides, even under races.
    """
    context = body["context"]
    fields = {
        "action": action,
        "bap_id": context["bap_id"],
        "bap_uri": context["bap_uri"],
        "transaction_id": context["transaction_id"],
        "message_id": context["message_id"],
        "signer": signer,
        "body": body,
        "http_status": 200,
    }
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                outcome=InboundMessage.Outcome.ACCEPTED, **fields
            )
            outbound = OutboundMessage.objects.create(
                action=f"on_{action}",
                request=inbound,
                bap_id=context["bap_id"],
                target_url=mapping.callback_url(context["bap_uri"], action),
                transaction_id=context["transaction_id"],
                message_id=context["message_id"],
            )
            transaction.on_commit(lambda: callback_enqueue(outbound_id=outbound.pk))
    except IntegrityError:
        return InboundMessage.objects.create(outcome=InboundMessage.Outcome.DUPLICATE, **fields)
    return inbound


def callback_enqueue(*, outbound_id: int, countdown: float | None = None) -> None:
    """Ask the worker to deliver a callback. Never raises: if the broker is unreachable the
    outbox sweep delivers it later."""
    from beckn.tasks import deliver_callback

    try:
        deliver_callback.apply_async((outbound_id,), countdown=countdown)
    except Exception as exc:
        logger.warning(
            "Broker unavailable (%s); callback %s waits for the outbox sweep", exc, outbound_id
        )


def _compose(outbound: OutboundMessage) -> JSON:
    """The callback's body: the answer to its request, with our context. Whatever the answer
    writes (an order on confirm...) commits together with the composed body, or not at all."""
    from beckn.actions import ACTIONS, answer

    request = outbound.request.body
    with transaction.atomic():
        body = answer(request, ACTIONS[outbound.request.action])
        context = mapping.callback_context(
            request["context"], identity=our_identity(), message_id=outbound.message_id
        )
        payload = {"context": context, **body}
        OutboundMessage.objects.filter(pk=outbound.pk).update(payload=payload)
    return payload


def order_link_create(*, order: Order, context: JSON) -> OrderLink:
    """Remember which buyer app placed `order` in which transaction, and where its callbacks go."""
    return OrderLink.objects.create(
        order=order,
        bap_id=context["bap_id"],
        bap_uri=context["bap_uri"],
        transaction_id=context["transaction_id"],
        context={
            name: context[name]
            for name in ("domain", "version", "location", "ttl")
            if name in context
        },
    )


def order_push(*, link: OrderLink, action: str) -> OutboundMessage:
    """Tell the buyer app that placed an order about a change it did not ask for (an
    unsolicited on_status or on_update), through the outbox. Call inside the changing
    transaction: the callback shows the order as that transaction leaves it."""
    from beckn.actions import tracking_url

    message_id = str(uuid.uuid4())
    request_context = {
        **link.context,
        "action": action.removeprefix("on_"),
        "bap_id": link.bap_id,
        "bap_uri": link.bap_uri,
        "transaction_id": link.transaction_id,
    }
    order = order_detail(link.order_id)
    payload = {
        "context": mapping.callback_context(
            request_context, identity=our_identity(), message_id=message_id
        ),
        "message": {"order": mapping.order_json(order, tracking_url=tracking_url(order))},
    }
    outbound = OutboundMessage.objects.create(
        action=action,
        bap_id=link.bap_id,
        target_url=mapping.callback_url(link.bap_uri, request_context["action"]),
        transaction_id=link.transaction_id,
        message_id=message_id,
        payload=payload,
    )
    transaction.on_commit(lambda: callback_enqueue(outbound_id=outbound.pk))
    return outbound


def _backoff(attempts: int) -> float:
    base = settings.BECKN_CALLBACK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    delay = min(base, settings.BECKN_CALLBACK_BACKOFF_MAX_SECONDS)
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not cryptography


def _lease_seconds() -> float:
    """How long a claimed delivery is another worker's: its longest possible attempt, and a
    little more. After a crash, its callback waits that long before anyone tries again."""
    return settings.BECKN_CALLBACK_CONNECT_TIMEOUT + settings.BECKN_CALLBACK_READ_TIMEOUT + 5


def _claim(outbound_id: int) -> bool | None:
    """Take the right to attempt a due callback now.

    False if it is not due or another worker holds it; None if its BAP already has
    BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP deliveries under way (a slow or dead BAP must not
    hold every worker while other BAPs wait)."""
    bap_id = OutboundMessage.objects.filter(pk=outbound_id).values_list("bap_id", flat=True).first()
    with transaction.atomic():
        # Claims for one BAP take turns, so that its in-flight count cannot be overrun.
        # (On SQLite the transaction already holds the database's write lock.)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [bap_id or ""])
        now = timezone.now()
        in_flight = OutboundMessage.objects.filter(
            bap_id=bap_id, status=OutboundMessage.Status.PENDING, locked_until__gt=now
        ).exclude(pk=outbound_id)
        if in_flight.count() >= settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP:
            return None
        claimed = (
            OutboundMessage.objects.filter(
                pk=outbound_id, status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now
            )
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .update(locked_until=now + timedelta(seconds=_lease_seconds()))
        )
    return claimed == 1


def callback_deliver(*, outbound_id: int) -> float | None:
    """Make one delivery attempt of a callback from the outbox.

    Returns the number of seconds after which to try again, or None when there is nothing
    more to do now: sent, given up, not due, delivered by someone else, or waiting for its
    BAP to have a free slot (then the delivery that frees it, or the sweep, enqueues it).
    """
    claimed = _claim(outbound_id)
    if not claimed:
        return None
    outbound = OutboundMessage.objects.select_related("request").get(pk=outbound_id)
    try:
        return _attempt(outbound)
    finally:
        _enqueue_waiting(bap_id=outbound.bap_id, exclude=outbound_id)


def _enqueue_waiting(*, bap_id: str, exclude: int) -> None:
    """A delivery to `bap_id` is over: let its next due callbacks have the free slots."""
    for outbound_id in outbox_due(
        bap_id=bap_id, limit=settings.BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP, exclude=exclude
    ):
        callback_enqueue(outbound_id=outbound_id)


def _attempt(outbound: OutboundMessage) -> float | None:
    attempts = outbound.attempts + 1
    update: JSON = {"attempts": attempts, "locked_until": None}
    try:
        if outbound.payload is None:
            outbound.payload = _compose(outbound)
        body, authorization = _signed(outbound.payload)
    except Exception as exc:
        # A bug or a missing key: keep the row, count the attempt, and let backoff pace retries.
        logger.exception("Cannot compose callback %s", outbound.pk)
        update["last_error"] = f"Cannot compose the callback: {type(exc).__name__}: {exc}"
        return _record_attempt(outbound, update, retryable=True)
    try:
        response = requests.post(
            outbound.target_url,
            data=body,
            headers={"Content-Type": "application/json", "Authorization": authorization},
            timeout=(settings.BECKN_CALLBACK_CONNECT_TIMEOUT, settings.BECKN_CALLBACK_READ_TIMEOUT),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        update["last_error"] = f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS]
        retryable = True
    else:
        update["http_status"] = response.status_code
        update["response_excerpt"] = response.text[:EXCERPT_CHARS]
        if response.status_code < 300:
            update.update(status=OutboundMessage.Status.SENT, sent_at=timezone.now(), last_error="")
            OutboundMessage.objects.filter(pk=outbound.pk).update(**update)
            return None
        update["last_error"] = f"HTTP {response.status_code}"
        # The BAP's server is failing or overloaded: try again. Any other 4xx is final.
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        if not retryable:
            update["status"] = OutboundMessage.Status.DEAD
    return _record_attempt(outbound, update, retryable=retryable)


def _signed(payload: JSON) -> tuple[bytes, str]:
    """The exact bytes we send and the Authorization header that signs them."""
    identity = our_identity()
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    authorization = signing.sign(
        body,
        subscriber_id=identity.subscriber_id,
        unique_key_id=identity.unique_key_id,
        key=identity.key,
        ttl_seconds=settings.BECKN_SIGNATURE_TTL_SECONDS,
    )
    return body, authorization


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
    if update.get("status") == OutboundMessage.Status.DEAD:
        logger.error(
            "Gave up on callback %s to %s: %s",
            outbound.pk,
            outbound.target_url,
            update.get("last_error"),
        )
    return retry_in


def outbox_due(*, limit: int = 1000, bap_id: str = "", exclude: int | None = None) -> list[int]:
    """Callbacks that are due and not being delivered (of one BAP, if given), oldest first:
    what the sweep re-enqueues."""
    now = timezone.now()
    due = OutboundMessage.objects.filter(
        status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now
    ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    if bap_id:
        due = due.filter(bap_id=bap_id)
    if exclude is not None:
        due = due.exclude(pk=exclude)
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def callback_retry(*, outbound_id: int) -> None:
    """Give a dead callback a new round of attempts (the operator's retry button)."""
    OutboundMessage.objects.filter(pk=outbound_id, status=OutboundMessage.Status.DEAD).update(
        status=OutboundMessage.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        locked_until=None,
    )
    transaction.on_commit(lambda: callback_enqueue(outbound_id=outbound_id))
