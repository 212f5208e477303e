"""XInput (BECKN-007): an item's document form, and the form submissions a confirm quotes."""

from typing import Any

from documents.forms import FORM_HEADINGS, FORM_TITLE
from documents.selectors import FormOffer

JSON = dict[str, Any]


def item_xinput(form: FormOffer) -> JSON:
    """An item's xinput, as the guide's on_init shows it: the form page, the signed token that
    opens it (`auth`, descriptor code `jwt` as in the guide; the value is an opaque signed token,
    sent back as `Authorization: Bearer <value>`), whether the documents must come before confirm
    (`required`) and whether the form takes another submission (`resubmit`)."""
    result: JSON = {
        "required": form.required_before_confirm,
        "head": {
            "descriptor": {"name": FORM_TITLE},
            "index": {"min": 0, "cur": 0, "max": len(FORM_HEADINGS) - 1},
            "headings": list(FORM_HEADINGS),
        },
        "form": {
            "mime_type": "text/html",
            "url": form.url,
            "resubmit": form.resubmit,
            "auth": {"descriptor": {"code": "jwt"}, "value": form.token},
        },
    }
    if form.submission_id:
        result["form"]["submission_id"] = form.submission_id
    return result


def xinput_submission_ids(order: JSON) -> list[tuple[str, str]]:
    """The form submissions a confirm quotes: (item id, submission id) from
    items[].xinput.form.submission_id, and ("", submission id) from the order's own xinput."""

    def submission_id(entity: object) -> str:
        xinput = entity.get("xinput") if isinstance(entity, dict) else None
        form = xinput.get("form") if isinstance(xinput, dict) else None
        value = form.get("submission_id") if isinstance(form, dict) else None
        return "" if value is None else str(value)

    found = [
        (str(item.get("id", "")), submission_id(item))
        for item in order.get("items") or []
        if isinstance(item, dict) and submission_id(item)
    ]
    if submission_id(order):
        found.append(("", submission_id(order)))
    return found
