"""Forms of the installer workspace's team pages: they check what the owner typed; the writes
are catalog.services'."""

from typing import Any

from django import forms

from catalog.models import ProviderMember


class MemberRoleForm(forms.Form):
    """A team member's role (and technician record)."""

    role = forms.ChoiceField(choices=ProviderMember.Role.choices)
    technician = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Technician record",
        help_text="For a technician: the record whose assigned orders they see.",
    )
    emails_new_orders = forms.BooleanField(required=False, label="E-mail me each new order")
    emails_documents = forms.BooleanField(
        required=False, label="E-mail me when an order's documents wait for review"
    )

    def __init__(self, *args: Any, technicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("technician") and data.get("role") != ProviderMember.Role.TECHNICIAN:
            self.add_error("technician", "Only a technician member is linked to a record.")
        return data


class MemberForm(MemberRoleForm):
    """A person to add to the team, with their role (they choose their password by e-mail)."""

    email = forms.EmailField(help_text="They receive a link to choose their password.")
    name = forms.CharField(max_length=150, required=False, label="Full name")
    field_order = ["email", "name", "role", "technician"]
