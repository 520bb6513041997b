"""``gazette ingest``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from gazette.cli.common import (
    Context,
    emit_json,
    json_option,
    ocr_engine_option,
    stderr_is_terminal,
    use_ocr_engine,
)

if TYPE_CHECKING:
    from ingest.pipeline import BatchReport


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-r", "--recursive", is_flag=True, help="Walk folders.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for reading and parsing (default: CPU count, at most 4).",
)
@click.option(
    "--include",
    "include",
    multiple=True,
    metavar="GLOB",
    help="In folders, read only files matching GLOB (name or relative path; repeatable).",
)
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="In folders, leave out files matching GLOB (name or relative path; repeatable).",
)
@ocr_engine_option
@json_option
@click.pass_obj
def ingest(
    obj: Context,
    paths: tuple[str, ...],
    recursive: bool,
    jobs: int | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    ocr_engine: str | None,
    as_json: bool,
) -> int:
    """Ingest documents and gazette issues (text, Markdown, HTML, DOCX, PDF).

    Files already in the archive (same bytes) are reported as duplicates and not read again,
    so an interrupted batch can simply be run again. A file that fails is reported with the
    reason and the batch goes on; the exit status is 1 if any file failed. Files found in a
    folder that are not documents (images, data, a licence, plain text with no trace of an
    official document) are skipped with the reason; name such a file to ingest it anyway.
    The summary counts the documents the public view hides (disclosure attribute unknown, on
    request or withheld). Scanned pages are recognised by OCR (RapidOCR unless --ocr-engine
    or $GAZETTE_OCR_ENGINE says otherwise), with their progress per page; pages recognised
    before an interruption are not recognised again. Ctrl-C stops at once (exit status 130)
    and stores nothing partial.
    """
    from ingest.ocr import progress_to
    from ingest.pipeline import FileResult, ingest_paths

    use_ocr_engine(ocr_engine)
    archive = obj.archive(create=True)
    show_progress = stderr_is_terminal() and not as_json
    progress_bar: Any = None
    task: Any = None
    if show_progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        progress_bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        progress_bar.start()
        task = progress_bar.add_task("ingesting", total=None)

    def on_total(total: int) -> None:
        if progress_bar is not None:
            progress_bar.update(task, total=total)

    def on_result(result: FileResult) -> None:
        if progress_bar is not None:
            progress_bar.advance(task)
            if result.outcome == "failed":
                progress_bar.console.print(f"[red]failed[/red] {result.error}")

    def on_ocr(label: str, done: int, total: int) -> None:
        if progress_bar is not None:
            progress_bar.update(task, description=f"OCR {done}/{total} {label}")
            if done == total:
                progress_bar.update(task, description="ingesting")
        elif not as_json:
            click.echo(f"OCR {done}/{total} {label}", err=True)

    try:
        with progress_to(on_ocr):
            report = ingest_paths(
                archive,
                paths,
                recursive=recursive,
                jobs=jobs,
                progress=on_result,
                on_total=on_total,
                include=include,
                exclude=exclude,
            )
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    if as_json:
        emit_json(report.as_json())
    else:
        for result in report.results:
            ids = ", ".join(result.ids)
            if result.outcome == "failed":
                if not show_progress:
                    click.echo(f"failed     {result.error}")
            elif result.outcome == "skipped":
                click.echo(f"skipped    {result.error}")
            else:
                merged = f" (added to {', '.join(result.merged)})" if result.merged else ""
                click.echo(f"{result.outcome:<10} {result.path} -> {ids or '-'}{merged}")
                for note in result.notes:
                    click.echo(f"{'':<10} note: {note}")
        if stdout_is_terminal() and report.results:
            from rich.console import Console

            Console().print(summary_table(report))
        summary = report.summary
        click.echo(
            f"{summary['ingested']} ingested, {summary['duplicate']} duplicate, "
            f"{summary['failed']} failed, {summary['skipped']} skipped"
        )
        if report.hidden:
            click.echo(
                f"{report.hidden} document(s) of this batch are hidden from the public view"
                " (disclosure attribute unknown, on request or withheld): review them with"
                " `gazette report disclosure --view internal`, decide with `gazette disclosure"
                " set`; `gazette settings set view.default internal` makes the command line"
                " read the internal view by default"
            )
    return 0 if report.ok else 1


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def summary_table(report: BatchReport) -> Any:
    """The batch by format and outcome, with the reasons of the failures (a rich table)."""
    from rich.table import Table

    table = Table(title="ingest summary", title_justify="left")
    table.add_column("format")
    for column in ("ingested", "duplicate", "failed", "total"):
        table.add_column(column, justify="right")
    table.add_column("failures by reason")
    for row in report.by_format():
        reasons = ", ".join(f"{reason} {count}" for reason, count in row.reasons)
        table.add_row(
            row.format,
            str(row.ingested),
            str(row.duplicate),
            str(row.failed),
            str(row.total),
            reasons,
        )
    summary = report.summary
    table.add_section()
    table.add_row(
        "all",
        str(summary["ingested"]),
        str(summary["duplicate"]),
        str(summary["failed"]),
        str(len(report.results)),
        "",
    )
    return table


def register(group: click.Group) -> None:
    group.add_command(ingest)
