"""Rating values: numbers from 0 to 5 with at most two decimals, read as "4.6/5"."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ratings.errors import RatingValueInvalid

MIN_VALUE = Decimal(0)
MAX_VALUE = Decimal(5)
STARS = range(6)  # the buckets of a distribution: 0 to 5 stars
CENT = Decimal("0.01")
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def rating_value_parse(value: Decimal | str | int | float) -> Decimal:
    """The rating a buyer gave, as a Decimal with two places (4.555 -> 4.56).

    Accepts a number or its decimal text ("4", "4.5", " 3.75 "). Raises RatingValueInvalid for
    anything else (words, "1e3", "NaN", inequalities) and for values below 0 or above 5.
    """
    text = str(value).strip() if not isinstance(value, Decimal) else format(value, "f")
    if isinstance(value, bool) or not NUMBER_RE.match(text):
        raise RatingValueInvalid(f"The rating {str(value)[:40]!r} is not a number from 0 to 5.")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal text
        raise RatingValueInvalid(f"The rating {text!r} is not a number from 0 to 5.") from None
    if not MIN_VALUE <= number <= MAX_VALUE:
        raise RatingValueInvalid(f"The rating {text} is outside the 0 to 5 scale.")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def mean(total: Decimal, count: int) -> Decimal:
    return (total / count).quantize(CENT, rounding=ROUND_HALF_UP)


def rating_display(value: Decimal | None) -> str:
    """4.60 -> "4.6/5"; nothing for no rating."""
    if value is None:
        return ""
    return f"{format(Decimal(value).normalize(), 'f')}/5"
