"""Commands that show documents: ``list``, ``show``, ``status`` (``export`` is in
:mod:`gazette.cli.export_cmd`)."""

from __future__ import annotations

import datetime as _dt

import click

from gazette import wording
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.export.rendition import inference_note, ocr_note
from gazette.lifecycle import known_version_name, shown_text, status_on
from gazette.phrases import say
from gazette.shapes import list_json, show_json, status_json
from gazette.status import Status, cite

_FIELDS = (
    ("档案编号", "id"),
    ("文号", "doc_number"),
    ("文种", "doc_type"),
    ("成文日期", "written_date"),
    ("发布日期", "published_date"),
    ("施行日期", "effective_date"),
    ("有效期至", "expiry_date"),
    ("印发机关", "printed_by"),
    ("印发日期", "printed_date"),
)
_DATES = {"written_date", "published_date", "effective_date", "expiry_date", "printed_date"}


def _when(status: Status) -> str:
    """``自2019年9月1日起；截至2020年6月1日``: since when, and the day asked about."""
    since = f"自{wording.date(status.since)}起；" if status.since else ""
    return f"{since}截至{wording.date(status.as_of)}"


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
        date = wording.column_date(r.written_date)
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
    for label, key in _FIELDS:
        value = data.get(key)
        if value:
            click.echo(f"  {label}：{wording.date(value) if key in _DATES else value}")
    for label, key in (("发文机关", "issuers"), ("主送", "recipients"), ("抄送", "cc")):
        if data.get(key):
            click.echo(f"  {label}：{'，'.join(data[key])}")
    basis = say(doc.disclosure.basis)
    click.echo(f"  公开属性：{doc.disclosure.attribute.label}" + (f"（{basis}）" if basis else ""))
    click.echo(f"  时效性：{status.label}（{_when(status)}）")
    if status.basis.inferred:
        click.echo(f"  推定：{inference_note(status)}")
    for pub in doc.publications:
        click.echo(f"  刊登：{pub.label_cn}")
    for part in doc.parts:
        click.echo(f"  附件：{part.id} {part.part_label or ''} {part.title or ''}")
    for source in doc.sources:
        for note in source.notes:
            click.echo(f"  注意：{source.path}：{say(note)}")
    version = shown_text(doc, on)
    if named := known_version_name(version):
        click.echo(f"  文本版本：{named}")
    elif on is not None and status.version_note:
        click.echo(f"  文本版本：{status.version_note_cn}")
    if version is not None and version.ocr is not None:
        click.echo(f"  文本：{ocr_note(version.ocr)}")
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
    click.echo(f"{doc.display_title}")
    click.echo(f"{result.label}（{_when(result)}）")
    basis = result.basis
    if basis.by_title or basis.by_number:
        click.echo(f"依据：{cite(basis.by_title, basis.by_number)}")
    if basis.source:
        click.echo(f"来源：{basis.source_cn}")
    if basis.note:
        click.echo(f"说明：{basis.note_cn}")
    if basis.inferred:
        click.echo(f"推定：{inference_note(result)}（日期系推定，非文本载明）")
    if named := known_version_name(result.version):
        click.echo(f"文本：{named}")
    elif result.version_note:
        click.echo(f"文本：{result.version_note_cn}")


def register(group: click.Group) -> None:
    for command in (list_, show, status):
        group.add_command(command)
