"""Who the installer is, as its owner edits it in the workspace: founding year, licence and
certifications (its pictures are catalog.services.images'), and when it works."""

from datetime import time

from catalog.models import Provider
from catalog.services.fields import validated_save


def provider_profile_update(
    *,
    provider: Provider,
    founded_year: int | None,
    license_number: str,
    certifications: list[str],
) -> Provider:
    """Set the installer's founding year, licence number and certifications (validated)."""
    provider.founded_year = founded_year
    provider.license_number = license_number.strip()
    provider.certifications = [name.strip() for name in certifications if name.strip()]
    return validated_save(provider)


def provider_working_hours_update(
    *, provider: Provider, work_days: str, work_start: time, work_end: time, time_zone: str
) -> Provider:
    """Set when the installer takes appointments: its work days (ISO weekday numbers, "12345"),
    the start and end of its working day, and their IANA zone ('' for that of its first
    service location). Validated (Provider.clean): ValidationError with field names."""
    provider.work_days = work_days
    provider.work_start = work_start
    provider.work_end = work_end
    provider.time_zone = time_zone.strip()
    return validated_save(provider)
