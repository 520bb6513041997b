"""The catalog's SQLite schema and its migrations.

The catalog is the archive's source of truth: the search index and the status intervals are
derived from it and can be rebuilt. ``MIGRATIONS[n]`` takes a catalog from version ``n`` to
``n + 1``; :func:`migrate` applies what is missing inside one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from gazette.errors import SchemaTooNew

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Original files, stored once under their SHA-256.
CREATE TABLE sources (
    sha256        TEXT PRIMARY KEY,
    format        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    name          TEXT NOT NULL,         -- file name as first ingested
    path          TEXT NOT NULL,         -- path as first ingested
    ingested_at   TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'stored' CHECK (state IN ('stored', 'needs_ocr')),
    detail        TEXT                   -- JSON: reader warnings, OCR pages pending
);

-- Every path a source was offered under (re-ingesting the same bytes adds a row here).
CREATE TABLE source_paths (
    sha256   TEXT NOT NULL REFERENCES sources(sha256) ON DELETE CASCADE,
    path     TEXT NOT NULL,
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (sha256, path)
);

CREATE TABLE documents (
    id                  TEXT PRIMARY KEY,
    parent_id           TEXT REFERENCES documents(id) ON DELETE CASCADE,
    part_index          INTEGER,
    part_label          TEXT,
    title               TEXT,
    title_key           TEXT,           -- normalised title for matching
    doc_number          TEXT,           -- canonical spelling
    doc_type            TEXT,
    issuers             TEXT NOT NULL DEFAULT '[]',
    issuer_mark         TEXT,
    signer              TEXT,
    copy_number         TEXT,
    secrecy             TEXT,
    urgency             TEXT,
    recipients          TEXT NOT NULL DEFAULT '[]',
    cc                  TEXT NOT NULL DEFAULT '[]',
    written_date        TEXT,
    published_date      TEXT,
    printed_by          TEXT,
    printed_date        TEXT,
    note                TEXT,
    attachment_notes    TEXT NOT NULL DEFAULT '[]',
    registration_number TEXT,
    index_number        TEXT,
    subject             TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    rev                 INTEGER NOT NULL DEFAULT 1   -- bumped on every change; the index keeps it
);
CREATE INDEX documents_parent ON documents(parent_id);
CREATE INDEX documents_number ON documents(doc_number);
CREATE INDEX documents_title ON documents(title);
CREATE INDEX documents_title_key ON documents(title_key);

CREATE TABLE document_sources (
    doc_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sha256  TEXT NOT NULL REFERENCES sources(sha256),
    PRIMARY KEY (doc_id, sha256)
);

-- Text versions and their renditions.
CREATE TABLE texts (
    id            INTEGER PRIMARY KEY,
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    origin        TEXT NOT NULL,
    source_sha256 TEXT REFERENCES sources(sha256),
    adopted       TEXT,
    effective     TEXT,
    label         TEXT,
    standard      INTEGER NOT NULL DEFAULT 0,
    ocr           TEXT,                  -- JSON OcrInfo
    page_first    INTEGER,
    page_last     INTEGER,
    blocks        TEXT NOT NULL,         -- JSON [[text, kind, level, page], ...]
    content_hash  TEXT NOT NULL
);
CREATE INDEX texts_doc ON texts(doc_id);

-- Lifecycle events. The acting document is kept as written and, once resolved, by id.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    date          TEXT,
    outcome       TEXT,
    articles      TEXT NOT NULL DEFAULT '[]',
    note          TEXT,
    acting_text   TEXT,
    acting_title  TEXT,
    acting_number TEXT,
    acting_id     TEXT REFERENCES documents(id) ON DELETE SET NULL,
    prov_kind     TEXT NOT NULL,
    prov_source   TEXT,
    prov_excerpt  TEXT,
    prov_by       TEXT,
    prov_at       TEXT,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX events_doc ON events(doc_id);
CREATE INDEX events_acting ON events(acting_id);

-- References another document makes that could not yet be resolved to an archive document:
-- an event to apply to the target (kind = 'event') or a link to make (kind = 'interpretation').
-- Kept until the target arrives; never dropped. from_doc_id is NULL for an imported list
-- (the acting document is then in the payload's event, as written).
CREATE TABLE pending_refs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    from_doc_id   TEXT REFERENCES documents(id) ON DELETE CASCADE,
    ref_text      TEXT NOT NULL,
    ref_title     TEXT,
    ref_number    TEXT,
    payload       TEXT NOT NULL,         -- JSON: the event or link to create
    state         TEXT NOT NULL CHECK (state IN ('pending', 'ambiguous', 'resolved')),
    candidates    TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL,
    resolved_at   TEXT,
    resolved_id   TEXT REFERENCES documents(id) ON DELETE SET NULL
);
CREATE INDEX pending_refs_number ON pending_refs(ref_number);
CREATE INDEX pending_refs_title ON pending_refs(ref_title);

CREATE TABLE disclosure (
    doc_id          TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    attribute       TEXT NOT NULL,
    reason          TEXT,
    grounds         TEXT NOT NULL DEFAULT '[]',
    basis           TEXT,
    prov_kind       TEXT,
    prov_source     TEXT,
    prov_excerpt    TEXT,
    prov_by         TEXT,
    prov_at         TEXT,
    withheld_blocks TEXT NOT NULL DEFAULT '[]',
    review_due      TEXT                 -- next periodic review of a non-disclosure
);
CREATE INDEX disclosure_attribute ON disclosure(attribute);

-- Every change of a disclosure attribute, oldest first.
CREATE TABLE disclosure_history (
    id          INTEGER PRIMARY KEY,
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    attribute   TEXT NOT NULL,
    reason      TEXT,
    grounds     TEXT NOT NULL DEFAULT '[]',
    basis       TEXT,
    prov_kind   TEXT,
    prov_source TEXT,
    changed_by  TEXT,
    changed_at  TEXT NOT NULL,
    decided_on  TEXT,                -- the date of the decision, when it differs from changed_at
    withheld_blocks TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX disclosure_history_doc ON disclosure_history(doc_id);

-- How often an on-request document was asked for.
CREATE TABLE disclosure_requests (
    id          INTEGER PRIMARY KEY,
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    requested_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX disclosure_requests_doc ON disclosure_requests(doc_id);

CREATE TABLE interpretations (
    policy_id         TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    interpretation_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    form              TEXT NOT NULL,
    method            TEXT NOT NULL,
    evidence          TEXT,
    prov_kind         TEXT,
    prov_by           TEXT,
    created_at        TEXT NOT NULL,
    removed           INTEGER NOT NULL DEFAULT 0,  -- removed by hand: not inferred again
    PRIMARY KEY (policy_id, interpretation_id)
);

CREATE TABLE issues (
    id            INTEGER PRIMARY KEY,
    gazette       TEXT NOT NULL,
    year          INTEGER NOT NULL,
    first         INTEGER NOT NULL,
    last          INTEGER NOT NULL,
    unit          TEXT NOT NULL DEFAULT '期',
    total         INTEGER,
    date          TEXT,
    source_sha256 TEXT REFERENCES sources(sha256),
    page_count    INTEGER,
    needs_ocr     TEXT NOT NULL DEFAULT '[]',
    ocr           TEXT
);
CREATE INDEX issues_gazette ON issues(gazette, year, first);

CREATE TABLE issue_items (
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    title       TEXT NOT NULL,
    section     TEXT,
    page_first  INTEGER,
    page_last   INTEGER,
    pdf_first   INTEGER,
    pdf_last    INTEGER,
    doc_number  TEXT,
    doc_id      TEXT REFERENCES documents(id) ON DELETE SET NULL,
    PRIMARY KEY (issue_id, seq)
);
CREATE INDEX issue_items_doc ON issue_items(doc_id);

CREATE TABLE publications (
    id          INTEGER PRIMARY KEY,
    doc_id      TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    name        TEXT,
    issue_id    INTEGER REFERENCES issues(id) ON DELETE SET NULL,
    year        INTEGER,
    first       INTEGER,
    last        INTEGER,
    unit        TEXT,
    total       INTEGER,
    page_first  INTEGER,
    page_last   INTEGER,
    date        TEXT,
    url         TEXT
);
CREATE INDEX publications_doc ON publications(doc_id);

-- Derived: each document's status as intervals [start, end), rebuilt from its events.
CREATE TABLE status_intervals (
    doc_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    status  TEXT NOT NULL,
    start   TEXT NOT NULL,
    end     TEXT
);
CREATE INDEX status_intervals_doc ON status_intervals(doc_id);
CREATE INDEX status_intervals_status ON status_intervals(status, start);

-- Documents whose search-index entry is stale: written in the same transaction as the change,
-- removed once the index has committed. Whatever is left after a crash is replayed.
CREATE TABLE index_queue (
    doc_id    TEXT PRIMARY KEY,
    queued_at TEXT NOT NULL
);

-- Append-only record of what was done to the archive.
CREATE TABLE log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT,
    outcome  TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER log_no_update BEFORE UPDATE ON log
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_no_delete BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
"""


