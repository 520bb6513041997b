"""``gazette ocr``: recognise the scans the archive keeps as needing OCR."""

from __future__ import annotations

from typing import Any

import click

from gazette.cli.common import (
    Context,
    emit_json,
    json_option,
    ocr_engine_option,
    stderr_is_terminal,
    use_ocr_engine,
)
from gazette.errors import GazetteError, MissingDependency


@click.command("ocr")
@click.option("--list", "only_list", is_flag=True, help="Only list what waits for OCR.")
@ocr_engine_option
@json_option
@click.pass_obj
def ocr(obj: Context, only_list: bool, ocr_engine: str | None, as_json: bool) -> int:
    """Recognise the scans kept as needing OCR.

    A scan ingested where no OCR engine could run is kept with its pages and metadata but no
    text. Once the [ocr] extra is installed (RapidOCR, or Tesseract with chi_sim), this reads
    each such original from the archive, recognises it (progress per page; pages recognised
    before an interruption are not recognised again), and stores its documents (and its
    gazette issue, split into items). The exit status is 1 if any original could not be
    completed.
    """
    from ingest import gazette_files
    from ingest import ocr as engine

    use_ocr_engine(ocr_engine)
    archive = obj.archive()
    pending = archive.pending_ocr()
    if only_list or not pending:
        if as_json:
            emit_json([{"sha256": s.sha256, "path": s.path} for s in pending])
        else:
            for source in pending:
                click.echo(f"{source.sha256[:12]}  {source.path}")
            click.echo(f"{len(pending)} original(s) wait for OCR")
        return 0
    reason = engine.unavailable()
    if reason is not None:
        raise MissingDependency(
            f"OCR of {len(pending)} waiting original(s) ({reason})", engine.engine_name(), "ocr"
        )
    results: list[dict[str, Any]] = []
    tell = stderr_is_terminal() or not as_json

    def on_page(label: str, done: int, total: int) -> None:
        if tell:
            click.echo(f"OCR {done}/{total} {label}", err=True)

    for source in pending:
        try:
            with engine.cache_in(archive.root), engine.progress_to(on_page):
                submission = gazette_files.scanned(archive.objects.path(source.sha256), source)
            if submission.state == "needs_ocr" and not submission.documents:
                raise GazetteError(f"{source.path}: still unreadable")
            added = archive.complete_pending(submission)
        except GazetteError as exc:
            results.append({"path": source.path, "outcome": "failed", "error": str(exc)})
            continue
        issue = submission.issue.label if submission.issue is not None else None
        results.append(
            {"path": source.path, "outcome": "ingested", "ids": list(added.ids), "issue": issue}
        )
    if as_json:
        emit_json(results)
    else:
        for result in results:
            if result["outcome"] == "failed":
                click.echo(f"failed     {result['error']}")
            else:
                what = f" ({result['issue']})" if result["issue"] else ""
                click.echo(f"recognised {result['path']}{what} -> {', '.join(result['ids'])}")
    return 0 if all(r["outcome"] != "failed" for r in results) else 1


def register(group: click.Group) -> None:
    group.add_command(ocr)
