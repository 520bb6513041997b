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
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

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
from gazette import catalog  # noqa: E402
from gazette.lifecycle import effective_kind, status_on, timeline  # noqa: E402
from gazette.model import Document, EventKind, TextVersion  # noqa: E402
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
            rows = catalog.fetch_all(
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


def measure(folder: Path, *, jobs: int, today: dt.date, misses: int, repeals: bool) -> None:
    files = markdown_files(folder)
    if not files:
        print(f"{folder}: no Markdown files")
        return
    print(f"== {folder} ({len(files)} files), status on {today.isoformat()}")
    expected = collection(files)
    by_path = {f.path: f for f in expected}
    truth = statuses(expected, today)

    baseline = statistics.median(_parse_only(files) for _ in range(3))
    archive, elapsed, _tmp = _ingest(files, jobs)
    out = Outcome(archive, files)

    def miss(kind: str, facts: FileFacts, detail: str) -> None:
        shown = missed[kind]
        missed[kind] += 1
        if shown < misses:
            print(f"  miss {kind}: {facts.path.name}: {detail}")

    missed: Counter[str] = Counter()
    titles = stated_ok = stated_n = inferred_ok = inferred_n = inferred_marked = 0
    status_ok = status_n = note_ok = note_n = 0
    unknown = 0
    for facts in expected:
        held = out.by_file.get(facts.path)
        if held is None:
            miss("ingest", facts, "not in the archive")
            continue
        top, holder, text = held
        if plain(top.title or "") == facts.title:
            titles += 1
        else:
            miss("title", facts, f"{top.title!r} != {facts.title!r}")
        # Effective date of this file's version.
        got = text.effective if text is not None else None
        if facts.effective is not None:
            if facts.how == "stated":
                stated_n += 1
                if got == facts.effective:
                    stated_ok += 1
                else:
                    miss("effective", facts, f"{got} != {facts.effective} (stated)")
            else:
                inferred_n += 1
                if got == facts.effective:
                    inferred_ok += 1
                    if _inferred(holder, got):
                        inferred_marked += 1
                    else:
                        miss("inferred-mark", facts, f"{got} not marked as inferred")
                else:
                    miss("inferred", facts, f"{got} != {facts.effective} (inferred)")
        # Status of this version on the day.
        want, why = truth[facts.path]
        if want != "unknown" and text is not None:
            status_n += 1
            got_status = status_on(holder, today, version=text)
            if got_status.value.value == "unknown":
                unknown += 1
            if got_status.value.value == want:
                status_ok += 1
            else:
                miss(
                    "status",
                    facts,
                    f"{got_status.value.value} != {want} ({why[:80]});"
                    f" basis {got_status.basis.note or got_status.basis.event}",
                )
        # 题注 lines of 修正 / 修订 / 批准 in the timeline.
        entries = timeline(holder)
        events = {(e.date, e.event.kind) for e in entries if e.event is not None}
        dated = {e.date for e in entries if e.event is not None}
        for day, verb, segment in facts.entries:
            if verb in ("修正", "修订"):
                note_n += 1
                if (day, EventKind.AMENDED) in events:
                    note_ok += 1
                else:
                    miss("题注", facts, f"{verb} {day} not an amendment: {segment[:40]}")
            elif verb == "批准":
                note_n += 1
                if day in dated:
                    note_ok += 1
                else:
                    miss("题注", facts, f"批准 {day} missing: {segment[:40]}")

    # Versions that start before their adoption, anywhere in the archive.
    early = []
    for doc in out.docs.values():
        for holder in (doc, *doc.parts):
            for text in holder.texts:
                if text.adopted and text.effective and text.effective < text.adopted:
                    early.append((holder.title, text.label, text.adopted, text.effective))
    public = len(list(archive.public.ids()))
    total = len(list(archive.internal.ids()))

    print(f"  title exact                       {_pct(titles, len(expected))}")
    print(f"  effective date, stated            {_pct(stated_ok, stated_n)}")
    print(f"  effective date, inferred          {_pct(inferred_ok, inferred_n)}")
    print(f"    of which marked as inferred     {_pct(inferred_marked, inferred_ok)}")
    print(f"  versions starting before adoption {len(early)}")
    for title, label, adopted, effective in early[:misses]:
        print(f"    {title} {label}: adopted {adopted}, effective {effective}")
    print(f"  status on {today.isoformat()}             {_pct(status_ok, status_n)}")
    print(f"    of which unknown                {unknown}")
    print(f"  题注 修正/修订/批准 in timelines   {_pct(note_ok, note_n)}")
    print(f"  documents visible in public view  {_pct(public, total)}")
    rate, base_rate = len(files) / elapsed, len(files) / baseline
    print(
        f"  ingest {rate:7.1f} files/s ({jobs} jobs) | element parser alone, 1 process:"
        f" {base_rate:7.1f} files/s | ratio {rate / base_rate:.2f}"
    )
    _repeals(archive, out, by_path, repeals)
    archive.close()


def _repeals(
    archive: gazette.Archive,
    out: Outcome,
    by_path: dict[Path, FileFacts],
    show: bool,
) -> None:
    """Every repeal recorded, and every possible repeal kept for review, with its sentence."""
    recorded = []
    for doc in out.docs.values():
        for event in doc.events:
            if effective_kind(event) in _REPEAL_KINDS:
                acting = event.acting.title if event.acting else None
                recorded.append((doc.title, event.date, acting, event.provenance.excerpt or ""))
    kinds = {k.value for k in _REPEAL_KINDS} | {"cleanup_outcome"}
    pending = [
        row
        for row in archive.unresolved()
        if row["kind"] == "event" and row["payload"]["event"]["kind"] in kinds
    ]
    print(f"  repeals recorded                  {len(recorded)}")
    print(f"  repeals kept pending (target not held or ambiguous) {len(pending)}")
    if not show:
        return
    for title, date, acting, excerpt in sorted(recorded, key=lambda r: r[1] or dt.date.min):
        print(f"    REPEAL {date} 《{title}》 by 《{acting}》: {excerpt}")
    for row in pending:
        event = row["payload"]["event"]
        print(
            f"    PENDING {event.get('date')} {row['ref_text']} by 《{row['from_title']}》:"
            f" {event['provenance'].get('excerpt') or ''}"
        )


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