def _v2_withholding_and_checksums(conn: sqlite3.Connection) -> None:
    """Withheld paragraphs by content, and checksums on every row of content or decision.

    A partial disclosure's paragraphs were kept by position; their fingerprints are taken from
    the current text (what the positions referred to when the text has not changed since).
    Every covered row is then sealed (see :mod:`gazette.archive.integrity`).
    """
    import json

    from gazette.archive import integrity, reads, tables
    from gazette.redaction import fingerprints

    for statement in _statements(
        "ALTER TABLE disclosure ADD COLUMN withheld_fingerprints TEXT NOT NULL DEFAULT '[]';\n"
        "ALTER TABLE disclosure_history ADD COLUMN withheld_fingerprints TEXT NOT NULL"
        " DEFAULT '[]';\n" + integrity.MIGRATION
    ):
        conn.execute(statement)
    rows = conn.execute(
        "SELECT doc_id, withheld_blocks FROM disclosure"
        " WHERE attribute = 'partial' AND withheld_blocks != '[]'"
    ).fetchall()
    for doc_id, blocks in rows:
        current = tables.current_text(reads.load_texts(conn, doc_id))
        if current is None:
            continue
        found = json.dumps(list(fingerprints(current.blocks, json.loads(blocks))))
        conn.execute(
            "UPDATE disclosure SET withheld_fingerprints = ? WHERE doc_id = ?", (found, doc_id)
        )
        conn.execute(
            "UPDATE disclosure_history SET withheld_fingerprints = ? WHERE id = ("
            " SELECT MAX(id) FROM disclosure_history WHERE doc_id = ?)",
            (found, doc_id),
        )
    integrity.seal_all(conn)


