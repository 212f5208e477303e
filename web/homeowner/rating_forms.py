"""The homeowner's rating forms: rating an installation, and the written review behind a rating
given in a buyer app (its feedback form)."""

from decimal import Decimal

from django import forms

from ratings.errors import RatingValueInvalid
from ratings.services import COMMENT_MAX_LENGTH
from ratings.values import rating_value_parse


class OrderRatingForm(forms.Form):
    """The homeowner's rating of a completed installation."""

    value = forms.CharField(
        label="Your rating, from 0 to 5",
        max_length=16,
        widget=forms.NumberInput(attrs={"min": "0", "max": "5", "step": "0.5"}),
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
