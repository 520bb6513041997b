"""What the public may see of a document: withheld paragraphs followed by their content.

A partial disclosure (部分公开) withholds paragraphs. A paragraph is known by its content, never
by its position: its *key* (:func:`paragraph_key`) is the paragraph after NFKC normalisation and
case folding with everything but letters, digits and CJK characters dropped, so layout, spacing
and the width or style of punctuation do not matter; its *fingerprint* (:func:`fingerprint`) is
the SHA-256 of the key. A decision stores the fingerprints of the paragraphs it withholds, and
:class:`Withholding` finds them again in every rendition and version the archive holds:

* a paragraph that is a withheld one, holds one (paragraphs run together in another rendition)
  or is a long piece of one (a paragraph split in another) is replaced by
  :data:`WITHHELD_PLACEHOLDER`;
* a rendition that does not hold every withheld paragraph whole cannot be redacted with
  certainty (the paragraph may stand there in other words, as in an older version of a law):
  it is not public at all. A version none of whose renditions is public keeps its dates and
  label, its text replaced by :data:`WITHHELD_VERSION`;
* what a withheld paragraph states goes with it: the title (and the 文种 read from it), the
  document number, the date of a withheld date line, and the other elements it holds.

:class:`Redactor` applies this to a whole document, together with what other documents may not
show: links to and events acted by hidden documents, references to a document whose title and
number are withheld (:data:`HIDDEN_REFERENCE`), sentences quoted from withheld paragraphs.
Event and text numbers are counted per document, so gaps in archive-wide numbers do not hint at
what is hidden. Every public read goes through it (:meth:`gazette.archive.views.ArchiveView.get`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from gazette.model import (
    Block,
    BlockKind,
    Disclosure,
    DisclosureAttribute,
    DocRef,
    Document,
    InterpretationLink,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextVersion,
    current_text,
)

WITHHELD_PLACEHOLDER = "（此部分依法不予公开）"
WITHHELD_VERSION = "（此文本依法不予公开）"
HIDDEN_REFERENCE = "未公开的文件"

# A withheld paragraph at least this long (in key characters) is found inside a longer one.
_CONTAINED = 4
# A paragraph at least this long that is a piece of a withheld one is withheld too.
_FRAGMENT = 8
# A metadata value at least this long that a withheld paragraph holds is withheld with it.
_FIELD = 6

_NOISE = re.compile(r"[\W_]+")


def paragraph_key(text: str) -> str:
    """A paragraph as withholding compares it: NFKC, case-folded, letters and digits only."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


def fingerprint(text: str) -> str:
    """The fingerprint of a paragraph's content (see :func:`paragraph_key`)."""
    return hashlib.sha256(paragraph_key(text).encode("utf-8")).hexdigest()[:32]


def fingerprints(blocks: Sequence[Block], indexes: Iterable[int]) -> tuple[str, ...]:
    """The fingerprints of some paragraphs of a text (indexes outside it are ignored)."""
    out: list[str] = []
    for index in indexes:
        if 0 <= index < len(blocks):
            found = fingerprint(blocks[index].text)
            if found not in out:
                out.append(found)
    return tuple(out)


def withheld_fingerprints(doc: Document) -> tuple[str, ...]:
    """What a partial disclosure withholds: its fingerprints, or (a decision recorded before
    fingerprints, a document not yet stored) those of its paragraphs in the current text."""
    disclosure = doc.disclosure
    if disclosure.withheld_fingerprints:
        return disclosure.withheld_fingerprints
    if disclosure.withheld_blocks and doc.text is not None:
        return fingerprints(doc.text.blocks, disclosure.withheld_blocks)
    return ()


def _version_key(text: TextVersion) -> tuple[Any, Any]:
    return (text.adopted, text.effective)


