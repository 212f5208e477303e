"""What can go wrong with documents, in the domain's words; messages are safe to show."""

from collections.abc import Mapping, Sequence

from catalog.models import DocumentType, Item


class DocumentsError(Exception):
    pass


class FormClosed(DocumentsError):
    """The order is closed (completed, cancelled, failed): it takes no more documents."""


class SubmissionConflict(DocumentsError):
    """The form changed while it was being filled (e.g. a document was reviewed meanwhile)."""


class IllegalReview(DocumentsError):
    """A verdict that cannot be given on this document (or without a reason)."""


class DocumentsMissing(DocumentsError):
    """An order cannot be placed with its documents: items that need them before the order lack
    some (`missing`: each such item and the document types it lacks, in the order's item order),
    or forms named for it are not the buyer's forms of this transaction for these items
    (`unknown`: the submission ids as given). Each front door words it its own way."""

    def __init__(
        self,
        *,
        missing: Mapping[Item, Sequence[DocumentType]],
        unknown: Sequence[str] = (),
    ) -> None:
        self.missing = {item: list(types) for item, types in missing.items()}
        self.unknown = list(unknown)
        problems = [
            f"{item.name} needs {', '.join(t.name for t in types)}"
            for item, types in self.missing.items()
        ]
        if self.unknown:
            problems.append(f"no form {', '.join(self.unknown)} was filled for these items")
        super().__init__(f"Documents are required before the order: {'; '.join(problems)}.")
