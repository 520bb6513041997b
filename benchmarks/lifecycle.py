"""What reading lifecycle events costs, and what the derived status table saves.

Run from the project root: ``python benchmarks/lifecycle.py [--docs N]``.

1. Clause reading on ingest: for every real document available (the laws, the gov.cn bodies,
   the seed, archive_data), the element parser alone (baseline) against the element parser
   plus :func:`ingest.stages.lifecycle`, median of several runs per document.
2. Counting documents by status on a date over an archive of N generated documents: the
   ``status_intervals`` table (what ``gazette report status`` uses) against loading every
   document and replaying its events (baseline).

Figures are printed side by side with their baseline from the same run; no absolute time is
asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette  # noqa: E402
from benchmarks.timing import median_seconds  # noqa: E402
from gazette.archive import tables as catalog  # noqa: E402
from gazette.lifecycle import status_on  # noqa: E402
from gazette.validity import status_counts  # noqa: E402
from ingest import stages  # noqa: E402
from ingest.readers import read  # noqa: E402
from tests.corpus_text import read_html, read_markdown  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def clause_reading(runs: int) -> None:
    files = sorted((CORPUS / "laws").glob("*.md")) + sorted((CORPUS / "govcn").glob("*.body.html"))
    files += sorted((CORPUS / "seed").glob("*.txt")) + sorted(
        (ROOT / "archive_data").rglob("*.txt")
    )
    raws = []
    for path in files:
        if path.suffix == ".md":
            raws.append(read_markdown(path))
        elif path.suffix == ".html":
            raws.append(read_html(path))
        else:
            raws.append(read(path))
    if not raws:
        print("clause reading: no corpus found")
        return
    base, full = [], []
    for raw in raws:
        base.append(median_seconds(lambda raw=raw: stages.parse(raw), runs))
        full.append(median_seconds(lambda raw=raw: stages.lifecycle(stages.parse(raw)), runs))
    ratios = [f / b for b, f in zip(base, full, strict=True)]
    chars = sum(len(raw.text) for raw in raws)
    print(
        f"clause reading over {len(raws)} real documents ({chars} characters), median of {runs} runs"
    )
    print(f"  element parser alone (baseline): {sum(base) * 1000:8.1f} ms total")
    print(f"  parser + lifecycle clauses     : {sum(full) * 1000:8.1f} ms total")
    print(
        f"  ratio per document: median {statistics.median(ratios):.2f}x,"
        f" max {max(ratios):.2f}x; overall {sum(full) / sum(base):.2f}x"
    )


def status_report(n: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = gazette.open_archive(Path(tmp) / "a", actor="bench")
        with archive.transaction() as conn:
            for k in range(n):
                doc_id = f"doc{k:05d}"
                document = gazette.Document(
                    title=f"测试文件{k}", doc_number=f"测发〔2020〕{k + 1}号"
                )
                catalog.insert_document(conn, document, doc_id)
                catalog.set_disclosure(
                    conn, doc_id, gazette.Disclosure("proactive"), changed_by="bench"
                )
                start = dt.date(2015, 1, 1) + dt.timedelta(days=k % 2000)
                prov = gazette.Provenance("parsed", excerpt="…")
                events = [
                    gazette.LifecycleEvent("promulgated", start, prov),
                    gazette.LifecycleEvent("effective", start + dt.timedelta(days=30), prov),
                ]
                if k % 3 == 0:
                    events.append(
                        gazette.LifecycleEvent(
                            "valid_until", start.replace(year=start.year + 5), prov
                        )
                    )
                if k % 7 == 0:
                    events.append(
                        gazette.LifecycleEvent("repealed", start.replace(year=start.year + 3), prov)
                    )
                for event in events:
                    catalog.insert_event(conn, doc_id, event)
                archive.lifecycle.refresh_derived(conn, doc_id)
        on = dt.date(2021, 6, 1)
        view = archive.public

        def replay() -> dict[str, int]:
            counts: dict[str, int] = {}
            for document in view.documents():
                value = status_on(document, on).value.value
                counts[value] = counts.get(value, 0) + 1
            return counts

        def table() -> dict[str, int]:
            return {k.value: v for k, v in status_counts(view, on).items() if v}

        assert replay() == table(), "the derived table disagrees with replaying the events"
        base = median_seconds(replay, runs)
        fast = median_seconds(table, runs)
        archive.close()
    print(f"status counts on {on} over {n} documents, median of {runs} runs")
    print(f"  load + replay every document (baseline): {base * 1000:8.1f} ms")
    print(f"  status_intervals table                 : {fast * 1000:8.1f} ms")
    print(f"  speed-up: {base / fast:.1f}x (same counts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents for the status report")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    args = parser.parse_args()
    clause_reading(args.runs)
    status_report(args.docs, max(1, args.runs // 2))


if __name__ == "__main__":
    main()
