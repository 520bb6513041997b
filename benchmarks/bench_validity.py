"""Validity on real statute collections: titles, versions, effective dates, repeals, status.

Run from the project root::

    python benchmarks/bench_validity.py [FOLDER ...] [--today 2025-04-19] [--jobs 2]
                                        [--misses N] [--no-repeals]

By default it measures ``../shared/corpus/lawrefbook`` (1,019 local regulations) and
``../shared/corpus/laws`` (national laws and regulations, with version pairs). Each folder is
ingested whole into a fresh archive (``ingest_paths``, 2 worker processes) and scored against
what every file states, computed by :mod:`benchmarks.validity_expected` (plain rules, standard
library only, never the library's own code):

* **title exact**: the document's title against the file's ``#`` line (spaces ignored);
* **effective date**: each file's version's effective date where the text states one
  (a 施行 line, a 施行 article of that version, 自公布之日起施行 with a 公布 line), and
  separately where only an adoption, approval or amending decision's date gives it (an
  inference, which must be marked as one);
* **versions starting before their adoption** (target 0);
* **status** on the day asked (``--today``) for every file's version against the status the
  files establish (``unknown`` is a miss; an inferred date counts when it is marked);
* **题注 lines** of 修正 / 修订 / 批准 present in the document's timeline;
* **repeals**: every repeal (and possible repeal kept for review) the archive recorded, with
  the sentence it came from, so a person can read the list;
* **public view**: documents the public sees;
* **speed**: ingest files/s against the element parser alone over the same files (one process),
  median of the runs.

The machine may be shared: compare the ratio, not the absolute figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette  # noqa: E402
from benchmarks.validity_expected import (  # noqa: E402
    FileFacts,
    collection,
    markdown_files,
    plain,
    statuses,
)
from gazette.archive import reads as catalog_reads  # noqa: E402
from gazette.lifecycle import effective_kind, status_on  # noqa: E402
from gazette.model import Document, EventKind, TextVersion  # noqa: E402
from gazette.timeline import timeline  # noqa: E402
from ingest import ingest_paths, stages  # noqa: E402
from ingest.readers import read  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TODAY = dt.date(2025, 4, 19)
_REPEAL_KINDS = (
    EventKind.REPEALED,
    EventKind.DECLARED_INVALID,
    EventKind.EXPIRED,
    EventKind.PARTIALLY_INVALID,
)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f}% ({part}/{whole})" if whole else "   n/a"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Outcome:
    """What the archive holds for each file after ingest."""

    def __init__(self, archive: gazette.Archive, files: Sequence[Path]) -> None:
        self.archive = archive
        self.docs: dict[str, Document] = {}
        self.by_file: dict[Path, tuple[Document, Document, TextVersion | None]] = {}
        view = archive.internal
        for path in files:
            sha = _sha(path)
            rows = catalog_reads.fetch_all(
                archive.conn,
                "SELECT d.id, d.parent_id FROM document_sources s JOIN documents d"
                " ON d.id = s.doc_id WHERE s.sha256 = ? ORDER BY d.parent_id IS NOT NULL",
                (sha,),
            )
            if not rows:
                continue
            top_id = rows[0]["id"] if rows[0]["parent_id"] is None else rows[0]["parent_id"]
            if top_id not in self.docs:
                self.docs[top_id] = view.get(top_id)
            top = self.docs[top_id]
            holder, text = top, _text_from(top, sha)
            if text is None:
                for part in top.parts:
                    found = _text_from(part, sha)
                    if found is not None:
                        holder, text = part, found
                        break
            self.by_file[path] = (top, holder, text)


def _text_from(doc: Document, sha: str) -> TextVersion | None:
    return next((t for t in doc.texts if t.source_sha256 == sha), None)


def _inferred(doc: Document, day: dt.date | None) -> bool:
    """Whether the archive marks ``day`` as an inferred effective date of ``doc``."""
    return any(
        e.kind == EventKind.EFFECTIVE and e.date == day and e.provenance.kind == "inferred"
        for e in doc.events
    )


def _ingest(files: Sequence[Path], jobs: int) -> tuple[gazette.Archive, float, Path]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-validity-"))
    archive = gazette.open_archive(tmp / "archive", actor="bench")
    start = time.perf_counter()
    report = ingest_paths(archive, files, jobs=jobs)
    elapsed = time.perf_counter() - start
    failed = [r for r in report.results if r.outcome == "failed"]
    for result in failed[:5]:
        print(f"  failed: {result.path}: {result.error}")
    return archive, elapsed, tmp


def _parse_only(files: Sequence[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        stages.parse(read(path))
    return time.perf_counter() - start


@dataclass
class Scores:
    """What a folder scored (counts; ``misses`` holds a line per miss, by measure)."""

    files: int = 0
    titles: int = 0
    stated: tuple[int, int] = (0, 0)  # right, counted
    inferred: tuple[int, int] = (0, 0)
    inferred_marked: int = 0
    early: list[tuple[str | None, str | None, dt.date, dt.date]] = field(default_factory=list)
    status: tuple[int, int] = (0, 0)
    unknown: int = 0
    notes: tuple[int, int] = (0, 0)
    public: tuple[int, int] = (0, 0)
    repeals: list[tuple[str | None, dt.date | None, str | None, str]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    misses: dict[str, list[str]] = field(default_factory=dict)

    def miss(self, kind: str, facts: FileFacts, detail: str) -> None:
        self.misses.setdefault(kind, []).append(f"{facts.path.name}: {detail}")


def _add(pair: tuple[int, int], ok: bool) -> tuple[int, int]:
    return pair[0] + int(ok), pair[1] + 1


def score(folder: Path, *, jobs: int = 2, today: dt.date = TODAY) -> Scores:
    """Ingest every law of ``folder`` into a fresh archive and score it against what each file
    states (see :mod:`benchmarks.validity_expected`)."""
    files = markdown_files(folder)
    expected = collection(files)
    truth = statuses(expected, today)
    archive, elapsed, tmp = _ingest(files, jobs)
    try:
        out = Outcome(archive, files)
        scores = Scores(files=len(files), seconds=elapsed)
        for facts in expected:
            _score_file(scores, out, facts, truth[facts.path], today)
        for doc in out.docs.values():
            for holder in (doc, *doc.parts):
                for text in holder.texts:
                    if text.adopted and text.effective and text.effective < text.adopted:
                        scores.early.append(
                            (holder.title, text.label, text.adopted, text.effective)
                        )
            for event in doc.events:
                if effective_kind(event) in _REPEAL_KINDS:
                    acting = event.acting.title if event.acting else None
                    excerpt = event.provenance.excerpt or ""
                    scores.repeals.append((doc.title, event.date, acting, excerpt))
        kinds = {k.value for k in _REPEAL_KINDS} | {"cleanup_outcome"}
        for row in archive.unresolved():
            if row["kind"] == "review":
                scores.reviews.append(row)
            elif row["kind"] == "event" and row["payload"]["event"]["kind"] in kinds:
                scores.pending.append(row)
        scores.public = (len(list(archive.public.ids())), len(list(archive.internal.ids())))
    finally:
        archive.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return scores


def _score_file(
    scores: Scores, out: Outcome, facts: FileFacts, want: tuple[str, str], today: dt.date
) -> None:
    held = out.by_file.get(facts.path)
    if held is None:
        scores.miss("ingest", facts, "not in the archive")
        return
    top, holder, text = held
    if plain(top.title or "") == facts.title:
        scores.titles += 1
    else:
        scores.miss("title", facts, f"{top.title!r} != {facts.title!r}")
    # This file's version's effective date.
    got = text.effective if text is not None else None
    if facts.effective is not None and facts.how == "stated":
        scores.stated = _add(scores.stated, got == facts.effective)
        if got != facts.effective:
            scores.miss("effective", facts, f"{got} != {facts.effective} (stated)")
    elif facts.effective is not None:
        scores.inferred = _add(scores.inferred, got == facts.effective)
        if got != facts.effective:
            scores.miss("inferred", facts, f"{got} != {facts.effective} (inferred)")
        elif _inferred(holder, got):
            scores.inferred_marked += 1
        else:
            scores.miss("inferred-mark", facts, f"{got} not marked as inferred")
    # Its status on the day.
    value, why = want
    if value != "unknown" and text is not None:
        status = status_on(holder, today, version=text)
        scores.unknown += status.value.value == "unknown"
        scores.status = _add(scores.status, status.value.value == value)
        if status.value.value != value:
            basis = status.basis.note or status.basis.event
            scores.miss("status", facts, f"{status.value.value} != {value} ({why[:80]}); {basis}")
    # Its 题注 lines of 修正 / 修订 / 批准 in the timeline.
    entries = [e for e in timeline(holder) if e.event is not None]
    events = {(e.date, e.event.kind) for e in entries if e.event is not None}
    dated = {e.date for e in entries}
    for day, verb, segment in facts.entries:
        if verb in ("修正", "修订"):
            scores.notes = _add(scores.notes, (day, EventKind.AMENDED) in events)
            if (day, EventKind.AMENDED) not in events:
                scores.miss("题注", facts, f"{verb} {day} not an amendment: {segment[:40]}")
        elif verb == "批准":
            scores.notes = _add(scores.notes, day in dated)
            if day not in dated:
                scores.miss("题注", facts, f"批准 {day} missing: {segment[:40]}")


def measure(folder: Path, *, jobs: int, today: dt.date, misses: int, repeals: bool) -> None:
    files = markdown_files(folder)
    if not files:
        print(f"{folder}: no Markdown files")
        return
    print(f"== {folder} ({len(files)} files), status on {today.isoformat()}")
    baseline = statistics.median(_parse_only(files) for _ in range(3))
    scores = score(folder, jobs=jobs, today=today)
    for kind, lines in scores.misses.items():
        for line in lines[:misses]:
            print(f"  miss {kind}: {line}")
    print(f"  title exact                       {_pct(scores.titles, scores.files)}")
    print(f"  effective date, stated            {_pct(*scores.stated)}")
    print(f"  effective date, inferred          {_pct(*scores.inferred)}")
    print(f"    of which marked as inferred     {_pct(scores.inferred_marked, scores.inferred[0])}")
    print(f"  versions starting before adoption {len(scores.early)}")
    for title, label, adopted, effective in scores.early[:misses]:
        print(f"    {title} {label}: adopted {adopted}, effective {effective}")
    print(f"  status on {today.isoformat()}             {_pct(*scores.status)}")
    print(f"    of which unknown                {scores.unknown}")
    print(f"  题注 修正/修订/批准 in timelines   {_pct(*scores.notes)}")
    print(f"  documents visible in public view  {_pct(*scores.public)}")
    rate, base_rate = len(files) / scores.seconds, len(files) / baseline
    print(
        f"  ingest {rate:7.1f} files/s ({jobs} jobs) | element parser alone, 1 process:"
        f" {base_rate:7.1f} files/s | ratio {rate / base_rate:.2f}"
    )
    print(f"  repeals recorded                  {len(scores.repeals)}")
    print(
        f"  repeals kept pending (target not held, or only a later act of its title)"
        f" {len(scores.pending)}"
    )
    print(f"  possible repeals kept for review  {len(scores.reviews)}")
    if not repeals:
        return
    for title, date, acting, excerpt in sorted(scores.repeals, key=lambda r: r[1] or dt.date.min):
        print(f"    REPEAL {date} 《{title}》 by 《{acting}》: {excerpt}")
    for row in scores.pending:
        event = row["payload"]["event"]
        excerpt = event["provenance"].get("excerpt") or ""
        print(
            f"    PENDING {event.get('date')} {row['ref_text']} by 《{row['from_title']}》: {excerpt}"
        )
    for row in scores.reviews:
        event = row["payload"]["event"]
        excerpt = event["provenance"].get("excerpt") or ""
        print(f"    REVIEW {row['ref_text']} in 《{row['from_title']}》: {excerpt}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=TODAY)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--misses", type=int, default=10, help="misses to print per measure")
    parser.add_argument("--no-repeals", action="store_true", help="do not list the repeals")
    args = parser.parse_args(argv)
    folders = args.folders or [CORPUS / "lawrefbook", CORPUS / "laws"]
    for folder in folders:
        if not folder.is_dir():
            print(f"{folder}: not found (the real corpus is in ../shared/corpus)")
            continue
        measure(
            folder,
            jobs=args.jobs,
            today=args.today,
            misses=args.misses,
            repeals=not args.no_repeals,
        )


if __name__ == "__main__":
    main()
