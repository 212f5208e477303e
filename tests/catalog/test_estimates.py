"""The savings estimate (catalog/estimates.py) against known values."""

from decimal import Decimal

import pytest

from catalog.estimates import (
    annual_production_kwh,
    capacity_kw,
    method_sentence,
    solar_estimate,
)

SAN_FRANCISCO = (37.7749, -122.4194)
PHOENIX = (33.4484, -112.0740)
SEATTLE = (47.6062, -122.3321)


@pytest.mark.parametrize(
    ("written", "kilowatts"),
    [("8KW", Decimal(8)), ("7.4 kW", Decimal("7.4")), ("2kw", Decimal(2))],
)
def test_capacity_in_kilowatts(written, kilowatts):
    assert capacity_kw(written) == kilowatts


@pytest.mark.parametrize("written", ["", "13.5KWH", "0KW", "eight kW", "8 MW"])
def test_no_capacity_in_kilowatts(written):
    assert capacity_kw(written) is None


def test_san_francisco_production_is_near_the_published_yield(settings):
    # NREL's PVWatts gives about 1,450-1,550 kWh a year per kW of panels in San Francisco
    # (14% losses, typical weather): the clear-sky year less 14% and 30% lands there.
    settings.ESTIMATES_SYSTEM_LOSS_PERCENT = Decimal(14)
    settings.ESTIMATES_CLOUD_ALLOWANCE_PERCENT = Decimal(30)
    per_kw = annual_production_kwh(
        latitude=SAN_FRANCISCO[0], longitude=SAN_FRANCISCO[1], capacity=Decimal(1)
    )
    assert 1400 <= per_kw <= 1650
    eight = annual_production_kwh(
        latitude=SAN_FRANCISCO[0], longitude=SAN_FRANCISCO[1], capacity=Decimal(8)
    )
    assert abs(eight - 8 * per_kw) <= 8


def test_sunnier_and_lower_latitudes_produce_more():
    def per_kw(place):
        return annual_production_kwh(latitude=place[0], longitude=place[1], capacity=Decimal(1))

    assert per_kw(PHOENIX) > per_kw(SAN_FRANCISCO) > per_kw(SEATTLE)


def test_losses_lower_the_production(settings):
    place = {"latitude": SAN_FRANCISCO[0], "longitude": SAN_FRANCISCO[1], "capacity": Decimal(1)}
    settings.ESTIMATES_CLOUD_ALLOWANCE_PERCENT = Decimal(0)
    settings.ESTIMATES_SYSTEM_LOSS_PERCENT = Decimal(0)
    clear = annual_production_kwh(**place)
    settings.ESTIMATES_SYSTEM_LOSS_PERCENT = Decimal(50)
    assert annual_production_kwh(**place) == pytest.approx(clear / 2, abs=1)


def test_money_figures(settings):
    settings.ESTIMATES_TAX_CREDIT_PERCENT = Decimal(30)
    estimate = solar_estimate(
        latitude=SAN_FRANCISCO[0],
        longitude=SAN_FRANCISCO[1],
        capacity=Decimal(8),
        price=Decimal(28500),
        electricity_price=Decimal("0.30"),
    )
    assert estimate.tax_credit == Decimal("8550.00")
    assert estimate.cost_after_credit == Decimal("19950.00")
    assert estimate.price_per_watt == Decimal("3.56")
    assert estimate.annual_savings == (estimate.annual_kwh * Decimal("0.30")).quantize(
        Decimal("0.01")
    )
    assert estimate.payback_years == (Decimal("19950") / estimate.annual_savings).quantize(
        Decimal("0.1")
    )
    assert 4 < estimate.payback_years < 8


def test_the_tax_credit_is_configurable_and_a_free_electricity_never_pays_back():
    estimate = solar_estimate(
        latitude=SEATTLE[0],
        longitude=SEATTLE[1],
        capacity=Decimal(6),
        price=Decimal(20000),
        electricity_price=Decimal(0),
        tax_credit_percent=Decimal(0),
    )
    assert estimate.tax_credit == 0
    assert estimate.cost_after_credit == Decimal(20000)
    assert estimate.payback_years is None


def test_the_method_names_its_losses(settings):
    settings.ESTIMATES_SYSTEM_LOSS_PERCENT = Decimal(14)
    assert "14% for system losses" in method_sentence()
    assert "pvlib" in method_sentence()
