"""The document form of one item: customer details, technical details, one file per document
(the same form for the buyer apps' XInput page, ordering on the web and the order page)."""

from typing import Any

from django import forms
from django.conf import settings

from catalog.models import DocumentType
from catalog.taxonomy import LocationType
from documents.forms import CUSTOMER_FIELDS, TECHNICAL_FIELDS
from documents.services import Upload
from documents.uploads import ACCEPT_ATTRIBUTE, UploadRejected, inspect_upload


def document_field_name(document_type: DocumentType) -> str:
    return f"document_{document_type.code}"


class SubmissionForm(forms.Form):
    """`needed`: document types with no acceptable file yet (a file is required);
    `replaceable`: types whose file awaits review and may be replaced (a file is optional)."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    customer_name = forms.CharField(label="Full name", max_length=200)
    customer_email = forms.EmailField(label="Email", required=False)
    customer_phone = forms.CharField(
        label="Phone", max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    site_address = forms.CharField(label="Installation address", max_length=500)
    property_type = forms.ChoiceField(
        label="Property type", choices=LocationType.choices, required=False
    )
    roof_type = forms.CharField(
        label="Roof type (e.g. composition shingle, tile, flat)", max_length=100, required=False
    )
    main_panel_amps = forms.IntegerField(
        label="Main electrical panel rating (amps)", min_value=1, max_value=10000, required=False
    )
    utility_name = forms.CharField(label="Electric utility", max_length=200, required=False)
    utility_account_number = forms.CharField(
        label="Utility account number", max_length=100, required=False
    )
    notes = forms.CharField(
        label="Anything the installer should know",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label="I confirm these documents are mine to share with the installer for this "
        "installation."
    )

    def __init__(
        self,
        *args: Any,
        needed: list[DocumentType],
        replaceable: list[DocumentType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.document_types: dict[str, DocumentType] = {}
        for document_type, required in [(t, True) for t in needed] + [
            (t, False) for t in replaceable
        ]:
            name = document_field_name(document_type)
            self.document_types[name] = document_type
            self.fields[name] = forms.FileField(
                label=document_type.name,
                required=required,
                help_text=""
                if required
                else "Uploaded; awaiting review. Choose a file to replace it.",
                widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
                error_messages={"required": f"Choose a file for {document_type.name}."},
            )

    def document_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.document_types]

    def customer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CUSTOMER_FIELDS]

    def technical_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TECHNICAL_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in self.document_types:
            upload = cleaned.get(name)
            if not upload:
                continue
            try:
                cleaned[name] = (
                    upload,
                    inspect_upload(upload, max_bytes=settings.DOCUMENTS_MAX_UPLOAD_BYTES),
                )
            except UploadRejected as exc:
                self.add_error(name, str(exc))
        return cleaned

    def uploads(self) -> list[Upload]:
        """The files of a valid form, for submission_submit."""
        return [
            Upload(document_type, *self.cleaned_data[name])
            for name, document_type in self.document_types.items()
            if self.cleaned_data.get(name)
        ]
