"""The homeowner's rating forms: rating an installation, and the written review behind a rating
given in a buyer app (its feedback form)."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms

from ratings.errors import RatingValueInvalid
from ratings.services import COMMENT_MAX_LENGTH
from ratings.values import rating_value_parse

STAR_CHOICES = [(str(star), f"{star} star{'s' if star > 1 else ''}") for star in range(1, 6)]


def star_initial(value: Decimal) -> str:
    """The star a rating given before starts the form at (4.5 -> "5", 2.00 -> "2")."""
    return str(int(value.quantize(Decimal(1), ROUND_HALF_UP)))


class OrderRatingForm(forms.Form):
    """The homeowner's rating of a completed installation."""

    # Drawn as five stars (radio buttons in a fieldset, templates/ratings/_order_panel.html);
    # any value on the 0-5 scale is accepted, as from a buyer app.
    value = forms.CharField(
        label="Your rating",
        max_length=16,
        widget=forms.RadioSelect(choices=STAR_CHOICES),
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_value(self) -> Decimal:
        try:
            return rating_value_parse(self.cleaned_data["value"])
        except RatingValueInvalid as exc:
            raise forms.ValidationError(str(exc)) from None


class FeedbackForm(forms.Form):
    """The written review behind a rating given in a buyer app (its feedback form)."""

    comment = forms.CharField(
        label="Your review",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
