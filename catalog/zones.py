"""Time zones of places: an installer's service location, an installation site.

A place's IANA time zone is found from its coordinates (timezonefinder, offline boundary data)
or set by hand; without either, the site's default zone (settings.TIME_ZONE). Appointments are
stored in UTC and shown, offered and e-mailed in the zone of the place they happen at."""

from datetime import datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from timezonefinder import TimezoneFinder


@cache
def _finder() -> TimezoneFinder:
    return TimezoneFinder(in_memory=False)


def zone_at(*, latitude: Decimal | float | None, longitude: Decimal | float | None) -> str:
    """The IANA zone at these coordinates ('' without coordinates or over open sea)."""
    if latitude is None or longitude is None:
        return ""
    return _finder().timezone_at(lat=float(latitude), lng=float(longitude)) or ""


def is_zone(name: str) -> bool:
    return name in available_timezones()


def zone(name: str) -> ZoneInfo:
    """The zone of that name, or the site's default zone for '' or an unknown name."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def moment_in_words(moment: datetime, name: str) -> str:
    """'Mon 7 Dec 2026, 10:00 PST': a moment in the zone `name`, with its abbreviation."""
    local = moment.astimezone(zone(name))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def window_in_words(start: datetime, end: datetime, name: str) -> str:
    """'Mon 7 Dec 2026, 10:00 to 12:00 PST' (the end's day too when it is another day)."""
    local_start, local_end = start.astimezone(zone(name)), end.astimezone(zone(name))
    if local_start.date() == local_end.date():
        until = f"{local_end:%H:%M}"
    else:
        until = f"{local_end:%a} {local_end.day} {local_end:%b %Y, %H:%M}"
    return (
        f"{local_start:%a} {local_start.day} {local_start:%b %Y, %H:%M}\u2013{until} "
        f"{local_end.tzname()}"
    )
