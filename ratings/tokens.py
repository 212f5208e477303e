"""The feedback form's link: a signed, expiring token naming one rating of one order.

Signed with the project's SECRET_KEY (django.core.signing), so it cannot be guessed or altered;
holding it lets one write that rating's comment and nothing else.
"""

from datetime import timedelta

from django.core import signing

from ratings.models import Rating

SALT = "ratings.feedback"
MAX_AGE = timedelta(days=30)


def feedback_token(rating: Rating) -> str:
    return signing.dumps({"rating": rating.pk, "order": rating.order_id}, salt=SALT)


def rating_for_feedback_token(token: str) -> Rating | None:
    """The rating a feedback token names, or None for a forged, altered or expired token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    return (
        Rating.objects.select_related("order", "provider")
        .filter(pk=data.get("rating"), order_id=data.get("order"))
        .first()
    )
