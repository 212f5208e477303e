"""What a solar system would save: estimated yearly production at the homeowner's place, the bill
savings at an electricity price, the federal tax credit, the cost after it and the payback.

A selector: it reads nothing but its arguments and the ESTIMATES_* settings. The production comes
from pvlib (sun position, the simplified Solis clear-sky irradiance, transposed onto panels facing
the equator tilted at the latitude) less the system's losses and an allowance for clouds; it is an
estimate, and every page that shows it says so and says how it is made (METHOD)."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import pandas
import pvlib
from django.conf import settings

from catalog.taxonomy import InstallationType

# "8KW", "8 kW", "7.4kw": the system's capacity in kilowatts (not "13.5KWH", a battery's energy).
KILOWATTS_RE = re.compile(r"^\s*(\d{1,6}(?:\.\d{1,3})?)\s*kw\s*$", re.IGNORECASE)
# The pvlib year: hourly, at half past each hour, in UTC (a whole year, so no time zone matters).
YEAR = 2025
COORDINATE_PLACES = 1  # the production is cached per place rounded to about 10 km


def method_sentence() -> str:
    return (
        "Estimated with pvlib from the sun's position over a year and clear-sky sunlight at "
        "the place, on panels facing the equator at the latitude's tilt, less "
        f"{settings.ESTIMATES_SYSTEM_LOSS_PERCENT:f}% for system losses and "
        f"{settings.ESTIMATES_CLOUD_ALLOWANCE_PERCENT:f}% for clouds; real production depends "
        "on the roof, shade and weather."
    )


@dataclass(frozen=True)
class SolarEstimate:
    capacity_kw: Decimal
    annual_kwh: int
    electricity_price: Decimal
    annual_savings: Decimal
    tax_credit_percent: Decimal
    tax_credit: Decimal
    cost_after_credit: Decimal
    payback_years: Decimal | None
    price_per_watt: Decimal


def capacity_kw(system_capacity: str) -> Decimal | None:
    """The capacity in kW written in an item's system_capacity ("8KW" -> 8), or None."""
    match = KILOWATTS_RE.match(system_capacity or "")
    if match is None or Decimal(match.group(1)) <= 0:
        return None
    return Decimal(match.group(1))


def is_solar(installation_type: str) -> bool:
    return installation_type == InstallationType.SOLAR_PANEL


@lru_cache(maxsize=2048)
def _clear_sky_kwh_per_m2(latitude: float, longitude: float) -> float:
    """A year's clear-sky sunlight on the tilted panels, in kWh per m² (so per kW of panels at
    the 1 kW/m² of their rating), cached per rounded place."""
    times = pandas.date_range(f"{YEAR}-01-01 00:30", periods=8760, freq="h", tz="UTC")
    sun = pvlib.solarposition.get_solarposition(times, latitude, longitude)
    sky = pvlib.clearsky.simplified_solis(sun["apparent_elevation"]).fillna(0)
    facing = 180 if latitude >= 0 else 0
    on_panels = pvlib.irradiance.get_total_irradiance(
        surface_tilt=abs(latitude),
        surface_azimuth=facing,
        solar_zenith=sun["apparent_zenith"],
        solar_azimuth=sun["azimuth"],
        dni=sky["dni"],
        ghi=sky["ghi"],
        dhi=sky["dhi"],
    )
    return float(on_panels["poa_global"].fillna(0).clip(lower=0).sum()) / 1000


def annual_production_kwh(*, latitude: float, longitude: float, capacity: Decimal) -> int:
    """The estimated yearly production of `capacity` kW of panels at the place, in kWh."""
    place = (round(latitude, COORDINATE_PLACES), round(longitude, COORDINATE_PLACES))
    kept = (1 - settings.ESTIMATES_SYSTEM_LOSS_PERCENT / 100) * (
        1 - settings.ESTIMATES_CLOUD_ALLOWANCE_PERCENT / 100
    )
    per_kw = Decimal(str(_clear_sky_kwh_per_m2(*place))) * kept
    return int((per_kw * capacity).quantize(Decimal(1), ROUND_HALF_UP))


def solar_estimate(
    *,
    latitude: float,
    longitude: float,
    capacity: Decimal,
    price: Decimal,
    electricity_price: Decimal,
    tax_credit_percent: Decimal | None = None,
) -> SolarEstimate:
    """Production, savings, tax credit and payback of a solar system of `capacity` kW sold at
    `price`, with electricity at `electricity_price` a kWh."""
    if tax_credit_percent is None:
        tax_credit_percent = settings.ESTIMATES_TAX_CREDIT_PERCENT
    cents = Decimal("0.01")
    annual_kwh = annual_production_kwh(latitude=latitude, longitude=longitude, capacity=capacity)
    savings = (annual_kwh * electricity_price).quantize(cents, ROUND_HALF_UP)
    credit = (price * tax_credit_percent / 100).quantize(cents, ROUND_HALF_UP)
    after = price - credit
    payback = (after / savings).quantize(Decimal("0.1"), ROUND_HALF_UP) if savings > 0 else None
    return SolarEstimate(
        capacity_kw=capacity,
        annual_kwh=annual_kwh,
        electricity_price=electricity_price,
        annual_savings=savings,
        tax_credit_percent=tax_credit_percent,
        tax_credit=credit,
        cost_after_credit=after,
        payback_years=payback,
        price_per_watt=(price / (capacity * 1000)).quantize(cents, ROUND_HALF_UP),
    )
