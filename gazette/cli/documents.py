"""Commands that show documents: ``list``, ``show``, ``status`` (``export`` is in
:mod:`gazette.cli.export_cmd`)."""

from __future__ import annotations

import datetime as _dt

import click

from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.export.rendition import inference_note
from gazette.lifecycle import cite, status_on
from gazette.model import OcrInfo
from gazette.shapes import list_json, show_json, status_json


def ocr_note(ocr: OcrInfo) -> str:
    """How recognised text is marked wherever it is shown."""
    return f"OCR识别文本，未经校对（{ocr.engine}，置信度{ocr.confidence:g}）"


@click.command("list")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most N documents.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip the first N documents.")
@click.option("--all-parts", is_flag=True, help="List attachments as well.")
@view_option
@json_option
@click.pass_obj
def list_(
    obj: Context, limit: int | None, offset: int, all_parts: bool, view: str, as_json: bool
) -> None:
    """List documents in the order the archive first stored them."""
    rows = obj.archive().view(view).list(limit=limit, offset=offset, top_level_only=not all_parts)
    if as_json:
        emit_json(list_json(rows, view))
        return
    for r in rows:
        date = r.written_date.isoformat() if r.written_date else "----------"
        click.echo(f"{r.id:<16} {date}  {r.doc_number or '-':<22} {r.title or '（无标题）'}")


@click.command("show")
@click.argument("ref")
@click.option(
    "--on",
    "on",
    type=DATE,
    default=None,
    help="Show the document as it stood on this date (status and text then).",
)
@click.option("--text", "with_text", is_flag=True, help="Include the full text.")
@view_option
@json_option
@click.pass_obj
def show(
    obj: Context, ref: str, on: _dt.date | None, with_text: bool, view: str, as_json: bool
) -> None:
    """Show a document: REF is an id, a document number in any spelling, or the exact title."""
    doc = obj.archive().view(view).get(ref)
    status = status_on(doc, on)
    data = show_json(doc, view, on=on, with_text=with_text)
    if as_json:
        emit_json(data)
        return
    click.echo(doc.display_title)
    if status.value.marked:
        click.echo(f"【{status.mark()}】")
    for label, key in (
        ("id", "id"),
        ("文号", "doc_number"),
        ("文种", "doc_type"),
        ("成文日期", "written_date"),
        ("发布日期", "published_date"),
        ("施行日期", "effective_date"),
        ("有效期至", "expiry_date"),
        ("印发", "printed_by"),
        ("印发日期", "printed_date"),
    ):
        if data.get(key):
            click.echo(f"  {label}: {data[key]}")
    for label, key in (("发文机关", "issuers"), ("主送", "recipients"), ("抄送", "cc")):
        if data.get(key):
            click.echo(f"  {label}: {'，'.join(data[key])}")
    click.echo(
        f"  公开属性: {doc.disclosure.attribute.label}"
        + (f"（{doc.disclosure.basis}）" if doc.disclosure.basis else "")
    )
    since = f" since {status.since.isoformat()}" if status.since else ""
    click.echo(f"  时效性: {status.label} ({status.value.value}{since}, as of {status.as_of})")
    if status.basis.inferred:
        click.echo(f"  推定: {inference_note(status)}")
    for pub in doc.publications:
        click.echo(f"  刊登: {pub.label}")
    for part in doc.parts:
        click.echo(f"  附件: {part.id} {part.part_label or ''} {part.title or ''}")
    for source in doc.sources:
        for note in source.notes:
            click.echo(f"  注意: {source.path}: {note}")
    version = status.version if on is not None else (status.version or doc.text)
    if version is not None and (version.label or version.adopted):
        click.echo(f"  文本版本: {version.label or version.adopted}")
    elif on is not None and status.version_note:
        click.echo(f"  文本版本: {status.version_note}")
    if version is not None and version.ocr is not None:
        click.echo(f"  文本: {ocr_note(version.ocr)}")
    if with_text:
        click.echo("")
        if version is not None and version.ocr is not None:
            click.echo(f"【{ocr_note(version.ocr)}】")
        click.echo(version.text if version else "（无文本）")


@click.command("status")
@click.argument("ref")
@click.option("--on", "on", type=DATE, default=None, help="The date asked about (default: today).")
@view_option
@json_option
@click.pass_obj
def status(obj: Context, ref: str, on: _dt.date | None, view: str, as_json: bool) -> None:
    """Was a document in force on a date, and on what basis."""
    doc = obj.archive().view(view).get(ref)
    result = status_on(doc, on)
    if as_json:
        emit_json(status_json(doc, view, on=on))
        return
    since = f"，自{result.since.isoformat()}起" if result.since else ""
    click.echo(f"{doc.display_title}")
    click.echo(f"{result.label}（{result.value.value}{since}；截至{result.as_of.isoformat()}）")
    basis = result.basis
    if basis.by_title or basis.by_number:
        click.echo(f"依据：{cite(basis.by_title, basis.by_number)}")
    if basis.source:
        click.echo(f"来源：{basis.source}")
    if basis.note:
        click.echo(f"说明：{basis.note}")
    if basis.inferred:
        click.echo(f"推定：{inference_note(result)}（日期系推定，非文本载明）")
    if result.version is not None and (result.version.label or result.version.adopted):
        click.echo(f"文本：{result.version.label or result.version.adopted}")
    elif result.version_note:
        click.echo(f"文本：{result.version_note}")


def register(group: click.Group) -> None:
    for command in (list_, show, status):
        group.add_command(command)
