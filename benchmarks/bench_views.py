"""What the public view costs: the same reads through ``archive.public`` and ``archive.internal``.

Builds a synthetic archive (N documents with mixed disclosure attributes, a third with an
attachment, some partial with withheld paragraphs, some interpretation links), then times each
read in both views (median of several runs) and prints them side by side with the ratio.
Also times the working-day count against a plain loop over ``chinese_calendar.is_workday``
as the baseline. Run from the project root::

    python benchmarks/bench_views.py [N]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette  # noqa: E402
from benchmarks.timing import median_seconds  # noqa: E402
from gazette import reports  # noqa: E402
from gazette.archive import Submission  # noqa: E402
from gazette.model import (  # noqa: E402
    Block,
    BlockKind,
    Disclosure,
    DisclosureAttribute,
    Document,
    Provenance,
    ProvenanceKind,
    SourceFile,
    TextVersion,
)
from gazette.workdays import WorkdayCalendar  # noqa: E402

ATTRIBUTES = [
    DisclosureAttribute.PROACTIVE,
    DisclosureAttribute.PROACTIVE,
    DisclosureAttribute.PARTIAL,
    DisclosureAttribute.ON_REQUEST,
    DisclosureAttribute.WITHHELD,
    DisclosureAttribute.UNKNOWN,
]
WORDS = ["政务公开", "信息公开", "规范性文件", "政策解读", "行政执法", "公共资源", "营商环境"]


def build(archive: gazette.Archive, folder: Path, count: int, rng: random.Random) -> list[str]:
    docs = []
    for k in range(count):
        attribute = rng.choice(ATTRIBUTES)
        body = [
            Block(f"第{j + 1}条 本条规定{rng.choice(WORDS)}事项，编号{k}-{j}。", BlockKind.ARTICLE)
            for j in range(6)
        ]
        title = f"青川市人民政府关于{rng.choice(WORDS)}第{k}号的意见"
        disclosure = Disclosure(
            attribute,
            reason="测试" if attribute != DisclosureAttribute.PROACTIVE else None,
            withheld_blocks=(2, 3) if attribute == DisclosureAttribute.PARTIAL else (),
            provenance=Provenance(ProvenanceKind.PARSED),
        )
        parts = ()
        if k % 3 == 0:
            parts = (
                Document(
                    title=f"附件{k}",
                    texts=(TextVersion(blocks=(Block(f"附件内容{rng.choice(WORDS)}。"),)),),
                ),
            )
        docs.append(
            Document(
                title=title,
                issuers=("青川市人民政府",),
                written_date=dt.date(2020, 1, 1) + dt.timedelta(days=k % 900),
                texts=(TextVersion(blocks=(Block(title, BlockKind.TITLE), *body)),),
                disclosure=disclosure,
                parts=parts,
            )
        )
    ids: list[str] = []
    for start in range(0, count, 500):
        chunk = docs[start : start + 500]
        path = folder / f"chunk-{start}.txt"
        data = f"chunk {start}".encode()
        path.write_bytes(data)
        source = SourceFile(hashlib.sha256(data).hexdigest(), "txt", str(path), len(data))
        ids.extend(archive.add(Submission(source=source, path=path, documents=chunk)).ids)
    for _ in range(count // 20):
        a, b = rng.sample(ids, 2)
        archive.link_interpretation(a, b)
    return ids


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        archive = gazette.open_archive(root / "archive", actor="bench")
        start = time.perf_counter()
        ids = build(archive, root, count, rng)
        print(f"built {count} documents in {time.perf_counter() - start:.1f} s")
        sample = rng.sample(ids, 100)
        public, internal = archive.public, archive.internal

        def gets(view: gazette.ArchiveView) -> None:
            for doc_id in sample:
                view.find(doc_id)

        rows = [
            ("list()", lambda v: v.list()),
            ("list(all parts)", lambda v: v.list(top_level_only=False)),
            ("find() x100", gets),
            ("search 政务公开", lambda v: v.search("政务公开", limit=20)),
            ("report interpretations", reports.interpretations),
            ("report disclosure", reports.disclosure),
            ("report timeliness", reports.timeliness),
            ("report completeness", reports.completeness),
        ]
        print(f"{'read':<26}{'internal ms':>12}{'public ms':>12}{'public/internal':>17}")
        for name, func in rows:
            t_internal = median_seconds(lambda f=func: f(internal))  # type: ignore[misc]
            t_public = median_seconds(lambda f=func: f(public))  # type: ignore[misc]
            print(
                f"{name:<26}{t_internal * 1000:>12.1f}{t_public * 1000:>12.1f}"
                f"{t_public / t_internal:>17.2f}"
            )
        shown = len(public.list(top_level_only=False))
        every = len(internal.list(top_level_only=False))
        print(f"public view shows {shown} of {every} documents and attachments")
        archive.close()

    import chinese_calendar

    calendar = WorkdayCalendar()
    first, last = dt.date(2005, 1, 1), dt.date(2025, 12, 31)

    def baseline() -> int:
        day, days = first, 0
        while day < last:
            day += dt.timedelta(days=1)
            days += chinese_calendar.is_workday(day)
        return days

    t_base = median_seconds(baseline)
    t_ours = median_seconds(lambda: calendar.count(first, last))
    assert calendar.count(first, last).days == baseline()
    print(
        f"\n{'working days 2005-2025':<26}{'baseline ms':>12}{'ours ms':>12}{'ours/baseline':>17}"
    )
    print(f"{'count()':<26}{t_base * 1000:>12.1f}{t_ours * 1000:>12.1f}{t_ours / t_base:>17.2f}")


if __name__ == "__main__":
    main()
