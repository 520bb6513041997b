"""``gazette ingest``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from gazette import wording
from gazette.cli.common import (
    Context,
    emit_json,
    json_option,
    ocr_engine_option,
    stderr_is_terminal,
    use_ocr_engine,
)
from gazette.phrases import say

if TYPE_CHECKING:
    from ingest.executors import Executor
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
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where files are read and pages recognised: processes here, or Ray tasks.",
)
@click.option(
    "--ray-address",
    metavar="ADDR",
    default=None,
    help="With --executor ray: the cluster to join (HOST:PORT, ray://HOST:PORT or auto); "
    "without it a local Ray is started (with --jobs CPUs).",
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
    executor: str,
    ray_address: str | None,
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
    and stores nothing partial. With --executor ray, files are read and scanned pages
    recognised as Ray tasks (the pages of an issue spread over the cluster) and stored here as
    with the local executor (install with `pip install 'gazette[ray]'`).
    """
    from ingest.executors import executor_named

    use_ocr_engine(ocr_engine)
    # Reached before the archive is opened: a cluster that cannot be reached stores nothing.
    runner = executor_named(executor, jobs=jobs, address=ray_address)
    try:
        return _ingest(obj, runner, paths, recursive, jobs, include, exclude, as_json)
    finally:
        runner.close()


def _ingest(
    obj: Context,
    runner: Executor,
    paths: tuple[str, ...],
    recursive: bool,
    jobs: int | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    as_json: bool,
) -> int:
    from ingest.ocr import progress_to
    from ingest.pipeline import FileResult, ingest_paths

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
        task = progress_bar.add_task("入库", total=None)

    def on_total(total: int) -> None:
        if progress_bar is not None:
            progress_bar.update(task, total=total)

    def on_result(result: FileResult) -> None:
        if progress_bar is not None:
            progress_bar.advance(task)
            if result.outcome == "failed":
                progress_bar.console.print(f"[red]{_OUTCOME['failed']}[/red] {result.error}")

    def on_ocr(label: str, done: int, total: int) -> None:
        if progress_bar is not None:
            progress_bar.update(task, description=f"OCR {done}/{total} {label}")
            if done == total:
                progress_bar.update(task, description="入库")
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
                executor=runner,
            )
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    if as_json:
        emit_json(report.as_json())
    else:
        for result in report.results:
            outcome = _cell(_OUTCOME.get(result.outcome, result.outcome))
            if result.outcome == "failed":
                if not show_progress:
                    click.echo(f"{outcome}{result.error}")
            elif result.outcome == "skipped":
                click.echo(f"{outcome}{result.error}")
            else:
                ids = ", ".join(result.ids)
                merged = f"（并入 {', '.join(result.merged)}）" if result.merged else ""
                click.echo(f"{outcome}{result.path} -> {ids or '-'}{merged}")
                for note in result.notes:
                    click.echo(f"{_cell('')}说明：{say(note)}")
        if stdout_is_terminal() and report.results:
            from rich.console import Console

            Console().print(summary_table(report))
        summary = report.summary
        click.echo("，".join(f"{_OUTCOME[key]} {summary[key]}" for key in _SUMMARY))
        if report.hidden:
            click.echo(
                f"本批有{report.hidden}个文件在公开视图中不可见（公开属性未确定、依申请公开或"
                "不予公开）：用 `gazette report disclosure --view internal` 查看，用 `gazette"
                " disclosure set` 作出决定；`gazette settings set view.default internal`"
                " 可使命令行默认使用内部视图"
            )
    return 0 if report.ok else 1


_OUTCOME = wording.INGEST_OUTCOME
_SUMMARY = ("ingested", "duplicate", "failed", "skipped")


def _cell(label: str, width: int = 4) -> str:
    """``label`` padded with full-width spaces, so that Chinese columns line up."""
    return label + "\u3000" * (width - len(label))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def summary_table(report: BatchReport) -> Any:
    """The batch by format and outcome, with the reasons of the failures (a rich table)."""
    from rich.table import Table

    table = Table(title="入库汇总", title_justify="left")
    table.add_column("格式")
    for column in ("ingested", "duplicate", "failed"):
        table.add_column(_OUTCOME[column], justify="right")
    table.add_column("合计", justify="right")
    table.add_column("失败原因")
    for row in report.by_format():
        reasons = "，".join(
            f"{wording.name(wording.INGEST_REASON, reason)} {count}"
            for reason, count in row.reasons
        )
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
        "全部",
        str(summary["ingested"]),
        str(summary["duplicate"]),
        str(summary["failed"]),
        str(len(report.results)),
        "",
    )
    return table


def register(group: click.Group) -> None:
    group.add_command(ingest)