@attrs.frozen
class Withholding:
    """The paragraphs a partial disclosure withholds, as found in a document's texts.

    Attributes:
        keys: the key of each withheld paragraph found, with the kinds it has.
        complete: whether every fingerprint was found in some text (when not, no text can be
            shown: the paragraph is held in a form that cannot be recognised).
        public_keys: the keys of the paragraphs the public may read (of public renditions).
    """

    keys: tuple[tuple[str, frozenset[BlockKind]], ...]
    complete: bool
    public_keys: tuple[str, ...] = ()

    @classmethod
    def of(cls, doc: Document) -> Withholding | None:
        """What ``doc``'s partial disclosure withholds (``None`` when it withholds nothing)."""
        if doc.disclosure.attribute != DisclosureAttribute.PARTIAL:
            return None
        wanted = set(withheld_fingerprints(doc))
        if not wanted:
            return None
        found: dict[str, tuple[str, set[BlockKind]]] = {}
        for text in doc.texts:
            for block in text.blocks:
                key = paragraph_key(block.text)
                mark = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
                if mark in wanted:
                    found.setdefault(mark, (key, set()))[1].add(block.kind)
        keys = tuple((key, frozenset(kinds)) for key, kinds in found.values())
        draft = cls(keys, len(found) == len(wanted))
        public: list[str] = []
        for text in doc.texts:
            if draft.holds_all(text):
                public.extend(
                    key
                    for block in text.blocks
                    if not draft.withholds(block) and (key := paragraph_key(block.text))
                )
        return attrs.evolve(draft, public_keys=tuple(dict.fromkeys(public)))

    @property
    def kinds(self) -> frozenset[BlockKind]:
        """The kinds of the withheld paragraphs."""
        out: set[BlockKind] = set()
        for _, kinds in self.keys:
            out |= kinds
        return frozenset(out)

    # --- paragraphs -----------------------------------------------------------------------

    def withholds(self, block: Block) -> bool:
        """Whether a paragraph is or holds a withheld one, or is a long piece of one of its
        kind (a paragraph split in two in another rendition)."""
        key = paragraph_key(block.text)
        for withheld, kinds in self.keys:
            if key == withheld:
                return True
            if len(withheld) >= _CONTAINED and withheld in key:
                return True
            if len(key) >= _FRAGMENT and block.kind in kinds and key in withheld:
                return True
        return False

    def holds_all(self, text: TextVersion) -> bool:
        """Whether a rendition holds every withheld paragraph whole (then it can be redacted)."""
        if not self.complete:
            return False
        keys = [paragraph_key(block.text) for block in text.blocks]
        for withheld, _ in self.keys:
            if not any(
                key == withheld or (len(withheld) >= _CONTAINED and withheld in key) for key in keys
            ):
                return False
        return True

    def texts(self, texts: Sequence[TextVersion]) -> tuple[TextVersion, ...]:
        """The renditions the public may read, redacted, in order; a version with none keeps
        one rendition's dates and label, its text replaced by :data:`WITHHELD_VERSION`."""
        public = {_version_key(t) for t in texts if self.holds_all(t)}
        stubbed: set[tuple[Any, Any]] = set()
        out: list[TextVersion] = []
        for text in texts:
            key = _version_key(text)
            if key in public:
                if self.holds_all(text):
                    out.append(attrs.evolve(text, blocks=self.blocks(text.blocks)))
            elif key not in stubbed:
                stubbed.add(key)
                out.append(
                    attrs.evolve(
                        text,
                        blocks=(Block(WITHHELD_VERSION, BlockKind.PARAGRAPH),),
                        ocr=None,
                    )
                )
        return tuple(out)

    def blocks(self, blocks: Iterable[Block]) -> tuple[Block, ...]:
        return tuple(
            Block(WITHHELD_PLACEHOLDER, block.kind, block.level, block.page)
            if self.withholds(block)
            else block
            for block in blocks
        )

    # --- what the paragraphs state --------------------------------------------------------

    def hides_title(self, title: str | None) -> bool:
        """Whether a withheld paragraph states the title (or is one of its lines)."""
        if not title:
            return False
        key = paragraph_key(title)
        for withheld, kinds in self.keys:
            if key and key in withheld:
                return True
            if BlockKind.TITLE in kinds and len(withheld) >= _CONTAINED and withheld in key:
                return True
        return False

    def hides_number(self, number: object) -> bool:
        """Whether a withheld paragraph states the document number."""
        if number is None:
            return False
        key = paragraph_key(str(number))
        return bool(key) and any(key in withheld for withheld, _ in self.keys)

    def mentions(self, value: str | None, kinds: frozenset[BlockKind] | None = None) -> bool:
        """Whether a withheld paragraph states a metadata value: is it, or holds it when the
        value is not short and the paragraph is of one of ``kinds`` (any when ``None``)."""
        if not value:
            return False
        key = paragraph_key(value)
        if not key:
            return False
        for withheld, found in self.keys:
            if key == withheld:
                return True
            if len(key) >= _FIELD and key in withheld and (kinds is None or kinds & found):
                return True
        return False

    def overlaps(self, text: str | None) -> bool:
        """Whether free text (a basis, a note, evidence) shares a withheld paragraph's words:
        it is a piece of one, or holds one."""
        if not text:
            return False
        key = paragraph_key(text)
        if not key:
            return False
        for withheld, _ in self.keys:
            if key == withheld or (len(key) >= _FIELD and key in withheld):
                return True
            if len(withheld) >= _CONTAINED and withheld in key:
                return True
        return False

    def quotable(self, text: str | None) -> bool:
        """Whether a sentence quoted from the document is in a paragraph the public may read."""
        if not text:
            return True
        key = paragraph_key(text)
        if not key:
            return True
        return not self.overlaps(text) and any(key in public for public in self.public_keys)

    def identity_hidden(self, doc: Document) -> tuple[bool, bool]:
        """Whether the document's title and its number are withheld."""
        return self.hides_title(doc.title), self.hides_number(doc.doc_number)


