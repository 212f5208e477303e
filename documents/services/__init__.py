"""Writes of documents, by concern:

- forms: filled document forms (submission_submit);
- placing: placing an order with its documents (order_place_with_documents, the confirm of
  both front doors; order_documents_check, order_documents_attach);
- reviews: the installer's verdicts (document_verify);
- documentation: the order's documentation status, derived from its documents and written to
  the order here only (order_documentation_refresh);
- issued: installation certificates and invoices.

Every public name is re-exported here: `from documents.services import X` works for all of them."""

from documents.services.documentation import (
    order_documentation_refresh as order_documentation_refresh,
)
from documents.services.forms import Upload as Upload
from documents.services.forms import form_check_open as form_check_open
from documents.services.forms import submission_submit as submission_submit
from documents.services.issued import NUMBER_ALPHABET as NUMBER_ALPHABET
from documents.services.issued import certificate_issue as certificate_issue
from documents.services.issued import invoice_issue as invoice_issue
from documents.services.issued import invoice_refresh as invoice_refresh
from documents.services.issued import order_documents_issue as order_documents_issue
from documents.services.placing import order_documents_attach as order_documents_attach
from documents.services.placing import order_documents_check as order_documents_check
from documents.services.placing import order_place_with_documents as order_place_with_documents
from documents.services.reviews import NEEDS_REASON as NEEDS_REASON
from documents.services.reviews import REVIEWS as REVIEWS
from documents.services.reviews import document_verify as document_verify
from documents.services.reviews import review_problem as review_problem
