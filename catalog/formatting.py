"""Values as people read them, for the pages and the e-mails alike."""

from decimal import Decimal, InvalidOperation

from babel.numbers import UnknownCurrencyError, format_currency
from django.utils.translation import get_language, to_locale


def money(amount: Decimal | int | float | str | None, currency: str = "USD") -> str:
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
