"""The private storage of documents, certificates and invoices (settings.STORAGES["documents"]).

Nothing in it has a public URL: files are read back only by the pages (web/downloads.py), after
checking who asks. The default is a folder under DATA_DIR; any Django storage backend can
replace it.
"""

from django.core.files.storage import Storage, storages


def documents_storage() -> Storage:
    """The storage to read and write through. (A FileField calls this once, when its model is
    defined; the services and views call it each time, so a changed setting applies at once.)"""
    return storages["documents"]
