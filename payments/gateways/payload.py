"""Reading a gateway's event body field by field: anything unexpected refuses the webhook."""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from payments.errors import WebhookRefused
from payments.money import MoneyError, currency_check, from_minor_units

# 9999-12-31T23:59:59Z, the last moment a datetime holds.
_LAST_SECOND = 253402300799


def json_object(body: bytes) -> Mapping[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:  # also a body that is not UTF-8
        raise WebhookRefused("The body is not JSON.") from None
    if not isinstance(data, dict):
        raise WebhookRefused("The body is not a JSON object.")
    return data


def text(data: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    """A string field ('' when it is absent or null and not `required`)."""
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise WebhookRefused(f"{name!r} must be a non-empty string.")
    return value


def mapping(data: Mapping[str, Any], name: str, *, required: bool = True) -> Mapping[str, Any]:
    value = data.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise WebhookRefused(f"{name!r} must be an object.")
    return value


def whole_number(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**15:
        raise WebhookRefused(f"{name!r} must be a whole number.")
    return value


def currency(data: Mapping[str, Any], name: str = "currency") -> str:
    """An ISO 4217 code, which gateways write in lower case."""
    try:
        return currency_check(text(data, name).upper())
    except MoneyError as exc:
        raise WebhookRefused(str(exc)) from None


def amount(
    data: Mapping[str, Any], name: str, code: str, *, exponent: int | None = None
) -> Decimal:
    """A Decimal amount of a field in minor units."""
    return from_minor_units(whole_number(data, name), code, exponent=exponent)


def moment(data: Mapping[str, Any], name: str = "created") -> datetime:
    """A time given in Unix seconds."""
    seconds = whole_number(data, name)
    if seconds > _LAST_SECOND:
        raise WebhookRefused(f"{name!r} is not a time.")
    return datetime.fromtimestamp(seconds, tz=UTC)
