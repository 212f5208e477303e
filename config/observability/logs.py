"""Log records with the ids of the work under way, masked, as plain text or one JSON object
per line (settings LOG_FORMAT; config/settings/observability.py wires these in)."""

import json
import logging
from datetime import UTC, datetime

from config.observability import context, tracing
from config.observability.masking import mask_data, mask_text


class ContextFilter(logging.Filter):
    """Puts the request id, the Beckn ids and the trace id of the work under way on records."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = dict(context.current())
        ids.update(tracing.current_ids())
        record.context_ids = ids
        return True


class MaskingFilter(logging.Filter):
    """Formats the record's message with its arguments masked, then masks the text: the
    handler's formatter sees only the masked message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args
            record.args = mask_data(args) if isinstance(args, tuple | dict) else args
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be shown
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class PlainFormatter(logging.Formatter):
    """Text for people: the message, then the ids in brackets when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        ids = getattr(record, "context_ids", {})
        record.context_suffix = (
            " [" + " ".join(f"{k}={v}" for k, v in ids.items()) + "]" if ids else ""
        )
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "context_ids", {}),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(self.formatException(record.exc_info))
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, default=str, ensure_ascii=False)
