"""What public search may find is read from the catalog and kept until what it is read from
changes: the documents, their disclosure attributes and the index queue. Writes elsewhere
(sign-ins, sessions, the log) keep it; a change to any of those tables replaces it, in this
process and in another one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette import users
from gazette.archive import dbapi
from gazette.errors import GazetteError
from gazette.model import LifecycleEvent, Provenance
from tests.archive_builders import ingest_text, official_text

PASSWORD = "correct horse battery"


def _doc(folder: Path, title: str, note: str, number: str) -> Callable[[gazette.Archive], str]:
    text = official_text(title, number=number, body=("一、做好城市绿化养护工作。",), note=note)
    return lambda archive: ingest_text(archive, folder, text)


@pytest.fixture
def two(tmp_path: Path) -> Any:
    """Two archives open on one directory (two catalog connections), with one public and
    one withheld document; a user who may sign in."""
    root = tmp_path / "archive"
    writer = gazette.open_archive(root, actor="test")
    shown = _doc(tmp_path / "in", "关于绿化养护的通知", "（此件公开发布）", "青政发〔2021〕1号")(
        writer
    )
    hidden = _doc(tmp_path / "in", "关于绿化考核的通知", "（此件不予公开）", "青政发〔2021〕2号")(
        writer
    )
    users.add_user(writer, "clerk", "reader", PASSWORD)
    reader = gazette.open_archive(root, create=False, actor="web")
    try:
        yield writer, reader, shown, hidden
    finally:
        reader.close()
        writer.close()


def _found(archive: gazette.Archive) -> set[str]:
    return {hit.id for hit in archive.public.search("绿化", limit=50).hits}


def _sign_in(archive: gazette.Archive) -> None:
    assert users.authenticate(archive, "clerk", PASSWORD, client="127.0.0.1") is not None


def _failed_sign_in(archive: gazette.Archive) -> None:
    assert users.authenticate(archive, "clerk", "wrong password", client="127.0.0.1") is None


def _session(archive: gazette.Archive) -> None:
    users.end_session(archive, users.start_session(archive, "clerk"))


def _internal_read(archive: gazette.Archive) -> None:
    users.record(archive, "clerk", "read", "documents", "shown", view="internal")


def _log(archive: gazette.Archive) -> None:
    with archive.transaction():
        archive.log("note", None, "done", detail="an entry")


@pytest.mark.parametrize(
    "write",
    [_sign_in, _failed_sign_in, _session, _internal_read, _log],
    ids=["sign-in", "failed-sign-in", "session", "internal-read", "log"],
)
def test_writes_elsewhere_keep_the_public_set(two: Any, write: Callable[..., None]) -> None:
    writer, reader, shown, _ = two
    before = dbapi.change_token(reader.conn)
    kept = reader.public_revisions()
    assert set(kept.revisions) == {shown}
    write(writer)
    assert dbapi.change_token(reader.conn) == before
    assert dbapi.change_token(writer.conn) == before
    assert reader.public_revisions() is kept


def _publish(archive: gazette.Archive, hidden: str, tmp: Path) -> None:
    archive.set_disclosure(hidden, "proactive", basis="经审查可以公开")


def _withhold(archive: gazette.Archive, shown: str, tmp: Path) -> None:
    archive.set_disclosure(shown, "withheld", reason="内部事务", grounds=["art16_internal_affairs"])


def _new_document(archive: gazette.Archive, _: str, tmp: Path) -> None:
    _doc(tmp / "more", "关于绿化补植的通知", "（此件公开发布）", "青政发〔2021〕3号")(archive)


def _event_and_withdrawal(archive: gazette.Archive, shown: str, tmp: Path) -> None:
    (event_id,) = archive.record_events(
        shown, [LifecycleEvent("repealed", "2024-01-01", Provenance("manual"), note="测试")]
    )
    archive.remove_event(event_id, reason="录入错误")


@pytest.mark.parametrize(
    "change",
    [_publish, _withhold, _new_document, _event_and_withdrawal],
    ids=["publish", "withhold", "new-document", "event-withdrawn"],
)
def test_changes_to_what_it_is_read_from_replace_it(
    two: Any, change: Callable[..., None], tmp_path: Path
) -> None:
    writer, reader, shown, hidden = two
    before = dbapi.change_token(reader.conn)
    kept = reader.public_revisions()
    change(writer, hidden if change is _publish else shown, tmp_path)
    assert dbapi.change_token(reader.conn) != before
    fresh = reader.public_revisions()
    assert fresh is not kept
    # Equal to what a new reader reads from the catalog now.
    with gazette.open_archive(writer.root, create=False) as third:
        assert dict(fresh.revisions) == dict(third.public_revisions().revisions)


def test_the_public_view_is_never_stale_across_connections(two: Any) -> None:
    writer, reader, shown, hidden = two
    assert _found(reader) == {shown}
    _sign_in(writer)
    assert _found(reader) == {shown}
    writer.set_disclosure(hidden, "proactive", basis="经审查可以公开")
    assert _found(reader) == {shown, hidden}
    _session(writer)
    assert _found(reader) == {shown, hidden}
    writer.set_disclosure(shown, "withheld", reason="内部事务", grounds=["art16_internal_affairs"])
    assert _found(reader) == {hidden}
    assert _found(writer) == {hidden}
    assert reader.public.find(shown) is None


def test_a_set_read_inside_a_transaction_is_not_kept(two: Any) -> None:
    """A rollback takes the counter back: a set read after a write inside the transaction
    must not be found again under that value once another change commits."""
    writer, reader, shown, hidden = two
    kept = writer.public_revisions()
    writer.conn.execute("BEGIN")
    writer.conn.execute("UPDATE disclosure SET attribute = 'proactive' WHERE doc_id = ?", (hidden,))
    inside = writer.public_revisions()
    assert set(inside.revisions) == {shown, hidden}
    writer.conn.execute("ROLLBACK")
    assert writer.public_revisions() is kept
    reader.set_disclosure(shown, "withheld", reason="内部事务", grounds=["art16_internal_affairs"])
    assert set(writer.public_revisions().revisions) == set()


@pytest.mark.sqlite_catalog
def test_the_counter_counts_only_what_the_set_is_read_from(two: Any) -> None:
    writer, _, shown, _ = two
    conn = sqlite3.connect(writer.root / "catalog.sqlite")
    try:
        triggers = {
            row[0]
            for row in conn.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'gazette_count_%'"
            )
        }
        assert triggers == {"documents", "disclosure", "index_queue"}
        before = conn.execute("SELECT n FROM gazette_changes").fetchone()[0]
        # A column the set does not read: no change; one it reads: a change.
        conn.execute("UPDATE documents SET note = note WHERE id = ?", (shown,))
        assert conn.execute("SELECT n FROM gazette_changes").fetchone()[0] == before
        conn.execute("UPDATE documents SET rev = rev WHERE id = ?", (shown,))
        assert conn.execute("SELECT n FROM gazette_changes").fetchone()[0] == before + 1
        conn.rollback()
    finally:
        conn.close()


@pytest.mark.sqlite_catalog
def test_a_catalog_of_the_previous_version_gets_the_counter(two: Any) -> None:
    writer, reader, shown, hidden = two
    root = writer.root
    reader.close()
    writer.close()
    conn = sqlite3.connect(root / "catalog.sqlite")
    try:
        for (trigger,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'gazette_count_%'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("DROP TABLE gazette_changes")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        conn.commit()
    finally:
        conn.close()
    with gazette.open_archive(root, create=False) as archive:
        assert archive.catalog.found_version == 4
        assert _found(archive) == {shown}
        archive.set_disclosure(hidden, "proactive", basis="经审查可以公开")
        assert _found(archive) == {shown, hidden}


def test_archives_of_a_web_pool_share_one_search_index(two: Any) -> None:
    """The web server's archives share one index (one set of caches), each with its own
    catalog connection; a change made through one is searched through the other, and the index
    closes with the last of them."""
    pytest.importorskip("starlette", reason="the web server needs the web extra")
    from gazette.web.app import ArchivePool

    writer, _, shown, hidden = two
    pool = ArchivePool(writer.root, 2)
    first, second = pool.get(), pool.get()
    try:
        assert first is not second and first.conn is not second.conn
        assert first.index is second.index
        assert _found(first) == _found(second) == {shown}
        second.set_disclosure(hidden, "proactive", basis="经审查可以公开")
        assert _found(first) == {shown, hidden}
        index = first.index
        first.close()
        assert _found(second) == {shown, hidden}  # still open for the other
        assert second.index is index
    finally:
        pool.put(first)
        pool.put(second)
        pool.close()
    with pytest.raises(GazetteError):  # closed (the engine cannot read it any more)
        index.search("绿化", public_only=True)
