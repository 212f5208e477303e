"""An installer's working days: stored as their ISO weekday numbers in one short string ("12345":
Monday to Friday), shown as a checkbox a day in the admin and the workspace, said in words."""

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db import models

# ISO weekday numbers (date.isoweekday()): 1 is Monday, 7 is Sunday.
WEEKDAYS: dict[int, str] = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}
WEEKDAYS_DEFAULT = "12345"

work_days_validator = RegexValidator(
    r"^[1-7]{1,7}$", "Give the work days as ISO weekday numbers, e.g. 12345 for Monday to Friday."
)


def work_days_parse(value: str) -> frozenset[int]:
    """The ISO weekday numbers of a stored value ("135" -> {1, 3, 5}); other characters are left
    out."""
    return frozenset(int(char) for char in value if char in "1234567")


def work_days_text(days: frozenset[int] | set[int] | list[int]) -> str:
    """The stored value of these ISO weekday numbers, in order and once each."""
    return "".join(str(day) for day in sorted(set(days)))


def days_in_words(days: frozenset[int] | set[int]) -> str:
    """'Monday\u2013Friday', 'Monday, Wednesday and Friday', 'Monday\u2013Thursday and
    Saturday', 'every day': three days or more in a row as a range (an en dash), the others
    by name."""
    if len(days) == 7:
        return "every day"
    if not days:
        return "no day"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAYS[run[0]]}\u2013{WEEKDAYS[run[-1]]}")
        else:
            parts.extend(WEEKDAYS[day] for day in run)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


class WorkDaysFormField(forms.TypedMultipleChoiceField):
    """A checkbox a weekday; cleans to the stored text ("12345")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", "Tick at least one work day.")
        choices = [(str(number), name) for number, name in WEEKDAYS.items()]
        super().__init__(choices=choices, coerce=int, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return [str(day) for day in sorted(work_days_parse(value))]
        return value

    def clean(self, value: Any) -> str:
        return work_days_text(super().clean(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return self.prepare_value(initial or "") != sorted(set(self.prepare_value(data or [])))


class WorkDaysField(models.CharField):
    """The days of the week an installer works, as ISO weekday numbers ("12345")."""

    default_validators = [work_days_validator]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("default", WEEKDAYS_DEFAULT)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> forms.Field:  # type: ignore[override]
        kwargs.pop("widget", None)  # the admin's text input: a checkbox a day instead
        return models.Field.formfield(self, **{"form_class": WorkDaysFormField, **kwargs})