UNDISCLOSED = DocRef(HIDDEN_REFERENCE)

SHARED_BASIS = "paragraphs withheld in {ids} stand in this text too"


# A rendition shares most of its paragraphs with the text it renders; another document that
# quotes a paragraph (or shares a signature or a date line) does not.
_RENDITION_SHARE = 0.5


def _keys(doc: Document) -> set[str]:
    return {paragraph_key(block.text) for text in doc.texts for block in text.blocks} - {""}


def _same_text(keys: set[str], other: set[str]) -> bool:
    """Whether two documents' paragraphs are mostly the same (one renders the other)."""
    long = {key for key in keys if len(key) >= _FRAGMENT}
    return bool(long) and len(long & other) >= _RENDITION_SHARE * len(long)


def shared_withholding(doc: Document, sources: Sequence[Document]) -> Disclosure | None:
    """The disclosure ``doc`` must take because it is a rendition of a partially disclosed
    document that the archive did not recognise as one (another title, no date to match: most
    of its paragraphs are that document's) and holds paragraphs that document withholds, or
    ``None`` when it holds none it does not withhold already. A document that only quotes a
    withheld paragraph, or shares a signature or a date line with it, is its own document
    with its own attribute.

    A document the public may read (proactive, or partial) becomes partial, withholding those
    paragraphs as well as its own; one the public cannot read is left as it is. A paragraph held
    inside a longer one cannot be cut out with certainty, so that text is not shown at all
    (:meth:`Withholding.of` finds only whole paragraphs).
    """
    if doc.disclosure.attribute not in (DisclosureAttribute.PROACTIVE, DisclosureAttribute.PARTIAL):
        return None
    partial = doc.disclosure.attribute == DisclosureAttribute.PARTIAL
    own = set(withheld_fingerprints(doc)) if partial else set()
    keys = _keys(doc)
    found: list[str] = []
    by: list[str] = []
    for source in sources:
        if source.id == doc.id or not _same_text(keys, _keys(source)):
            continue
        withholding = Withholding.of(source)
        if withholding is None:
            continue
        for withheld, _ in withholding.keys:
            if any(
                key == withheld or (len(withheld) >= _CONTAINED and withheld in key) for key in keys
            ):
                mark = hashlib.sha256(withheld.encode("utf-8")).hexdigest()[:32]
                if mark not in own and mark not in found:
                    found.append(mark)
                    if source.id not in by:
                        by.append(str(source.id))
    if not found:
        return None
    current = doc.disclosure
    return Disclosure(
        attribute=DisclosureAttribute.PARTIAL,
        reason=current.reason,
        grounds=current.grounds,
        basis=SHARED_BASIS.format(ids="、".join(by)),
        provenance=Provenance(ProvenanceKind.INHERITED, source=by[0]),
        withheld_blocks=current.withheld_blocks,
        withheld_fingerprints=(*current.withheld_fingerprints, *found),
    )


