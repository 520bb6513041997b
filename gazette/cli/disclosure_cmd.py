"""Disclosure on the command line: ``gazette disclosure set|import|request|history|grounds``
and the reports ``gazette report disclosure|completeness``.

Interpretation links are in :mod:`gazette.cli.interpretation_cmd`, working-day deadlines and
the timeliness report in :mod:`gazette.cli.deadline_cmd`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import click

from gazette import reports, wording
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.cli.report_cmd import entry_line
from gazette.disclosure import DisclosureChange
from gazette.model import DisclosureAttribute, Ground
from gazette.phrases import say


def _change_json(change: DisclosureChange, followed: list[str] | None = None) -> dict[str, Any]:
    data = change.as_json()
    if followed is not None:
        data["followed"] = followed
    return data


# --- gazette disclosure ---------------------------------------------------------------------


@click.group("disclosure")
def disclosure() -> None:
    """Disclosure attributes (公开属性): set, import, record asks, show history."""


@disclosure.command("set")
@click.argument("ref")
@click.argument(
    "attribute",
    type=click.Choice(
        [
            a.value
            for a in (
                DisclosureAttribute.PROACTIVE,
                DisclosureAttribute.ON_REQUEST,
                DisclosureAttribute.WITHHELD,
                DisclosureAttribute.PARTIAL,
            )
        ]
    ),
)
@click.option("--reason", default=None, help="Why (required for on_request, withheld, partial).")
@click.option(
    "--ground",
    "grounds",
    multiple=True,
    metavar="GROUND",
    help="A legal ground of 第十四、十五、十六条 (repeatable; see `gazette disclosure grounds`).",
)
@click.option("--basis", default=None, help="Free-text basis (a decision, its number, a meeting).")
@click.option(
    "--withhold",
    "withheld",
    type=click.IntRange(0),
    multiple=True,
    metavar="N",
    help="For partial: a paragraph (0-based, as `show --json --text` numbers them) to withhold.",
)
@click.option("--on", "decided_on", type=DATE, default=None, help="Date of the decision.")
@click.option("--review-by", type=DATE, default=None, help="When to review a non-disclosure.")
@click.option("--by", default=None, help="Who decided (default: your login name).")
@json_option
@click.pass_obj
def set_(
    obj: Context,
    ref: str,
    attribute: str,
    reason: str | None,
    grounds: tuple[str, ...],
    basis: str | None,
    withheld: tuple[int, ...],
    decided_on: _dt.date | None,
    review_by: _dt.date | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Set a document's disclosure attribute; attachments without their own follow.

    REF is resolved among all documents (this is a write). The change is kept in the document's
    history with its date, reason, grounds, basis and who made it. Setting the same attribute
    again records a review: the next periodic review counts from its date.
    """
    change = obj.archive().set_disclosure(
        ref,
        attribute,
        reason=reason,
        grounds=grounds,
        basis=basis,
        withheld_blocks=withheld,
        decided_on=decided_on,
        review_due=review_by,
        by=by,
    )
    if as_json:
        emit_json(_change_json(change))
        return
    grounds_text = "；".join(g.label for g in change.grounds)
    click.echo(
        f"{change.doc_id}：{change.attribute.label}"
        + (f"，理由：{change.reason}" if change.reason else "")
        + (f"，法定理由：{grounds_text}" if grounds_text else "")
    )


@disclosure.command("import")
@click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
@click.option("--by", default=None, help="Who decided, for rows without a 'by' column.")
@json_option
@click.pass_obj
def import_(obj: Context, csv_path: str, by: str | None, as_json: bool) -> None:
    """Set attributes from a CSV file (all rows or none).

    Columns: ref, attribute, reason, grounds, basis, decided_on, review_due, by (or their
    Chinese names 文件, 公开属性, 理由, 法定理由, 依据, 决定日期, 复核日期, 经办人).
    """
    changes = obj.archive().import_disclosures(csv_path, by=by)
    if as_json:
        emit_json({"imported": len(changes), "changes": [c.as_json() for c in changes]})
        return
    for change in changes:
        click.echo(f"{change.doc_id}：{change.attribute.label}")
    click.echo(f"已从 {csv_path} 导入{len(changes)}行")


@disclosure.command("request")
@click.argument("ref")
@click.option("--on", "on", type=DATE, default=None, help="Day of the application (default today).")
@click.option("--note", default=None, help="A note (the application's number).")
@json_option
@click.pass_obj
def request(obj: Context, ref: str, on: _dt.date | None, note: str | None, as_json: bool) -> None:
    """Record an application for a document (counts toward making it proactive)."""
    archive = obj.archive()
    count = archive.record_request(ref, on=on, note=note)
    doc_id = archive.resolve_id(ref)
    if as_json:
        emit_json({"id": doc_id, "requests": count})
    else:
        click.echo(f"{doc_id}：已被申请{count}次")


