"""The homeowner's rating of an installation (on its tracking page), and the feedback form a buyer
app's user fills in after rating (linked from on_rating)."""

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from beckn.xinput_response import (
    form_response_invalid,
    form_response_submitted,
    form_response_wanted,
)
from orders.selectors import order_by_tracking_token, public_events
from ratings.errors import RatingError
from ratings.services import order_review_submit, rating_comment
from ratings.tokens import rating_for_feedback_token
from web.homeowner.rating_forms import FeedbackForm, OrderRatingForm


@require_POST
def order_rate(request: HttpRequest, token: str) -> HttpResponse:
    """Rate the installation from its tracking page (CSRF-protected like every form of ours).

    Rating again replaces the review (the one the buyer gave, whichever front door it came
    through); a refused rating shows the page again with the reason.
    """
    order = order_by_tracking_token(token)
    if order is None:
        raise Http404("No such order.")
    form = OrderRatingForm(request.POST)
    if form.is_valid():
        try:
            order_review_submit(
                order=order, value=form.cleaned_data["value"], comment=form.cleaned_data["comment"]
            )
        except RatingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(reverse("orders:track", args=[token]) + "#review")
    context = {"order": order, "events": public_events(order), "rating_form": form}
    return render(request, "orders/track.html", context, status=400)


# The token in the address is the only credential (no cookie): nothing for CSRF to protect, and
# buyer apps post the form from their own pages or servers. They may also embed it in a frame.
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the form (text/html) to write the review of a rating. POST: save it; a buyer app gets
    {"status", "submission_id"} as JSON (with "errors" when refused), a browser a page."""
    rating = rating_for_feedback_token(token)
    if rating is None:
        raise Http404("This feedback link is not valid (or no longer).")
    action = settings.SITE_URL.rstrip("/") + request.path
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            submission_id = uuid.uuid4()
            rating_comment(
                rating=rating, comment=form.cleaned_data["comment"], submission_id=submission_id
            )
            if form_response_wanted(request):
                return form_response_submitted(submission_id=str(submission_id))
            return render(request, "ratings/feedback_done.html", {"rating": rating})
        if form_response_wanted(request):
            return form_response_invalid(form.errors)
    else:
        form = FeedbackForm(initial={"comment": rating.public_comment})
    context = {"rating": rating, "form": form, "action": action}
    return render(request, "ratings/feedback.html", context, status=400 if form.errors else 200)
