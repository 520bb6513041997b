"""Extension points that cannot be half-done.

Every member of every enum that tables are keyed by, every export format and every input
format is looped over here, and each is made to work end to end on a real document: a member
added without its table entries, a format registered without a module that renders or reads,
fails this test rather than a user.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import attrs
import pytest
from lxml import etree, html

from gazette import titles, wording
from gazette.disclosure import parse_attribute
from gazette.export import FORMATS, format_module
from gazette.export.akn import ACT_TYPES, DOC_NAMES
from gazette.lifecycle import effective_kind, status_on
from gazette.model import (
    Block,
    BlockKind,
    CleanupOutcome,
    Disclosure,
    DisclosureAttribute,
    DocRef,
    Document,
    EventKind,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextOrigin,
)
from gazette.phrases import say
from gazette.search.results import STATUS_VALUES, SearchFilters
from gazette.status import StatusValue
from gazette.timeline import timeline
from ingest.elements import parse
from ingest.readers import READERS, read
from ingest.sniff import MAX_BYTES, sniff
from tests.conftest import corpus_path

ON = dt.date(2030, 1, 1)
PARSED = Provenance(ProvenanceKind.PARSED, source="test", excerpt="（test）")


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    """The seed document (济政办发〔2017〕27号) as the text reader and element parser make it."""
    raw = read(corpus_path("seed", "jinan-2017-27.txt"))
    doc = parse(raw).with_id("seed")
    return attrs.evolve(doc, disclosure=Disclosure(DisclosureAttribute.PROACTIVE))


def _render_all(doc: Document, on: dt.date | None = None) -> dict[str, bytes]:
    return {fmt: format_module(fmt).render(doc, on=on) for fmt in FORMATS}


def _check_parses(fmt: str, data: bytes) -> None:
    """The rendering is well formed for its format."""
    assert data, f"{fmt}: empty rendering"
    if fmt == "json":
        json.loads(data)
    elif fmt == "akn":
        etree.fromstring(data)
    elif fmt == "html":
        html.fromstring(data)
    elif fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert "word/document.xml" in package.namelist()
    else:
        data.decode("utf-8")


# --- lifecycle events ------------------------------------------------------------------------


def _events() -> list[tuple[EventKind, CleanupOutcome | None]]:
    out: list[tuple[EventKind, CleanupOutcome | None]] = []
    for kind in EventKind:
        if kind == EventKind.CLEANUP_OUTCOME:
            out += [(kind, outcome) for outcome in CleanupOutcome]
        else:
            out.append((kind, None))
    return out


@pytest.mark.parametrize(
    ("kind", "outcome"),
    _events(),
    ids=[f"{k.value}{':' + o.value if o else ''}" for k, o in _events()],
)
def test_every_event_kind_works_end_to_end(
    seed_doc: Document, kind: EventKind, outcome: CleanupOutcome | None
) -> None:
    """Named, ordered, judged, on the timeline and in every export format."""
    event = LifecycleEvent(
        kind,
        dt.date(2020, 3, 1),
        PARSED,
        acting=DocRef(
            text="《青川市人民政府关于清理规范性文件的决定》",
            title="青川市人民政府关于清理规范性文件的决定",
        ),
        outcome=outcome,
    )
    doc = seed_doc.with_events(event)
    assert kind.label == wording.EVENT_KIND[kind.value]
    if outcome is not None:
        assert outcome.label == wording.CLEANUP_OUTCOME[outcome.value]
    assert effective_kind(event) in EventKind
    status = status_on(doc, ON)
    assert status.value in StatusValue
    assert status.label and status.mark()
    assert any(e.event is not None and e.event.kind == kind for e in timeline(doc))
    for fmt, data in _render_all(doc, ON).items():
        _check_parses(fmt, data)
    exported = json.loads(format_module("json").render(doc, on=ON))
    assert kind.value in [e["kind"] for e in exported["events"]]


# --- statuses --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", list(StatusValue), ids=lambda v: v.value)
def test_every_status_has_its_names_and_filters(value: StatusValue) -> None:
    assert value.label == wording.STATUS[value.value]
    value.pkulaw_code  # noqa: B018 - raises KeyError when the table misses it
    value.flk_label  # noqa: B018
    assert value.value in STATUS_VALUES
    assert SearchFilters(status=value).status == (value.value,)


def test_every_status_is_reached_by_some_document(seed_doc: Document) -> None:
    """The statuses are not names alone: each comes out of the lifecycle rules."""

    def effective(day: dt.date) -> LifecycleEvent:
        return LifecycleEvent(EventKind.EFFECTIVE, day, PARSED)

    in_force = seed_doc.with_events(effective(dt.date(2017, 3, 1)))
    reached = {
        status_on(attrs.evolve(seed_doc, events=()), ON).value,
        status_on(
            seed_doc.with_events(
                LifecycleEvent(EventKind.PROMULGATED, dt.date(2017, 6, 28), PARSED),
                effective(dt.date(2031, 1, 1)),
            ),
            ON,
        ).value,
    }
    for kind, outcome in _events():
        event = LifecycleEvent(
            kind, dt.date(2020, 3, 1), PARSED, outcome=outcome, articles=("第三条",)
        )
        reached.add(status_on(in_force.with_events(event), ON).value)
    assert reached == set(StatusValue)


# --- disclosure, text origins, block kinds ---------------------------------------------------


@pytest.mark.parametrize("attribute", list(DisclosureAttribute), ids=lambda a: a.value)
def test_every_disclosure_attribute_is_named_and_read_back(attribute: DisclosureAttribute) -> None:
    assert attribute.label == wording.DISCLOSURE_ATTRIBUTE[attribute.value]
    assert parse_attribute(attribute.value) == attribute
    assert parse_attribute(attribute.label) == attribute


@pytest.mark.parametrize("origin", list(TextOrigin), ids=lambda o: o.value)
def test_every_text_origin_renders(seed_doc: Document, origin: TextOrigin) -> None:
    assert origin.label == wording.TEXT_ORIGIN[origin.value]
    text = attrs.evolve(seed_doc.texts[0], origin=origin)
    doc = attrs.evolve(seed_doc, texts=(text,))
    for fmt, data in _render_all(doc).items():
        _check_parses(fmt, data)


@pytest.mark.parametrize("kind", list(BlockKind), ids=lambda k: k.value)
def test_every_block_kind_renders(seed_doc: Document, kind: BlockKind) -> None:
    """A block of each kind reaches every format (its words appear in the text formats)."""
    assert kind.label == wording.BLOCK_KIND[kind.value]
    marker = f"青川市测试段落第{list(BlockKind).index(kind) + 1}号"
    text = seed_doc.texts[0]
    blocks = (*text.blocks[:3], Block(marker, kind), *text.blocks[3:])
    doc = attrs.evolve(seed_doc, texts=(attrs.evolve(text, blocks=blocks),))
    rendered = _render_all(doc)
    for fmt, data in rendered.items():
        _check_parses(fmt, data)
    for fmt in ("txt", "md", "html", "json", "akn"):
        assert marker in rendered[fmt].decode("utf-8"), fmt


# --- export formats --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_format_is_complete(seed_doc: Document, fmt: str) -> None:
    module = format_module(fmt)
    assert module.name == fmt
    assert module.suffix.startswith(".")
    assert "/" in module.media_type
    assert wording.EXPORT_FORMAT[fmt]
    data = module.render(seed_doc)
    _check_parses(fmt, data)


def test_every_export_format_reads_back(seed_doc: Document, tmp_path: Path) -> None:
    """The formats the archive also reads come back through sniffing and a reader with the
    document's title."""
    read_back = set()
    for fmt in FORMATS:
        module = format_module(fmt)
        path = tmp_path / f"seed{module.suffix}"
        path.write_bytes(module.render(seed_doc))
        try:
            sniffed = sniff(path)
        except Exception:  # a format the archive does not read (json, akn)
            continue
        if sniffed not in READERS:
            continue
        text = read(path).text
        assert "政务公开工作要点" in text, fmt
        read_back.add(fmt)
    assert read_back == set(FORMATS) & set(READERS)


