"""The archive's changes, newest first by when they were recorded (gazette.changes)."""

from __future__ import annotations

import time

import pytest

from gazette.changes import changes, document_changes
from gazette.errors import DocumentNotFound, InvalidArgument
from tests.conftest import ARCHIVE_DATA


@pytest.fixture
def sample(archive):
    from ingest import ingest_paths

    ingest_paths(archive, [ARCHIVE_DATA], recursive=True, jobs=1)
    return archive


def _all(view, limit):
    out, cursor = [], None
    while True:
        page = changes(view, limit=limit, cursor=cursor)
        out += page.changes
        cursor = page.next_cursor
        if cursor is None:
            return out


@pytest.mark.parametrize("limit", [1, 3, 7, 500])
def test_pages_cover_every_change_once_in_order(sample, limit):
    every = _all(sample.public, 500)
    paged = _all(sample.public, limit)
    assert [c.cursor for c in paged] == [c.cursor for c in every]
    keys = [(c.recorded, c.source, c.key) for c in paged]
    assert len(set(keys)) == len(keys)
    assert [c.recorded for c in paged] == sorted((c.recorded for c in paged), reverse=True)


def test_the_public_list_leaves_hidden_documents_out(sample):
    public = {c.document.id for c in _all(sample.public, 500)}
    internal = {c.document.id for c in _all(sample.internal, 500)}
    hidden = {d for d in internal if sample.public.hidden(d)}
    assert hidden and not (public & hidden)
    assert public <= internal


def test_own_text_history_is_part_of_the_addition(sample):
    kinds = {c.kind for c in _all(sample.internal, 500)}
    assert "added" in kinds and "repealed" in kinds  # a repeal decision acts on another document
    assert "effective" not in kinds and "promulgated" not in kinds


def test_a_later_decision_is_the_newest_change(sample):
    hidden = next(d for d in sample.internal.ids() if sample.public.hidden(d))
    time.sleep(1.1)
    sample.set_disclosure(hidden, "proactive", basis="经审核主动公开", by="王五")
    newest = changes(sample.public, limit=1).changes[0]
    assert (newest.kind, newest.document.id, newest.actor) == ("published", hidden, "王五")
    assert "主动公开" in newest.summary


def test_a_documents_own_list_has_every_event(sample):
    doc_id = sample.public.resolve("青政发〔2019〕30号")
    own = document_changes(sample.public, doc_id).changes
    kinds = [c.kind for c in own]
    assert kinds[-1] == "added" or "added" in kinds
    assert {"promulgated", "effective", "repealed"} <= set(kinds)
    assert all(c.document.id == doc_id for c in own)
    hidden = next(d for d in sample.internal.ids() if sample.public.hidden(d))
    with pytest.raises(DocumentNotFound):
        document_changes(sample.public, hidden)


@pytest.mark.parametrize(
    "cursor", ["nonsense", "2024-01-01T00:00:00|x|1", "2024|e|1", "2024-01-01T00:00:00|e|abc"]
)
def test_bad_cursors_are_refused(sample, cursor):
    with pytest.raises(InvalidArgument):
        changes(sample.public, cursor=cursor)
