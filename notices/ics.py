"""An iCalendar (RFC 5545) invitation for one appointment, in the site's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def invitation(
    *,
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    location: str,
    zone_name: str,
    url: str,
) -> str:
    """A VEVENT whose times are written in `zone_name` (TZID), its stamp in UTC."""
    local = "%Y%m%dT%H%M%S"
    zone = ZoneInfo(zone_name)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sunbeckn//Installation appointments//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_text(uid)}",
        f"DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={zone_name}:{start.astimezone(zone):{local}}",
        f"DTEND;TZID={zone_name}:{end.astimezone(zone):{local}}",
        f"SUMMARY:{_text(summary)}",
        f"LOCATION:{_text(location)}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