class Redactor:
    """Turns stored documents into what the public may see.

    Args:
        hidden: whether an id names a document the public may not see at all.
        load: the stored document an id names when it withholds paragraphs (internal view,
            parts not needed; ``None`` otherwise), to follow its withholding into other
            documents: its title and number in references to it, the sentences quoted from it.
        title: the stored title of a document, to keep a link from naming what a document
            withholds.
    """

    def __init__(
        self,
        hidden: Callable[[str], bool] | None = None,
        load: Callable[[str], Document | None] | None = None,
        title: Callable[[str], str | None] | None = None,
    ) -> None:
        self._hidden = hidden or (lambda _: False)
        self._load = load or (lambda _: None)
        self._title = title or (lambda _: None)
        self._held: dict[str, tuple[Withholding | None, Document | None]] = {}

    # --- other documents ------------------------------------------------------------------

    def stored(self, doc_id: str) -> tuple[Withholding | None, Document | None]:
        """A document's withholding and the document (cached)."""
        found = self._held.get(doc_id)
        if found is None:
            doc = self._load(doc_id)
            found = (Withholding.of(doc) if doc is not None else None, doc)
            self._held[doc_id] = found
        return found

    def withholding(self, doc_id: str | None) -> Withholding | None:
        if doc_id is None:
            return None
        return self.stored(doc_id)[0]

    def reference(self, ref: DocRef) -> DocRef:
        """How the public may name the document a reference resolved to: not at all when it is
        hidden, without its title or number when those are withheld."""
        target = ref.resolved_id
        if target is None:
            return ref
        if self._hidden(target):
            return UNDISCLOSED
        held, doc = self.stored(target)
        if held is None or doc is None:
            return ref
        title_hidden, number_hidden = held.identity_hidden(doc)
        title_hidden = title_hidden or held.hides_title(ref.title)
        number_hidden = number_hidden or held.hides_number(ref.number)
        if not (title_hidden or number_hidden or held.overlaps(ref.text)):
            return ref
        title = None if title_hidden else ref.title
        number = None if number_hidden else ref.number
        if title is None and number is None:
            return UNDISCLOSED
        text = f"《{title}》" if title else str(number)
        return DocRef(text, title, number, target)

    # --- one document ---------------------------------------------------------------------

    def document(self, doc: Document) -> Document:
        """The document as the public may see it (it must be one the public may see)."""
        own = Withholding.of(doc)
        if doc.id is not None:
            self._held.setdefault(doc.id, (own, doc))
        texts = own.texts(doc.texts) if own is not None else doc.texts
        texts = tuple(attrs.evolve(t, id=n) for n, t in enumerate(texts, start=1))
        changes: dict[str, Any] = own_fields(doc, own) if own is not None else {}
        hidden_identity = "doc_number" in changes or changes.get("title") == WITHHELD_PLACEHOLDER
        events = tuple(
            self._event(event, doc, own, n) for n, event in enumerate(doc.events, start=1)
        )
        links = tuple(
            shown for link in doc.interpretations if (shown := self.link(link)) is not None
        )
        sources = doc.sources
        if own is not None and (hidden_identity or any(own.overlaps(s.path) for s in sources)):
            sources = tuple(attrs.evolve(s, path=f"{s.sha256}.{s.format}") for s in sources)
        parts = tuple(
            self.document(part)
            for part in doc.parts
            if part.disclosure.attribute.public and doc.disclosure.attribute.public
        )
        return attrs.evolve(
            doc,
            texts=texts,
            events=events,
            interpretations=links,
            disclosure=_public_disclosure(doc.disclosure, own, texts),
            sources=sources,
            parts=parts,
            **changes,
        )

    def _event(
        self, event: LifecycleEvent, owner: Document, own: Withholding | None, number: int
    ) -> LifecycleEvent:
        acting = self.reference(event.acting) if event.acting is not None else None
        prov = event.provenance
        if acting is UNDISCLOSED or (prov.source is not None and self._hidden(prov.source)):
            # The fact stays; the hidden document, its wording and where it was read go.
            source = HIDDEN_REFERENCE if prov.source is not None else None
            prov = attrs.evolve(prov, source=source, excerpt=None)
            note = None
        else:
            from_text = prov.kind in (ProvenanceKind.PARSED, ProvenanceKind.INHERITED)
            quoted = prov.source if from_text and prov.source else owner.id
            held = own if quoted in (None, owner.id) else self.withholding(quoted)
            if held is not None and not held.quotable(prov.excerpt):
                prov = attrs.evolve(prov, excerpt=None)
            note = event.note
            if note and any(w is not None and w.overlaps(note) for w in (own, held)):
                note = None
        return attrs.evolve(event, acting=acting, provenance=prov, note=note, id=number)

    def link(self, link: InterpretationLink) -> InterpretationLink | None:
        """An interpretation link as the public may see it, or ``None``: left out when either
        document is hidden, or when one's title names what the other withholds of its own
        title or number (the link would give it away); its evidence dropped when it quotes
        something withheld."""
        ends = (link.policy_id, link.interpretation_id)
        for one, other in (ends, ends[::-1]):
            if self._hidden(one):
                return None
            held, doc = self.stored(one)
            if held is not None and doc is not None and any(held.identity_hidden(doc)):
                title = self._title(other)
                if held.overlaps(title) or held.hides_title(title):
                    return None
        evidence = link.evidence
        if evidence:
            for doc_id in ends:
                held = self.withholding(doc_id)
                if held is not None and (held.overlaps(evidence) or held.mentions(evidence)):
                    evidence = None
                    break
        return link if evidence == link.evidence else attrs.evolve(link, evidence=evidence)


