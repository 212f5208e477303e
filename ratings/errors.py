"""What can go wrong with a rating, in the domain's words. Each front door says it its own way."""


class RatingError(Exception):
    """A rating that cannot be honoured; the message is safe to show to the buyer."""


class RatingCategoryUnsupported(RatingError):
    """The category is not one this platform rates."""


class RatingValueInvalid(RatingError):
    """The value is not a number from 0 to 5."""


class RateableNotFound(RatingError):
    """Nothing of that name can be rated by this buyer (including another buyer's order)."""


class RatingNotAllowed(RatingError):
    """The entity exists but cannot be rated yet: its installation is not completed."""


class ReplyNotAllowed(RatingError):
    """The installer has replied to this review already, or the reply is empty."""


class CommentInvalid(RatingError):
    """A comment or reply that is empty or too long."""
