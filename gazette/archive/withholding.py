"""What partial disclosures withhold from a view: the documents whose partial disclosure
withholds paragraphs, their title and number as the view shows them, the redactor that turns
stored documents into what the public may see, and an issue's items and listing lines without
what is withheld (a part of :class:`~gazette.archive.views.ArchiveView`, one per view object).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from gazette.archive import reads
from gazette.disclosure import WITHHELD_PLACEHOLDER, View
from gazette.model import DisclosureAttribute, Document, IssueItem
from gazette.redaction import Redactor, own_fields, public_identity

if TYPE_CHECKING:
    from gazette.archive import Archive


def item_shown(item: IssueItem, identity: tuple[str | None, str | None] | None) -> IssueItem:
    """An issue's item without the title or number its document's disclosure withholds."""
    if identity is None:
        return item
    title, number = identity
    changes: dict[str, Any] = {}
    if title == WITHHELD_PLACEHOLDER:
        changes["title"] = WITHHELD_PLACEHOLDER
    if number is None and item.doc_number is not None:
        changes["doc_number"] = None
    return attrs.evolve(item, **changes) if changes else item


class Withholding:
    """What a view's partial disclosures withhold, read from the catalog once.

    Args:
        archive: the archive read (its catalog's connection).
        view: the view; the internal view withholds nothing.
        hidden: whether the view hides a document (for the redactor).
    """

    def __init__(self, archive: Archive, view: View, hidden: Callable[[str], bool]) -> None:
        self.archive = archive
        self.view = view
        self._hidden = hidden
        self._redactor: Redactor | None = None
        self._partial: dict[str, tuple[str | None, str | None]] | None = None
        self.partial_docs: dict[str, Document] = {}

    @property
    def conn(self) -> Any:
        return self.archive.conn

    def partial_ids(self) -> dict[str, tuple[str | None, str | None]]:
        """Documents whose partial disclosure withholds paragraphs, with their title and
        number as this view shows them (read once per view object)."""
        if self._partial is None:
            self._partial = {}
            if self.view == View.PUBLIC:
                rows = self.conn.execute(
                    "SELECT doc_id FROM disclosure WHERE attribute = ? AND"
                    " (withheld_fingerprints != '[]' OR withheld_blocks != '[]')",
                    (DisclosureAttribute.PARTIAL.value,),
                ).fetchall()
                for (doc_id,) in rows:
                    doc = reads.load_text_and_metadata(self.conn, doc_id)
                    if doc is not None:
                        self.partial_docs[doc_id] = doc
                        self._partial[doc_id] = public_identity(doc)
        return self._partial

    def _withholding_doc(self, doc_id: str) -> Document | None:
        """The stored document (metadata and texts), when it withholds paragraphs (for the
        redactor)."""
        if doc_id not in self.partial_ids():
            return None
        return self.partial_docs.get(doc_id)

    def _title_of(self, doc_id: str) -> str | None:
        row = reads.fetch_one(self.conn, "SELECT title FROM documents WHERE id = ?", (doc_id,))
        return row["title"] if row else None

    @property
    def redactor(self) -> Redactor:
        """What turns stored documents into what the public may see."""
        if self._redactor is None:
            self._redactor = Redactor(self._hidden, self._withholding_doc, self._title_of)
        return self._redactor

    def withheld_titles(self) -> set[str]:
        """Ids of documents whose title the view hides."""
        return {
            doc_id
            for doc_id, (title, _) in self.partial_ids().items()
            if title == WITHHELD_PLACEHOLDER
        }

    def withheld_numbers(self) -> set[str]:
        """Ids of documents whose number the view hides."""
        partial = self.partial_ids()
        return {
            doc_id
            for doc_id, (_, number) in partial.items()
            if number is None and self.partial_docs[doc_id].doc_number is not None
        }

    def listed(self, doc_id: str) -> Document | None:
        """A partially disclosed document with the title, number, 文种, issuers and date its
        disclosure withholds taken out (``None``: not one whose paragraphs are withheld)."""
        doc = self.partial_docs.get(doc_id)
        if doc is None:
            return None
        held = self.redactor.stored(doc_id)[0]
        fields = own_fields(doc, held) if held is not None else {}
        return attrs.evolve(doc, **fields)
