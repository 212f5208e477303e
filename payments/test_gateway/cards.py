"""Card details as a card holder types them, and what the test gateway does with each test card."""

import enum
import re
from dataclasses import dataclass
from datetime import date


class CardInvalid(ValueError):
    """A card detail that cannot be right; the message is the one to show by the field."""


class Outcome(enum.Enum):
    SUCCEED = "succeed"
    DECLINE = "decline"
    AUTHENTICATE = "authenticate"


@dataclass(frozen=True)
class KnownCard:
    """A card number the test gateway knows, and what it does with it."""

    number: str
    outcome: Outcome
    description: str
    decline_reason: str = ""

    @property
    def grouped(self) -> str:
        """The number as printed on a card, in groups of four."""
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


DECLINED = "Your card was declined."
AUTHENTICATION_FAILED = (
    "We are unable to authenticate your payment method. Please choose a different payment "
    "method and try again."
)
# The numbers the test gateway knows (Stripe's test numbers, so habits carry over).
TEST_CARDS = {
    card.number: card
    for card in (
        KnownCard("4242424242424242", Outcome.SUCCEED, "Visa: succeeds"),
        KnownCard("5555555555554444", Outcome.SUCCEED, "Mastercard: succeeds"),
        KnownCard("4000000000000002", Outcome.DECLINE, "Visa: declined", DECLINED),
        KnownCard(
            "4000000000009995",
            Outcome.DECLINE,
            "Visa: insufficient funds",
            "Your card has insufficient funds.",
        ),
        KnownCard(
            "4000002500003155", Outcome.AUTHENTICATE, "Visa: asks the card holder to confirm"
        ),
    )
}
# Any other well-formed number is declined, as a gateway in test mode declines real cards.
UNKNOWN_CARD = KnownCard(
    "",
    Outcome.DECLINE,
    "any other number",
    f"{DECLINED} This test gateway takes only its test card numbers.",
)

_SEPARATORS = re.compile(r"[ \-]")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits ends with its Luhn check digit."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_number_parse(text: str) -> str:
    """The digits of a card number typed with or without spaces or dashes, 12 to 19 of them
    with a right Luhn check digit. Raises CardInvalid."""
    digits = _SEPARATORS.sub("", text.strip())
    if not (digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19):
        raise CardInvalid("Your card number is incomplete or has other characters than digits.")
    if not luhn_valid(digits):
        raise CardInvalid("Your card number is invalid.")
    return digits


def card_expiry_parse(text: str, *, today: date) -> tuple[int, int]:
    """(year, month) of an expiry date typed `MM/YY` or `MM/YYYY`, not in the past. Raises
    CardInvalid."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", text)
    if match is None or not 1 <= int(match[1]) <= 12:
        raise CardInvalid("Write the expiry date as MM/YY.")
    month, year = int(match[1]), int(match[2])
    year = year + 2000 if year < 100 else year
    if (year, month) < (today.year, today.month):
        raise CardInvalid("Your card's expiration date is in the past.")
    return year, month


def card_cvc_parse(text: str) -> str:
    cvc = text.strip()
    if not (cvc.isascii() and cvc.isdigit() and len(cvc) in (3, 4)):
        raise CardInvalid("Your card's security code is 3 or 4 digits.")
    return cvc


def card_brand(digits: str) -> str:
    if digits.startswith("4"):
        return "Visa"
    if digits[:2] in ("51", "52", "53", "54", "55") or "2221" <= digits[:4] <= "2720":
        return "Mastercard"
    if digits[:2] in ("34", "37"):
        return "American Express"
    return "Card"


def card_outcome(digits: str) -> KnownCard:
    """What the test gateway does with a (well-formed) card number."""
    return TEST_CARDS.get(digits, UNKNOWN_CARD)
