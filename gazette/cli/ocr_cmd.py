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
from gazette.model import PendingOcr
from gazette.phrases import say


@click.command("ocr")
@click.option(
    "--list", "only_list", is_flag=True, help="Only list what waits for OCR (pages, reasons)."
)
@ocr_engine_option
@json_option
@click.pass_obj
def ocr(obj: Context, only_list: bool, ocr_engine: str | None, as_json: bool) -> int:
    """Recognise the pages kept as needing OCR.

    Two kinds of original wait for OCR: a scan ingested where no OCR engine could run (kept
    with its pages and metadata but no text), and a file some pages of which the engine (or
    the process running it) failed on (kept with what was read on its other pages; the
    failed pages are marked with the reason). `--list` names each with its pages and
    reasons. Otherwise, once the [ocr] extra is installed (RapidOCR, or Tesseract with
    chi_sim), this reads each such original from the archive again, recognises the pages
    still unread (progress per page; pages recognised before are not recognised again), and
    stores what it yields: the documents of a scan, and of a file read in part the documents
    read again in place of those read before. The exit status is 1 if any original could not
    be completed.
    """
    from ingest import gazette_files
    from ingest import ocr as engine
    from ingest.pipeline import prepare

    use_ocr_engine(ocr_engine)
    archive = obj.archive()
    pending = archive.ocr_backlog()
    if only_list or not pending:
        if as_json:
            emit_json([_listed(p) for p in pending])
        else:
            for item in pending:
                held = f"（已存{item.documents}件文件）" if item.documents else ""
                click.echo(f"{item.source.sha256[:12]}  {item.source.path}{held}")
                for page, why in item.reasons:
                    click.echo(f"    第{page}页：{why}")
            click.echo(f"{len(pending)}个原件等待OCR识别")
        return 0
    reason = engine.unavailable()
    if reason is not None:
        raise MissingDependency(
            f"{len(pending)}个待识别原件的OCR识别（{say(reason)}）", engine.engine_name(), "ocr"
        )
    results: list[dict[str, Any]] = []
    tell = stderr_is_terminal() or not as_json

    def on_page(label: str, done: int, total: int) -> None:
        if tell:
            click.echo(f"OCR {done}/{total} {label}", err=True)

    for item in pending:
        source = item.source
        try:
            path = archive.objects.path(source.sha256)
            with engine.cache_in(archive.root), engine.progress_to(on_page):
                if item.documents:
                    submission = prepare(path, source)
                else:
                    submission = gazette_files.scanned(path, source)
            still = (
                set(submission.detail.get("needs_ocr", ()))
                if submission.state == "needs_ocr"
                else set()
            )
            if (submission.state == "needs_ocr" and not submission.documents) or (
                item.documents and still >= set(item.pages)
            ):
                raise GazetteError(f"{source.path}：仍无法识别（{_why(submission, item)}）")
            added = archive.complete_pending(submission)
        except GazetteError as exc:
            results.append({"path": source.path, "outcome": "failed", "error": str(exc)})
            continue
        issue = submission.issue.label if submission.issue is not None else None
        results.append(
            {
                "path": source.path,
                "outcome": "ingested",
                "ids": list(added.ids),
                "issue": issue,
                "needs_ocr": sorted(still),
            }
        )
    if as_json:
        emit_json(results)
    else:
        for result in results:
            if result["outcome"] == "failed":
                click.echo(f"失败　　{result['error']}")
            else:
                what = f"（{result['issue']}）" if result["issue"] else ""
                left = (
                    f"；第{'、'.join(map(str, result['needs_ocr']))}页仍待OCR"
                    if result["needs_ocr"]
                    else ""
                )
                click.echo(f"已识别　{result['path']}{what} -> {', '.join(result['ids'])}{left}")
    return 0 if all(r["outcome"] != "failed" for r in results) else 1


def _listed(item: PendingOcr) -> dict[str, Any]:
    return {
        "sha256": item.source.sha256,
        "path": item.source.path,
        "pages": list(item.pages),
        "reasons": [{"page": page, "reason": reason} for page, reason in item.reasons],
        "documents": item.documents,
    }


def _why(submission: Any, item: PendingOcr) -> str:
    """Why pages are still unread: the engine's errors on them, else the recorded reason."""
    failed = [f"第{p.page}页：{p.error}" for p in submission.ocr_pages if p.error is not None]
    if failed:
        return "；".join(failed[:3])
    return submission.detail.get("reason") or "；".join(r for _, r in item.reasons[:1])


def register(group: click.Group) -> None:
    group.add_command(ocr)
