"""Homeowners' documents (documents/): upload limits, form tokens, private storage, invoices."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

from config.env import DATA_DIR, env

# The largest file accepted per uploaded document, in bytes.
DOCUMENTS_MAX_UPLOAD_BYTES = env.int("DOCUMENTS_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# How long a document form's token (xinput.form.auth, the tracking page's upload link) is valid.
DOCUMENTS_TOKEN_MAX_AGE_SECONDS = env.int("DOCUMENTS_TOKEN_MAX_AGE_SECONDS", default=7 * 24 * 3600)
# How often the worker queues again the certificates and invoices a lost message left unissued.
DOCUMENTS_ISSUED_SWEEP_SECONDS = env.int("DOCUMENTS_ISSUED_SWEEP_SECONDS", default=300)
# The rate of tax included in quoted prices, shown on invoices (0: no tax line).
try:
    DOCUMENTS_TAX_RATE_PERCENT = Decimal(env.str("DOCUMENTS_TAX_RATE_PERCENT", default="0"))
except InvalidOperation:
    raise ImproperlyConfigured("DOCUMENTS_TAX_RATE_PERCENT must be a number such as 8.5") from None
if not Decimal(0) <= DOCUMENTS_TAX_RATE_PERCENT < Decimal(100):
    raise ImproperlyConfigured("DOCUMENTS_TAX_RATE_PERCENT must be between 0 and 100")

# Uploaded documents, certificates and invoices live in a storage of their own that has no
# public URL: they are only served by the pages (web/downloads.py), which check who asks. The
# default is a folder under DATA_DIR; any Django storage (e.g. django-storages' S3Storage) can
# replace it with DOCUMENTS_STORAGE_BACKEND and its options as JSON in DOCUMENTS_STORAGE_OPTIONS.
DOCUMENTS_STORAGE_BACKEND = env.str(
    "DOCUMENTS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
DOCUMENTS_STORAGE_LOCATION = env.str(
    "DOCUMENTS_STORAGE_LOCATION", default=str(DATA_DIR / "private" / "documents")
)
_options = env.json("DOCUMENTS_STORAGE_OPTIONS", default={})
if not isinstance(_options, dict):
    raise ImproperlyConfigured("DOCUMENTS_STORAGE_OPTIONS must be a JSON object")
if DOCUMENTS_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage":
    _options = {
        "location": DOCUMENTS_STORAGE_LOCATION,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
        **_options,
    }

STORAGES = {
    # Django's own defaults for the other two.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {"BACKEND": DOCUMENTS_STORAGE_BACKEND, "OPTIONS": _options},
}
