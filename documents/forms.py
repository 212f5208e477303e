"""The document form's shape: its title and sections (announced in xinput.head) and the details
it asks before the files (kept on the Submission). The pages render it with
web.homeowner.document_forms.SubmissionForm."""

# The form's title and its sections, in order (also announced in xinput.head).
FORM_TITLE = "Details Form"
FORM_HEADINGS = ("Customer Details", "Technical Details")
CUSTOMER_FIELDS = ("customer_name", "customer_email", "customer_phone", "site_address")
TECHNICAL_FIELDS = (
    "property_type",
    "roof_type",
    "main_panel_amps",
    "utility_name",
    "utility_account_number",
    "notes",
)
DETAIL_FIELDS = CUSTOMER_FIELDS + TECHNICAL_FIELDS
