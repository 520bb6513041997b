"""``gazette export``: one document, a selection into a folder, or a BagIt package."""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from gazette import wording
from gazette.cli.common import (
    DATE,
    Context,
    emit_json,
    json_option,
    publication_view_option,
    stderr_is_terminal,
)
from gazette.export import FORMATS
from gazette.export.bag import make_bag
from gazette.export.bulk import export_document, export_many, select


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None] | None]:
    if not stderr_is_terminal() or total < 2:
        yield None
        return
    bar: Any = click.progressbar(length=total, label=label, file=sys.stderr)
    with bar:

        def advance(_doc_id: str) -> None:
            bar.update(1)

        yield advance


@click.command("export")
@click.argument("refs", nargs=-1, metavar="[REF]...")
@click.option(
    "--format",
    "formats",
    type=click.Choice(list(FORMATS)),
    multiple=True,
    help="Output format (repeat for several in a folder or a bag). Default: txt.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write one document to; folder for several (default: standard output).",
)
@click.option("--query", default=None, help="Export the documents a full-text search finds.")
@click.option("--all", "everything", is_flag=True, help="Export every document the view shows.")
@click.option(
    "--bag",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write a BagIt package to this new folder (every visible document unless selected).",
)
@click.option("--on", "on", type=DATE, default=None, help="Judge status and text on this date.")
@publication_view_option
@json_option
@click.pass_obj
def export(
    obj: Context,
    refs: tuple[str, ...],
    formats: tuple[str, ...],
    output: Path | None,
    query: str | None,
    everything: bool,
    bag: Path | None,
    on: _dt.date | None,
    view: str,
    as_json: bool,
) -> None:
    """Export standard texts with their status marked.

    \b
    One document:   gazette export REF --format docx -o file.docx
    A selection:    gazette export --query 政务公开 --format txt --format json -o DIR
    A BagIt bag:    gazette export --bag DIR [REF... | --query Q]

    REF is an id, a document number in any spelling, or the exact title. Formats: txt (the
    canonical text; its header states the SHA-256 of the body), md, html, json, docx (GB/T
    9704 layout), akn (Akoma Ntoso 3.0). Every export is written to the archive's log.
    """
    archive = obj.archive()
    reader = archive.view(view)
    formats = formats or ("txt",)
    if bag is not None:
        if output is not None:
            raise click.UsageError("--bag writes its own folder; leave out -o")
        ids = select(reader, refs=refs, query=query, everything=everything or not (refs or query))
        with _progress(len(ids), "打包") as progress:
            report = make_bag(
                archive, bag, ids, view=view, on=on, formats=formats, progress=progress
            )
        if as_json:
            emit_json({"view": view, **report.as_json()})
            return
        click.echo(
            f"已将文件{len(report.documents)}个、原件{len(report.originals)}个打包到"
            f" {report.path}（Payload-Oxum {report.payload_oxum}）"
        )
        if report.withheld_originals:
            click.echo(
                f"{len(report.withheld_originals)}个原件未打包：其中含有{wording.VIEW[view]}"
                "不显示的内容"
            )
        return
    if len(refs) == 1 and query is None and not everything:
        if len(formats) > 1:
            raise click.UsageError("one document is exported in one format at a time")
        fmt = formats[0]
        if output is not None and output.is_dir():
            raise click.UsageError(f"{output} is a folder; give a file name")
        if as_json and output is None:
            raise click.UsageError("--json reports the file written: give -o FILE")
        stdout = sys.stdout.buffer
        if output is None and fmt == "docx" and stdout.isatty():
            raise click.UsageError("docx is a binary format: write it to a file with -o")
        data, record = export_document(archive, refs[0], fmt, view=view, on=on, output=output)
        if as_json:
            emit_json({"view": view, "files": [record.as_json()]})
        elif output is None:
            stdout.write(data)
            stdout.flush()
        else:
            click.echo(f"已写入 {output}（{record.size}字节，SHA-256 {record.sha256}）", err=True)
        return
    if output is None:
        raise click.UsageError("several documents are exported into a folder: give -o DIR")
    if output.exists() and not output.is_dir():
        raise click.UsageError(f"{output} is a file; give a folder for several documents")
    ids = select(reader, refs=refs, query=query, everything=everything)
    with _progress(len(ids), "导出") as progress:
        files = export_many(archive, ids, formats, output, view=view, on=on, progress=progress)
    if as_json:
        emit_json({"view": view, "documents": len(ids), "files": [f.as_json() for f in files]})
        return
    click.echo(f"已将{len(ids)}个文件导出为{len(files)}个文件，存入 {output}")


def register(group: click.Group) -> None:
    group.add_command(export)
