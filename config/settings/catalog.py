"""The catalog's pictures (installer logos and photos) and the homeowner's savings estimates."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

from config.env import DATA_DIR, env

# Installer logos and photos are public: they live in the default storage under MEDIA_ROOT and
# are served at MEDIA_URL (web/images.py serves them from the storage when no web server does).
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media/"
# An uploaded logo or photo: at most this many bytes and pixels (checked before it is decoded).
CATALOG_IMAGE_MAX_BYTES = env.int("CATALOG_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
CATALOG_IMAGE_MAX_PIXELS = env.int("CATALOG_IMAGE_MAX_PIXELS", default=25_000_000)


def _percent(name: str, default: str) -> Decimal:
    try:
        value = Decimal(env.str(name, default=default))
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number such as {default}") from None
    if not Decimal(0) <= value < Decimal(100):
        raise ImproperlyConfigured(f"{name} must be between 0 and 100")
    return value


# The savings estimate (catalog/estimates.py): the federal tax credit on a solar system's price,
# the system's losses (wiring, inverter, soiling, heat) and the allowance for clouds against a
# clear sky, in percent; the electricity price a homeowner starts from, in dollars per kWh.
ESTIMATES_TAX_CREDIT_PERCENT = _percent("ESTIMATES_TAX_CREDIT_PERCENT", "30")
ESTIMATES_SYSTEM_LOSS_PERCENT = _percent("ESTIMATES_SYSTEM_LOSS_PERCENT", "14")
ESTIMATES_CLOUD_ALLOWANCE_PERCENT = _percent("ESTIMATES_CLOUD_ALLOWANCE_PERCENT", "30")
try:
    ESTIMATES_ELECTRICITY_PRICE = Decimal(env.str("ESTIMATES_ELECTRICITY_PRICE", default="0.30"))
except InvalidOperation:
    raise ImproperlyConfigured(
        "ESTIMATES_ELECTRICITY_PRICE must be a number such as 0.30"
    ) from None
