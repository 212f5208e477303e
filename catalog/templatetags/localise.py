"""Money and moments as people read them: `{{ order.total|money:order.currency }}` ($28,500.00
for USD, in the current language's way), `{{ moment|in_zone:order.site_time_zone }}` (Mon 7 Dec
2026, 10:00 PST: in the zone of the place, with its abbreviation)."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import UnknownCurrencyError, format_currency
from django import template
from django.utils.translation import get_language, to_locale

from catalog import zones

register = template.Library()


def money(amount: Decimal | int | float | str | None, currency: str) -> str:
    """An amount in its ISO 4217 currency, localised: '$28,500.00' for 28500 USD in English."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    locale = to_locale(get_language() or "en-us")
    try:
        return format_currency(value, currency, locale=locale)
    except (UnknownCurrencyError, ValueError):
        return f"{value:,.2f} {currency}"


register.filter("money", money)


@register.filter
def in_zone(moment: datetime | None, zone_name: str) -> str:
    return zones.moment_in_words(moment, zone_name) if moment else ""
