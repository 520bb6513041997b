"""The archive: the one place that speaks to the catalog.

Everything the archive stores goes through this package: the catalog's connection,
transactions and write lock, its schema and migrations, the rows' encoding, the read queries,
the writers, the object store, backups and the integrity checks. Other modules use the typed
methods of :class:`Archive` and of its views.
"""

from gazette.archive.archive import (
    AddResult,
    Archive,
    DocumentNotFound,
    ImportReport,
    Submission,
)
from gazette.archive.backend import NewArchive, make_archive
from gazette.archive.opening import default_location, open_archive

__all__ = [
    "AddResult",
    "Archive",
    "DocumentNotFound",
    "ImportReport",
    "NewArchive",
    "Submission",
    "default_location",
    "make_archive",
    "open_archive",
]