_HEAD = frozenset({BlockKind.HEADER})
# The elements a withheld paragraph of these kinds may state (``None``: any kind).
_FIELD_KINDS: dict[str, frozenset[BlockKind] | None] = {
    "issuer_mark": _HEAD,
    "copy_number": _HEAD,
    "secrecy": _HEAD,
    "urgency": _HEAD,
    "signer": frozenset({BlockKind.HEADER, BlockKind.SIGNATURE, BlockKind.PREAMBLE}),
    "issuers": frozenset({BlockKind.HEADER, BlockKind.SIGNATURE}),
    "recipients": frozenset({BlockKind.RECIPIENTS}),
    "cc": frozenset({BlockKind.CC}),
    "printed_by": frozenset({BlockKind.PRINTED}),
    "note": frozenset({BlockKind.NOTE}),
    "attachment_notes": frozenset({BlockKind.ATTACHMENT_NOTE}),
    "registration_number": None,
    "index_number": None,
    "subject": None,
}


def own_fields(doc: Document, own: Withholding) -> dict[str, Any]:
    """The metadata a document's own withheld paragraphs state, as the public sees it."""
    out: dict[str, Any] = {}
    if own.hides_title(doc.title):
        out["title"] = WITHHELD_PLACEHOLDER
        out["doc_type"] = None
    if own.hides_number(doc.doc_number):
        out["doc_number"] = None
    for name, kinds in _FIELD_KINDS.items():
        value = getattr(doc, name)
        if isinstance(value, tuple):
            kept = tuple(v for v in value if not own.mentions(v, kinds))
            if kept != value:
                out[name] = kept
        elif value and own.mentions(value, kinds):
            out[name] = None
    kinds = own.kinds
    if BlockKind.DATE in kinds and doc.written_date is not None:
        out["written_date"] = None
    if BlockKind.PRINTED in kinds and doc.printed_date is not None:
        out["printed_date"] = None
    return out


def _public_disclosure(
    disclosure: Disclosure, own: Withholding | None, texts: Sequence[TextVersion]
) -> Disclosure:
    """The attribute as the public sees it: no fingerprints; the withheld paragraphs numbered
    as they stand in the public current text; a basis that quotes nothing withheld."""
    if own is None:
        if not disclosure.withheld_fingerprints and not disclosure.withheld_blocks:
            return disclosure
        return attrs.evolve(disclosure, withheld_fingerprints=(), withheld_blocks=())
    current = current_text(texts)
    positions = (
        tuple(i for i, b in enumerate(current.blocks) if b.text == WITHHELD_PLACEHOLDER)
        if current is not None
        else ()
    )
    basis = None if own.overlaps(disclosure.basis) else disclosure.basis
    prov = disclosure.provenance
    if prov is not None and own.overlaps(prov.excerpt):
        prov = attrs.evolve(prov, excerpt=None)
    return attrs.evolve(
        disclosure,
        basis=basis,
        provenance=prov,
        withheld_fingerprints=(),
        withheld_blocks=positions,
    )


def public_identity(doc: Document) -> tuple[str | None, str | None]:
    """A stored document's title and number as the public may see them (the title replaced by
    :data:`WITHHELD_PLACEHOLDER`, the number ``None`` when withheld)."""
    number = str(doc.doc_number) if doc.doc_number else None
    own = Withholding.of(doc)
    if own is None:
        return doc.title, number
    title_hidden, number_hidden = own.identity_hidden(doc)
    return (
        WITHHELD_PLACEHOLDER if title_hidden else doc.title,
        None if number_hidden else number,
    )


__all__ = [
    "HIDDEN_REFERENCE",
    "UNDISCLOSED",
    "WITHHELD_PLACEHOLDER",
    "WITHHELD_VERSION",
    "Redactor",
    "Withholding",
    "fingerprint",
    "fingerprints",
    "paragraph_key",
    "public_identity",
    "withheld_fingerprints",
]
