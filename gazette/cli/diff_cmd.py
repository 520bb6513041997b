"""``gazette diff``: real textual differences between two renditions of a document."""

from __future__ import annotations

from pathlib import Path

import click

from gazette import wording
from gazette.archive.views import ArchiveView
from gazette.cli.common import Context, emit_json, json_option, view_option
from gazette.diff import Comparison, compare
from gazette.errors import InvalidArgument
from gazette.export.bulk import load
from gazette.export.rendition import build
from gazette.model import Document, TextVersion, against_standard, rendition

# An operand: its text, its label in ``--json`` and its label for people.
_Operand = tuple[str, str, str]


def _file_text(path: Path) -> _Operand:
    """The canonical text of a file, read and parsed as ingest would (nothing is stored)."""
    from ingest import exported, stages
    from ingest.readers import read
    from ingest.sniff import sniff

    raw = read(path, sniff(path))
    raw, header = exported.find_header(raw)
    doc, _ = exported.apply(stages.document_from(raw), header)
    return build(doc).body, f"{path} ({raw.format})", f"{path}（{raw.format}）"


def _rendition_text(doc: Document, text: TextVersion) -> _Operand:
    what = "standard" if text.standard else text.origin.value
    label = f"{doc.id} {doc.display_title} [{what} text{f' {text.id}' if text.id else ''}]"
    shown = "标准文本" if text.standard else f"{text.origin.label}文本"
    number = f" {text.id}" if text.id else ""
    return text.text, label, f"{doc.id} {doc.display_title}［{shown}{number}］"


def _operand(reader: ArchiveView, operand: str) -> _Operand:
    path = Path(operand)
    if path.is_file():
        return _file_text(path)
    ref, _, selector = operand.rpartition("@") if "@" in operand else (operand, "", "")
    doc = load(reader, ref)
    if selector:
        return _rendition_text(doc, rendition(doc, selector))
    label = f"{doc.id} {doc.display_title}"
    return build(doc).body, label, label


def _renditions(reader: ArchiveView, ref: str) -> list[tuple[_Operand, _Operand]]:
    """Pairs to compare for one document: each of its renditions against the standard one."""
    doc = load(reader, ref)
    pairs = against_standard(doc.texts)
    if not pairs:
        raise InvalidArgument(f"{doc.id} 只有一种文本", hint="请再给出一个文件、文本或磁盘文件")
    return [(_rendition_text(doc, a), _rendition_text(doc, b)) for a, b in pairs]


def _print(result: Comparison, labels: tuple[str, str], limit: int | None) -> None:
    click.echo(f"--- A：{labels[0]}")
    click.echo(f"+++ B：{labels[1]}")
    if result.identical:
        click.echo("内容相同（不计版式和标点全半角）")
        return
    click.echo(
        f"差异{len(result.differences)}处；相似度{result.ratio:.1%}"
        f"（比较了{result.a_length} / {result.b_length}个字符）"
    )
    shown = result.differences if limit is None else result.differences[:limit]
    for diff in shown:
        kind = wording.name(wording.DIFF_KIND, diff.kind)
        click.echo(f"@@ A {diff.a_at}  B {diff.b_at}  {kind}")
        if diff.a:
            click.echo(f"  - {diff.a.replace(chr(10), '⏎')}")
        if diff.b:
            click.echo(f"  + {diff.b.replace(chr(10), '⏎')}")
        click.echo(f"    {diff.context}")
    if limit is not None and len(result.differences) > limit:
        click.echo(f"……另有{len(result.differences) - limit}处（`--limit 0` 显示全部）")


@click.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="[B]", required=False)
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="Show at most N differences (0: all).",
)
@click.option("--exit-code", is_flag=True, help="Exit with status 1 when the texts differ.")
@view_option
@json_option
@click.pass_obj
def diff(
    obj: Context,
    a: str,
    b: str | None,
    limit: int,
    exit_code: bool,
    view: str,
    as_json: bool,
) -> int:
    """Compare two renditions of a text, ignoring layout and punctuation width.

    \b
    A and B are each a document (REF: id, number or title), one rendition of a document
    (REF@standard, REF@portal, REF@gazette, REF@file, REF@<text id>), or a file (read as
    ingest would read it, without storing it). With A alone, the document's standard text
    is compared with each of its other renditions.

    Differences are reported with their line:column in each text.
    """
    archive = obj.archive()
    reader = archive.view(view)
    pairs = _renditions(reader, a) if b is None else [(_operand(reader, a), _operand(reader, b))]
    results = [
        compare(text_a, text_b, a_label=label_a, b_label=label_b)
        for (text_a, label_a, _), (text_b, label_b, _) in pairs
    ]
    if as_json:
        emit_json(
            {"view": view, "comparisons": [r.as_json() for r in results]}
            if b is None
            else {"view": view, **results[0].as_json()}
        )
    else:
        for k, (result, (a_op, b_op)) in enumerate(zip(results, pairs, strict=True)):
            if k:
                click.echo("")
            _print(result, (a_op[2], b_op[2]), None if limit == 0 else limit)
    differ = any(not r.identical for r in results)
    return 1 if exit_code and differ else 0


def register(group: click.Group) -> None:
    group.add_command(diff)
