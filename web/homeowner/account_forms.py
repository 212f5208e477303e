"""The homeowner's account forms: signing up with a password, asking for a sign-in link."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation


class SignUpForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Email", max_length=150)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (web.homeowner.accounts.signup).
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            name = cleaned.get("name", "")
            candidate = get_user_model()(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=name.partition(" ")[0],
                last_name=name.partition(" ")[2],
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class EmailLinkForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=150)

    def clean_email(self) -> str:
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).lower()
