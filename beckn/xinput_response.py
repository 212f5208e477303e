"""The answer a buyer app's server gets when it posts an XInput form we serve (BECKN-007's form
response): `{"status": true, "submission_id": ...}`, or `status: false` with `errors[]`, each
naming the field (`path`) it is about. The pages holding the forms (web/homeowner/documents.py,
the documents form; web/homeowner/ratings.py, the feedback form) answer a person's browser with
a page instead, and buyer apps with these."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse


def form_response_wanted(request: HttpRequest) -> bool:
    """A buyer app's server rather than a person's browser (which prefers text/html)."""
    return request.get_preferred_type(["application/json", "text/html"]) == "application/json"


def form_response_submitted(*, submission_id: str, **details: Any) -> JsonResponse:
    """The form is kept: its submission id (sent back in a later request), and `details`."""
    return JsonResponse({"status": True, "submission_id": submission_id, **details})


def form_response_refused(*, status: int, code: str, message: str) -> JsonResponse:
    """The whole request is refused (`status`: 401, 404, 409, 413...)."""
    error = {"code": code, "path": "", "message": message}
    return JsonResponse({"status": False, "errors": [error]}, status=status)


def form_response_invalid(errors: Mapping[str, Iterable[str]]) -> JsonResponse:
    """400: the form's errors, by field (`errors` as a Django form's)."""
    return JsonResponse(
        {
            "status": False,
            "errors": [
                {"code": "invalid", "path": name, "message": " ".join(messages)}
                for name, messages in errors.items()
            ],
        },
        status=400,
    )
