"""Who the installer is, as its owner edits it in the workspace: founding year, licence and
certifications (its pictures are catalog.services.images')."""

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