@disclosure.command("history")
@click.argument("ref")
@view_option
@json_option
@click.pass_obj
def history(obj: Context, ref: str, view: str, as_json: bool) -> None:
    """Every change of a document's disclosure attribute, oldest first."""
    shown = obj.archive().view(view)
    changes = shown.disclosure_history(ref)
    doc_id = shown.resolve(ref)
    if as_json:
        emit_json({"view": view, "id": doc_id, "history": [c.as_json() for c in changes]})
        return
    for change in changes:
        when = change.effective_date
        grounds = "；".join(g.label for g in change.grounds)
        parts = [
            wording.column_date(when),
            change.attribute.label,
            wording.name(wording.PROVENANCE_KIND, change.how) if change.how else "-",
            f"经办人 {change.changed_by or '-'}",
        ]
        detail = "  ".join(x for x in (change.reason, grounds, say(change.basis)) if x)
        click.echo("  ".join(parts) + (f"  {detail}" if detail else ""))


@disclosure.command("grounds")
@json_option
def grounds(as_json: bool) -> None:
    """The legal grounds for not disclosing (政府信息公开条例 第十四、十五、十六条)."""
    if as_json:
        emit_json([{"value": g.value, "label": g.label} for g in Ground])
        return
    for ground in Ground:
        click.echo(f"{ground.value:<28} {ground.label}")


# --- reports --------------------------------------------------------------------------------


@click.command("disclosure")
@click.option("--as-of", type=DATE, default=None, help="The day the review queue is for.")
@click.option(
    "--review-days",
    type=click.IntRange(1),
    default=None,
    help="Review a non-disclosure this many days after it was decided"
    f" (default: setting disclosure.review_days, else {reports.DEFAULT_REVIEW_DAYS}).",
)
@click.option(
    "--threshold",
    type=click.IntRange(1),
    default=None,
    help="List on-request documents asked for at least this many times"
    f" (default: setting disclosure.request_threshold, else {reports.DEFAULT_REQUEST_THRESHOLD}).",
)
@click.option(
    "--window-days",
    type=click.IntRange(1),
    default=None,
    help="Count only asks within this many days.",
)
@view_option
@json_option
@click.pass_obj
def disclosure_report(
    obj: Context,
    as_of: _dt.date | None,
    review_days: int | None,
    threshold: int | None,
    window_days: int | None,
    view: str,
    as_json: bool,
) -> None:
    """Documents by attribute, documents with none, and the review queue."""
    report = reports.disclosure(
        obj.archive().view(view),
        as_of=as_of,
        review_days=review_days,
        threshold=threshold,
        request_window_days=window_days,
    )
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(f"{wording.VIEW[view]}；截至{wording.date(report.as_of)}")
    for name, counts in (("文件", report.counts), ("附件", report.attachment_counts)):
        shown = "，".join(f"{DisclosureAttribute(k).label} {v}" for k, v in sorted(counts.items()))
        click.echo(f"{name}：{shown or '无'}")
    click.echo(f"\n公开属性未确定（{len(report.unknown)}）：")
    for entry in report.unknown:
        click.echo(f"  {entry_line(entry)}")
    click.echo(f"\n应予复核（{len(report.review_due)}，每{report.review_days}天复核一次）：")
    for item in report.review_due:
        decided = f"{wording.date(item.decided)}决定，" if item.decided else ""
        click.echo(
            f"  {entry_line(item.entry)}\n    {item.attribute.label}，{decided}"
            f"应于{wording.date(item.due)}复核" + (f"：{item.reason}" if item.reason else "")
        )
    click.echo(f"\n被申请至少{report.threshold}次（{len(report.requested)}）：")
    for req in report.requested:
        click.echo(f"  {entry_line(req.entry)}  ×{req.requests}，最近一次{wording.date(req.last)}")


@click.command("completeness")
@view_option
@json_option
@click.pass_obj
def completeness_report(obj: Context, view: str, as_json: bool) -> None:
    """Normative documents never printed in a gazette issue (应登尽登)."""
    report = reports.completeness(obj.archive().view(view))
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(
        f"{wording.VIEW[view]}；规范性文件{report.normative}个，"
        f"从未刊登于政府公报的{len(report.missing)}个"
        f"（档案所收公报共刊登文件{report.printed}个）"
    )
    for entry in report.missing:
        click.echo(f"  {entry_line(entry)}")


def register(group: click.Group) -> None:
    from gazette.cli.report_cmd import report

    group.add_command(disclosure)
    for command in (disclosure_report, completeness_report):
        report.add_command(command)
