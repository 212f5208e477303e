"""What comes in is kept: the message log of every request (ACKed, duplicate or NACKed) and,
for an ACKed one, its callback's outbox row, written in one transaction; the delivery engine
(beckn/delivery/engine.py) takes the callback from there."""

import contextlib
import functools
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Field

from beckn.delivery import engine
from beckn.mapping.context import callback_url
from beckn.models import EXCERPT_CHARS, InboundMessage, OutboundMessage

JSON = dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    http_status: int
    code: str
    message: str
    path: str = ""
    gateway: bool = False  # the gateway's signature, not the caller's, is at fault
    retry_after: int = 0  # seconds, for a 429


# Of a request whose sender is not verified, the log keeps this much text and no body.
SUMMARY_CHARS = 500


def request_reject(
    *, action: str, body: object, raw: bytes, rejection: Rejection, signer: str = ""
) -> InboundMessage:
    """Log a request we NACKed: whole if its sender is verified (`signer`), else a short summary
    (who it claims to be, the start of its body): unsigned traffic must cost next to nothing."""
    context = body.get("context") if isinstance(body, dict) else None
    context = context if isinstance(context, dict) else {}
    kept = isinstance(body, dict) and bool(signer)
    excerpt = raw[: EXCERPT_CHARS if signer else SUMMARY_CHARS].decode(errors="replace")
    return InboundMessage.objects.create(
        action=action[:32],
        bap_id=str(context.get("bap_id", ""))[:255],
        bap_uri=str(context.get("bap_uri", ""))[:500],
        transaction_id=str(context.get("transaction_id", ""))[:255],
        message_id=str(context.get("message_id", ""))[:255],
        signer=signer[:512],
        body=body if kept else None,
        raw_excerpt="" if kept else excerpt.replace("\x00", ""),
        outcome=InboundMessage.Outcome.REJECTED,
        http_status=rejection.http_status,
        error_code=rejection.code,
        error_message=rejection.message[:EXCERPT_CHARS],
    )


def request_accept(*, action: str, body: JSON, signer: str) -> int | None:
    """Log an ACKed request and put its callback in the outbox, atomically; then ask the worker
    to deliver it. Returns the callback's outbox id, or None for a duplicate.

    Both rows are written together or not at all: on PostgreSQL by one statement (one round
    trip, atomic by itself), elsewhere by two INSERTs in one transaction. A request already
    accepted (same bap_id, action and message_id) is logged as a duplicate and has no further
    effect; the database's unique constraint decides, even under races.
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
    inbound = InboundMessage(outcome=InboundMessage.Outcome.ACCEPTED, **fields)
    outbound = OutboundMessage(
        action=f"on_{action}",
        bap_id=context["bap_id"],
        target_url=callback_url(context["bap_uri"], action),
        transaction_id=context["transaction_id"],
        message_id=context["message_id"],
    )
    try:
        if connection.vendor == "postgresql":
            outbound_id = _insert_request_with_callback(inbound, outbound)
        else:
            with transaction.atomic():
                inbound.save(force_insert=True)
                outbound.request = inbound
                outbound.save(force_insert=True)
            outbound_id = outbound.pk
    except IntegrityError:
        InboundMessage.objects.create(outcome=InboundMessage.Outcome.DUPLICATE, **fields)
        return None
    transaction.on_commit(lambda: engine.callback_enqueue(outbound_id=outbound_id))
    return outbound_id


def _insert_request_with_callback(inbound: InboundMessage, outbound: OutboundMessage) -> int:
    """INSERT a request's log row and its callback's outbox row with one PostgreSQL statement
    (the outbox row's `request` is the log row's new id); returns the outbox row's id."""
    inbound_fields, outbound_fields, sql = _request_with_callback_sql()
    params = [f.get_db_prep_save(f.pre_save(inbound, True), connection) for f in inbound_fields]
    params += [f.get_db_prep_save(f.pre_save(outbound, True), connection) for f in outbound_fields]
    # In autocommit mode the statement is its own transaction; inside the caller's transaction
    # a savepoint keeps that transaction usable when the statement fails (a duplicate).
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@functools.cache
def _request_with_callback_sql() -> tuple[list[Field], list[Field], str]:
    """The fields written and the statement of _insert_request_with_callback, built once from
    the models (every column is given: a raw INSERT does not apply Django's defaults)."""
    quote = connection.ops.quote_name

    def columns(model: type[models.Model], exclude: str = "") -> list[Field]:
        return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != exclude]

    inbound_fields = columns(InboundMessage)
    outbound_fields = columns(OutboundMessage, exclude="request")
    request_column = OutboundMessage._meta.get_field("request").column
    inbound_pk = quote(InboundMessage._meta.pk.column)
    inbound_columns = ", ".join(quote(f.column) for f in inbound_fields)
    outbound_columns = ", ".join(
        [*(quote(f.column) for f in outbound_fields), quote(request_column)]
    )
    inbound_values = ", ".join(["%s"] * len(inbound_fields))
    outbound_values = ", ".join(
        ["%s"] * len(outbound_fields) + [f"(SELECT {inbound_pk} FROM inbound)"]  # noqa: S608
    )
    # Table and column names come from the models, quoted; every value is a parameter.
    sql = (
        f"WITH inbound AS (INSERT INTO {quote(InboundMessage._meta.db_table)} "  # noqa: S608
        f"({inbound_columns}) VALUES ({inbound_values}) RETURNING {inbound_pk}) "
        f"INSERT INTO {quote(OutboundMessage._meta.db_table)} ({outbound_columns}) "
        f"VALUES ({outbound_values}) RETURNING {quote(OutboundMessage._meta.pk.column)}"
    )
    return inbound_fields, outbound_fields, sql
