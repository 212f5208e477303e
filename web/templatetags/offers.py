"""The words a homeowner reads on offer pages: `{% load offers %}`, then
`{{ km|distance:country }}` ("12 mi away" in the
USA), `{{ "8KW"|capacity }}` ("8 kW"), and `{% stars value %}` (five stars, read as "4.6 out of 5
stars")."""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()

# Countries whose people read distances in miles (ISO 3166 alpha-3, as service locations say).
MILES_COUNTRIES = {"USA", "US", "LBR", "MMR", "GBR"}
KM_PER_MILE = Decimal("1.609344")
CAPACITY_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(kwh|kw|mw|w)\s*$", re.IGNORECASE)
UNITS = {"kwh": "kWh", "kw": "kW", "mw": "MW", "w": "W"}


@register.filter
def distance(km: Decimal | float | None, country: str = "USA") -> str:
    """How far, in the unit of the country: "12 mi away", "less than 1 km away"."""
    if km is None:
        return ""
    miles = (country or "").upper() in MILES_COUNTRIES
    value = Decimal(str(km)) / KM_PER_MILE if miles else Decimal(str(km))
    unit = "mi" if miles else "km"
    if value < 1:
        return f"less than 1 {unit} away"
    whole = value.quantize(Decimal(1), ROUND_HALF_UP)
    return f"{number_format(whole, use_l10n=True, force_grouping=True)} {unit} away"


@register.filter
def radius(km: Decimal | float | None, country: str = "USA") -> str:
    """A service radius in the unit of the country: "37 miles", "60 km"."""
    if km is None:
        return ""
    if (country or "").upper() in MILES_COUNTRIES:
        miles = (Decimal(str(km)) / KM_PER_MILE).quantize(Decimal(1), ROUND_HALF_UP)
        return f"{miles} mile{'' if miles == 1 else 's'}"
    return f"{Decimal(str(km)).normalize():f} km"


@register.filter
def capacity(written: str) -> str:
    """A capacity as the installer wrote it, in the usual spelling: "8KW" -> "8 kW"."""
    match = CAPACITY_RE.match(written or "")
    if match is None:
        return written
    return f"{match.group(1)} {UNITS[match.group(2).lower()]}"


@register.inclusion_tag("catalog/_stars.html")
def stars(value: Decimal | float | str | None) -> dict[str, Any]:
    """Five stars, each full, half or empty, for a rating on a 0-5 scale."""
    if value in (None, ""):
        return {"value": None, "stars": []}
    rating = Decimal(str(value))
    halves = int((rating * 2).quantize(Decimal(1), ROUND_HALF_UP))
    shapes = []
    for star in range(1, 6):
        if halves >= star * 2:
            shapes.append("full")
        elif halves == star * 2 - 1:
            shapes.append("half")
        else:
            shapes.append("empty")
    return {"value": format(rating.normalize(), "f"), "stars": shapes}
