"""The card-number parser (Luhn), the expiry and CVC fields, and money in minor units."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.money import (
    ISO_4217,
    MoneyError,
    currency_check,
    from_minor_units,
    money_in_words,
    to_minor_units,
)
from payments.test_gateway.cards import (
    TEST_CARDS,
    CardInvalid,
    Outcome,
    card_brand,
    card_cvc_parse,
    card_expiry_parse,
    card_number_parse,
    card_outcome,
    luhn_valid,
)

digits = st.text(alphabet="0123456789", min_size=11, max_size=18)


def check_digit(payload: str) -> str:
    """The digit that makes `payload` + it pass the Luhn check (computed the textbook way)."""
    total = 0
    for position, character in enumerate(reversed(payload)):
        value = int(character) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


@given(digits)
def test_a_number_with_its_check_digit_is_valid(payload: str) -> None:
    assert luhn_valid(payload + check_digit(payload))


@given(digits, st.data())
def test_changing_one_digit_breaks_the_check(payload: str, data: st.DataObject) -> None:
    number = payload + check_digit(payload)
    position = data.draw(st.integers(0, len(number) - 1))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert not luhn_valid(number[:position] + other + number[position + 1 :])


@given(digits, st.lists(st.sampled_from([" ", "-"]), max_size=4))
def test_the_parser_takes_spaces_and_dashes(payload: str, separators: list[str]) -> None:
    number = payload + check_digit(payload)
    typed = "".join(
        character + (separators[i % len(separators)] if separators and i % 4 == 3 else "")
        for i, character in enumerate(number)
    )
    assert card_number_parse(f" {typed} ") == number


@given(st.text(max_size=40))
def test_the_parser_accepts_a_number_or_says_why_not(text: str) -> None:
    try:
        number = card_number_parse(text)
    except CardInvalid as exc:
        assert str(exc).startswith("Your card number")
    else:
        assert number.isdigit() and 12 <= len(number) <= 19 and luhn_valid(number)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("4242 4242 4242 4241", "Your card number is invalid."),
        ("4242 4242", "Your card number is incomplete or has other characters than digits."),
        (
            "4242 4242 4242 424x",
            "Your card number is incomplete or has other characters than digits.",
        ),
        ("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", "Your card number is incomplete or has other characters than digits."),
    ],
)
def test_malformed_numbers_are_refused(typed: str, message: str) -> None:
    with pytest.raises(CardInvalid, match=message):
        card_number_parse(typed)


def test_every_test_card_is_well_formed_and_does_what_it_says() -> None:
    for number in TEST_CARDS:
        assert card_number_parse(number) == number
    assert card_outcome("4242424242424242").outcome == Outcome.SUCCEED
    declined = card_outcome("4000000000000002")
    assert (declined.outcome, declined.decline_reason) == (
        Outcome.DECLINE,
        "Your card was declined.",
    )
    assert card_outcome("4000002500003155").outcome == Outcome.AUTHENTICATE
    # A real card's number is declined: the test gateway takes test numbers only.
    assert card_outcome("4111111111111111").outcome == Outcome.DECLINE
    assert [card_brand(n) for n in ("4242424242424242", "5555555555554444", "378282246310005")] == [
        "Visa",
        "Mastercard",
        "American Express",
    ]


def test_expiry_and_security_code() -> None:
    today = date(2026, 5, 14)
    assert card_expiry_parse("05/26", today=today) == (2026, 5)
    assert card_expiry_parse(" 12 / 2031 ", today=today) == (2031, 12)
    for past in ("04/26", "12/25"):
        with pytest.raises(CardInvalid, match="in the past"):
            card_expiry_parse(past, today=today)
    for wrong in ("13/30", "1230", "00/30", ""):
        with pytest.raises(CardInvalid, match="MM/YY"):
            card_expiry_parse(wrong, today=today)
    assert card_cvc_parse(" 123 ") == "123"
    with pytest.raises(CardInvalid):
        card_cvc_parse("12a")


@pytest.mark.parametrize(
    "amount, currency, minor",
    [
        (Decimal("85000.00"), "USD", 8500000),
        (Decimal("0.01"), "EUR", 1),
        (Decimal("12000"), "JPY", 12000),
        (Decimal("1.234"), "KWD", 1234),
    ],
)
def test_minor_units_both_ways(amount: Decimal, currency: str, minor: int) -> None:
    assert to_minor_units(amount, currency) == minor
    assert from_minor_units(minor, currency) == amount


@given(st.sampled_from(sorted(ISO_4217)), st.integers(0, 10**12))
def test_minor_units_round_trip(currency: str, minor: int) -> None:
    assert to_minor_units(from_minor_units(minor, currency), currency) == minor


def test_money_is_never_rounded_and_codes_are_iso_4217() -> None:
    with pytest.raises(MoneyError, match="more decimals"):
        to_minor_units(Decimal("12000.50"), "JPY")
    with pytest.raises(MoneyError, match="more decimals"):
        to_minor_units(Decimal("10.005"), "USD")
    for code in ("usd", "XXX", "US", "ABC"):
        with pytest.raises(MoneyError, match="ISO 4217"):
            currency_check(code)
    assert money_in_words(Decimal("85000"), "USD") == "85,000.00 USD"
    assert money_in_words(Decimal("12000"), "JPY") == "12,000 JPY"
