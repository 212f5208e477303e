"""Money: Decimal amounts in ISO 4217 currencies, and the whole minor units gateways count in."""

from decimal import Decimal


def currency_codes(text: str) -> frozenset[str]:
    """The currency codes of a text that lists them separated by spaces."""
    return frozenset(text.split())


# The active ISO 4217 currencies that have a minor unit (no metals, funds codes or test code).
ISO_4217 = currency_codes(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
    EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR
    MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB
    RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"""
)
# Their minor unit, where it is not 2 decimals.
_EXPONENTS = {
    **dict.fromkeys(
        currency_codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"), 0
    ),
    **dict.fromkeys(currency_codes("BHD IQD JOD KWD LYD OMR TND"), 3),
    **dict.fromkeys(currency_codes("CLF UYW"), 4),
}


class MoneyError(ValueError):
    pass


def currency_check(code: str) -> str:
    """`code` if it is an ISO 4217 currency code (upper case, as ISO writes it)."""
    if code not in ISO_4217:
        raise MoneyError(f"{code!r} is not an ISO 4217 currency code.")
    return code


def currency_exponent(code: str) -> int:
    """How many decimals the currency's minor unit has (2 for USD, 0 for JPY, 3 for KWD)."""
    return _EXPONENTS.get(currency_check(code), 2)


def to_minor_units(amount: Decimal, currency: str, *, exponent: int | None = None) -> int:
    """`amount` in whole minor units (cents for USD). An amount finer than the minor unit
    raises MoneyError: money is never rounded silently."""
    exponent = currency_exponent(currency) if exponent is None else exponent
    scaled = Decimal(amount).scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} {currency} has more decimals than {currency} allows.")
    return int(scaled)


def from_minor_units(value: int, currency: str, *, exponent: int | None = None) -> Decimal:
    """The Decimal amount of `value` minor units, with the currency's decimals (8500000 USD
    cents: Decimal("85000.00"))."""
    exponent = currency_exponent(currency) if exponent is None else exponent
    return Decimal(value).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def money_in_words(amount: Decimal, currency: str) -> str:
    """`85,000.00 USD`."""
    return f"{amount:,.{currency_exponent(currency)}f} {currency}"
