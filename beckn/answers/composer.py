"""How an answer becomes its callback's body: the `message` it returns, or, for a business error,
an `error` with its BECKN-005 code (such requests were ACKed: the error travels in the callback).
"""

from collections.abc import Callable
from typing import Any

from beckn.delivery.composers import composer_register
from orders import errors
from ratings.errors import (
    CommentInvalid,
    RateableNotFound,
    RatingCategoryUnsupported,
    RatingError,
    RatingNotAllowed,
    RatingValueInvalid,
)

JSON = dict[str, Any]
Answer = Callable[[JSON], JSON]


class BusinessError(Exception):
    """A request the protocol layer itself refuses in the callback, with its code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


ERROR_CODES: dict[type[Exception], str] = {
    errors.ProviderNotFound: "30001",
    errors.ItemNotFound: "30004",
    errors.FulfillmentUnavailable: "30008",
    errors.OrderNotFound: "30010",
    errors.InvalidCancellationReason: "30011",
    errors.QuoteChanged: "40003",
    errors.PaymentNotSupported: "40004",
    errors.TechnicianUnavailable: "40006",
    errors.CancellationNotPossible: "50001",
    errors.UpdateNotPossible: "50002",
    errors.IllegalTransition: "40000",
    errors.JourneyOutOfOrder: "40000",
    RatingCategoryUnsupported: "50003",
    RatingValueInvalid: "30015",
    CommentInvalid: "30015",
    RateableNotFound: "30014",
    # Not completed yet: the thing exists and BECKN-005 has no code for "not rateable yet" (30014
    # would say it does not exist, 40001 is for actions a BPP does not serve): a business error.
    RatingNotAllowed: "40000",
}


def composer(action: str, *, message_with_error: bool = False) -> Callable[[Answer], Answer]:
    """Register the decorated answer (a request -> the `message` of its on_<action>) as the
    composer of `action`'s callback, its business errors turned into the callback's `error`.
    The answer itself is left as it is. `message_with_error`: the callback's schema requires a
    `message` even beside an `error` (on_rating's does; no other callback's)."""

    def register(answer: Answer) -> Answer:
        def compose(request: JSON) -> JSON:
            try:
                return {"message": answer(request)}
            except (errors.OrderError, RatingError) as exc:
                error = {"code": ERROR_CODES[type(exc)], "message": str(exc)}
            except BusinessError as exc:
                error = {"code": exc.code, "message": str(exc)}
            return {"message": {}, "error": error} if message_with_error else {"error": error}

        composer_register(action=action, compose=compose)
        return answer

    return register
