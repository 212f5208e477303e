"""What can go wrong with documents, in the domain's words; messages are safe to show."""


class DocumentsError(Exception):
    pass


class FormClosed(DocumentsError):
    """The order is closed (completed, cancelled, failed): it takes no more documents."""


class SubmissionConflict(DocumentsError):
    """The form changed while it was being filled (e.g. a document was reviewed meanwhile)."""


class IllegalReview(DocumentsError):
    """A verdict that cannot be given on this document (or without a reason)."""