# Web users (gazette.users): roles, passwords hashed with Argon2, API tokens and session ids
# stored as SHA-256 digests (the secrets themselves are never kept); indexes for the changes
# feed (gazette.changes) and for counting failed sign-ins.
_V3_USERS = """
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('reader', 'archivist', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    user_name   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT,
    created_at  TEXT NOT NULL
);
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_name);
-- Sign-ins are counted from the log (rate limiting across server processes).
CREATE INDEX log_action_at ON log(action, at);
-- The changes feed reads documents, events and disclosure changes newest first.
CREATE INDEX documents_created ON documents(created_at);
CREATE INDEX events_recorded ON events(recorded_at);
CREATE INDEX disclosure_history_changed ON disclosure_history(changed_at);
"""


# Recognised pages: each OCR'd page of an original with its lines, boxes and confidences (so
# a viewer can show the image and the text side by side), or why the engine failed on it.
_V4_OCR_PAGES = """
CREATE TABLE ocr_pages (
    sha256      TEXT NOT NULL REFERENCES sources(sha256) ON DELETE CASCADE,
    page        INTEGER NOT NULL,
    engine      TEXT NOT NULL,
    confidence  REAL,
    error       TEXT,                  -- why the page could not be recognised
    data        TEXT NOT NULL,         -- JSON: gazette.archive.ocr_pages.encode
    PRIMARY KEY (sha256, page)
);
"""


# What public search may find (gazette.archive.index_sync.public_revisions) is read from these
# tables and columns only: documents (id, revision, carrier), their disclosure attribute, and
# the index queue. A reader caches it until the counter moves; PostgreSQL keeps its own
# counter (gazette.archive.pg_catalog.install).
COUNTED: dict[str, tuple[str, ...] | None] = {
    "documents": ("id", "rev", "parent_id"),
    "disclosure": ("doc_id", "attribute"),
    "index_queue": None,
}


def _v5_change_counter(conn: sqlite3.Connection) -> None:
    """A counter bumped by every change to what the public set is read from, so that sign-ins,
    sessions and log entries (and every other write) leave a reader's cached set valid."""
    if not isinstance(conn, sqlite3.Connection):
        return  # PostgreSQL: pg_catalog.install creates gazette_changes and its triggers
    conn.execute("CREATE TABLE gazette_changes (n INTEGER NOT NULL)")
    conn.execute("INSERT INTO gazette_changes(n) VALUES (0)")
    for table, columns in COUNTED.items():
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        for name, event in (("insert", "INSERT"), ("update", update), ("delete", "DELETE")):
            conn.execute(
                f"CREATE TRIGGER gazette_count_{table}_{name} AFTER {event} ON {table}"
                " BEGIN UPDATE gazette_changes SET n = n + 1; END"
            )


Migration = str | Callable[[sqlite3.Connection], None]

# MIGRATIONS[n] takes a catalog from version n to n + 1: a SQL script, or a function that
# changes the catalog inside the migration's transaction.
MIGRATIONS: list[Migration] = [
    _V1,
    _v2_withholding_and_checksums,
    _V3_USERS,
    _V4_OCR_PAGES,
    _v5_change_counter,
]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    """The catalog's schema version (0 for an empty database)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection, path: str) -> int:
    """Bring the catalog to :data:`SCHEMA_VERSION`. Returns the version found before.

    Raises:
        SchemaTooNew: the catalog was written by a newer library.
    """
    found = current_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(path, found, SCHEMA_VERSION)
    if found == SCHEMA_VERSION:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = current_version(conn)  # another process may have migrated meanwhile
        for step in MIGRATIONS[found:]:
            if callable(step):
                step(conn)
            else:
                for statement in _statements(step):
                    conn.execute(statement)
        if found:
            # Rows a later migration added without a checksum (an upgrade seals them).
            from gazette.archive import integrity

            integrity.seal_all(conn, missing_only=True)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _statements(script: str) -> list[str]:
    """Split a script into statements (triggers contain semicolons inside BEGIN…END)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
