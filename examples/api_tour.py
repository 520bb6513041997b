"""A tour of the Python API on the bundled sample corpus.

Run from the project root: ``python examples/api_tour.py``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import gazette
from ingest import ingest_paths

ROOT = Path(__file__).resolve().parent.parent

with tempfile.TemporaryDirectory() as tmp:
    archive = gazette.open_archive(Path(tmp) / "archive", actor="api-tour")
    report = ingest_paths(archive, [ROOT / "archive_data"], recursive=True, jobs=1)
    print("ingest:", report.summary)

    # Reads name their disclosure view explicitly.
    doc = archive.public.get("青政办发[2021]12号")
    print(doc.title, doc.doc_number, doc.written_date, doc.disclosure.attribute.label)
    for part in doc.parts:
        print("  附件:", part.title)

    status = gazette.status_on(doc, dt.date(2021, 5, 1))
    print("status on 2021-05-01:", status.value.value, status.label)

    number = gazette.DocNumber.parse("青政办发[2021]12号")
    print("canonical number:", number, number.agency, number.year, number.serial)

    hits = archive.public.search("政务公开")
    print("public hits for 政务公开:", hits.total)
    archive.close()