def test_akn_names_only_types_of_the_vocabulary() -> None:
    assert set(ACT_TYPES) <= titles.TYPES
    assert set(DOC_NAMES) <= titles.TYPES


# --- input formats ---------------------------------------------------------------------------

#: A file of each input format made by another tool (the corpus; see corpus/SOURCES.md).
_MADE_ELSEWHERE = {
    "txt": ("seed", "jinan-2017-27.txt"),
    "md": ("laws", None),
    "html": ("govcn", "01.body.html"),
    "docx": ("renditions", "01.body.docx"),
    "pdf": ("renditions", "01.body.pdf"),
    "ofd": ("ofd", "n.ofd"),
}


def test_input_formats_are_registered_everywhere() -> None:
    assert set(READERS) == set(MAX_BYTES) == set(_MADE_ELSEWHERE)


@pytest.mark.parametrize("fmt", list(READERS))
def test_every_input_format_reads_a_file_made_elsewhere(fmt: str) -> None:
    folder, name = _MADE_ELSEWHERE[fmt]
    if name is None:
        path = sorted(corpus_path(folder).glob("*.md"))[0]
    else:
        path = corpus_path(folder, name)
    assert sniff(path) == fmt
    raw = read(path)
    assert raw.lines, f"{path}: no text read"
    doc = parse(raw)
    assert doc.title, f"{path}: no title found"
    assert say(doc.title) == doc.title
