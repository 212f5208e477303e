"""Beckn's small values, read and written: timestamps, durations, GPS points, decimals as text,
tag groups (the serializers check requests with the same parsers the mappings read them with)."""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

JSON = dict[str, Any]

DURATION_RE = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
GPS_RE = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def parse_duration(value: str) -> timedelta:
    """An ISO 8601 duration such as PT10M (a year counts 365 days, a month 30)."""
    match = DURATION_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not an ISO 8601 duration such as PT30S.")
    parts = {name: float(number) for name, number in match.groupdict().items() if number}
    days = parts.get("years", 0) * 365 + parts.get("months", 0) * 30 + parts.get("days", 0)
    try:
        return timedelta(
            weeks=parts.get("weeks", 0),
            days=days,
            hours=parts.get("hours", 0),
            minutes=parts.get("minutes", 0),
            seconds=parts.get("seconds", 0),
        )
    except OverflowError:
        raise ValueError(f"{value!r} is longer than any duration this BPP can read.") from None


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 date-time with a time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in value.upper():
        raise ValueError(f"{value!r} is not an RFC 3339 date-time such as 2023-07-16T04:41:00Z.")
    return parsed


def parse_gps(value: str) -> tuple[float, float]:
    match = GPS_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not 'latitude,longitude'.")
    lat, lng = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError(f"{value!r} is outside the range of latitudes and longitudes.")
    return lat, lng


def decimal_text(value: Decimal) -> str:
    """85000.00 -> "85000", 1450.50 -> "1450.5"."""
    text = format(value.normalize(), "f")
    return text


def tag_group(
    code: str, entries: Iterable[tuple[str, str]], *, display: bool | None = None
) -> JSON:
    group: JSON = {"descriptor": {"code": code}}
    if display is not None:
        group["display"] = display
    group["list"] = [{"descriptor": {"code": c}, "value": v} for c, v in entries]
    return group
