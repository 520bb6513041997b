"""Disclosure, interpretation links, working-day deadlines and their reports.

``gazette disclosure set|import|request|history|grounds``, ``gazette interpretation
link|unlink|list``, ``gazette deadline``, ``gazette deadlines`` and the reports
``gazette report interpretations|disclosure|timeliness|completeness``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

import click

from gazette import reports, wording
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.disclosure import DisclosureChange
from gazette.interpretation import Entry, linked
from gazette.model import DisclosureAttribute, Ground, InterpretationForm
from gazette.phrases import say
from gazette.workdays import (
    Deadline,
    Rule,
    WorkdayCalendar,
    document_deadlines,
)

# --- shared options -------------------------------------------------------------------------


def calendar_options(func: Any) -> Any:
    """``--holiday``, ``--workday`` and ``--holidays-file``: days the user supplies."""
    func = click.option(
        "--holidays-file",
        type=click.Path(exists=True, dir_okay=False),
        envvar="GAZETTE_HOLIDAYS",
        default=None,
        help="File of supplied days: 'YYYY-MM-DD [holiday|workday]' a line"
        " (default: $GAZETTE_HOLIDAYS).",
    )(func)
    func = click.option(
        "--workday",
        "workdays",
        type=DATE,
        multiple=True,
        help="A weekend day worked (调休) in a year the calendar does not know (repeatable).",
    )(func)
    func = click.option(
        "--holiday",
        "holidays",
        type=DATE,
        multiple=True,
        help="A day off in a year the calendar does not know (repeatable).",
    )(func)
    return func


def _calendar(
    holidays: Iterable[_dt.date], workdays: Iterable[_dt.date], holidays_file: str | None
) -> WorkdayCalendar:
    base = WorkdayCalendar.from_file(holidays_file) if holidays_file else WorkdayCalendar()
    return base.with_days(holidays, workdays)


def _warn(warnings: Iterable[str]) -> None:
    for warning in warnings:
        click.echo(f"警告：{say(warning)}", err=True)


_ROLES = {"interpretation": "解读", "policy": "所解读的政策"}


def _entry_line(entry: Entry) -> str:
    date = wording.column_date(entry.written)
    return f"{entry.id:<16} {date}  {entry.doc_number or '-':<22} {entry.title or '（无标题）'}"


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


# --- gazette interpretation -----------------------------------------------------------------


@click.group("interpretation")
def interpretation() -> None:
    """Links between policies and their interpretations (政策解读)."""


@interpretation.command("link")
@click.argument("policy")
@click.argument("interpretation_ref", metavar="INTERPRETATION")
@click.option(
    "--form",
    type=click.Choice([f.value for f in InterpretationForm]),
    default=InterpretationForm.TEXT.value,
    show_default=True,
    help="文字解读 (text), 图解 (graphic), 音视频 (media), 专家解读 (expert), 答记者问 (press).",
)
@click.option("--evidence", default=None, help="Why the two belong together.")
@click.option("--by", default=None, help="Who made the link (default: your login name).")
@json_option
@click.pass_obj
def link(
    obj: Context,
    policy: str,
    interpretation_ref: str,
    form: str,
    evidence: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Link an interpretation to its policy by hand."""
    made = obj.archive().link_interpretation(
        policy, interpretation_ref, form=form, evidence=evidence, by=by
    )
    if as_json:
        emit_json(
            {
                "policy_id": made.policy_id,
                "interpretation_id": made.interpretation_id,
                "form": made.form.value,
                "method": made.method,
            }
        )
    else:
        click.echo(f"已关联：{made.interpretation_id} 解读 {made.policy_id}（{made.form.label}）")


@interpretation.command("unlink")
@click.argument("policy")
@click.argument("interpretation_ref", metavar="INTERPRETATION")
@click.option("--by", default=None, help="Who removed the link (default: your login name).")
@json_option
@click.pass_obj
def unlink(
    obj: Context, policy: str, interpretation_ref: str, by: str | None, as_json: bool
) -> None:
    """Remove a link by hand; it is never inferred again."""
    archive = obj.archive()
    removed = archive.unlink_interpretation(policy, interpretation_ref, by=by)
    if as_json:
        emit_json({"removed": removed})
    else:
        click.echo("已解除关联" if removed else "没有现存的关联；已记录，今后不再推断")


@interpretation.command("list")
@click.argument("ref")
@view_option
@json_option
@click.pass_obj
def list_links(obj: Context, ref: str, view: str, as_json: bool) -> None:
    """The interpretations of a policy, or the policies an interpretation explains."""
    shown = obj.archive().view(view)
    doc = shown.get(ref)
    rows = [item.as_json() for item in linked(doc, lambda other: shown.get(other).title)]
    if as_json:
        emit_json({"view": view, "id": doc.id, "links": rows})
        return
    for row in rows:
        role = _ROLES[row["role"]]
        form = wording.name(wording.INTERPRETATION_FORM, row["form"])
        method = wording.name(wording.LINK_METHOD, row["method"])
        click.echo(f"{role}  {row['id']:<16} {form}  {row['title']}")
        evidence = f"：{row['evidence']}" if row["evidence"] else ""
        click.echo(f"{'':<8}{method}{evidence}")


# --- deadlines ------------------------------------------------------------------------------


@click.command("deadline")
@click.argument("start", metavar="DATE", type=DATE)
@click.argument("days", metavar="N", type=click.IntRange(0), required=False)
@click.option(
    "--rule",
    type=click.Choice([r.value for r in Rule]),
    default=None,
    help="A statutory period instead of N: proactive (第二十六条, 20), reply (第三十三条, 20),"
    " reply_extended (40), completion (第三十条, 7).",
)
@calendar_options
@json_option
def deadline(
    start: _dt.date,
    days: int | None,
    rule: str | None,
    holidays: tuple[_dt.date, ...],
    workdays: tuple[_dt.date, ...],
    holidays_file: str | None,
    as_json: bool,
) -> None:
    """The date N working days after DATE (DATE itself not counted).

    Working days follow the State Council holiday schedule with its make-up days; for a year
    the calendar does not know it warns and counts Monday to Friday minus supplied holidays.
    """
    if (days is None) == (rule is None):
        raise click.UsageError("give either N or --rule")
    calendar = _calendar(holidays, workdays, holidays_file)
    result = (
        Deadline.statutory(calendar, Rule(rule), start)
        if rule
        else Deadline.compute(calendar, start, days or 0)
    )
    if as_json:
        emit_json(result.as_json())
        return
    _warn(result.warnings)
    basis = f"（{result.basis}）" if result.basis else ""
    click.echo(
        f"{result.due.isoformat()}  {wording.date(result.due)}  {result.days}个工作日{basis}"
    )


@click.command("deadlines")
@click.argument("ref")
@calendar_options
@view_option
@json_option
@click.pass_obj
def deadlines(
    obj: Context,
    ref: str,
    holidays: tuple[_dt.date, ...],
    workdays: tuple[_dt.date, ...],
    holidays_file: str | None,
    view: str,
    as_json: bool,
) -> None:
    """The periods a document sets in its text (such as “在本办法公布后30个工作日内…”) with
    their due dates, counted from the document's own dates where the period runs from them."""
    shown = obj.archive().view(view)
    doc = shown.get(ref)
    calendar = _calendar(holidays, workdays, holidays_file)
    rows = [d.as_json() for d in document_deadlines(doc, calendar)]
    if as_json:
        emit_json({"view": view, "id": doc.id, "deadlines": rows})
        return
    for row in rows:
        unit = "个工作日" if row["working_days"] else "日"
        due_text = wording.date(row["due"]) if row["due"] else "（起算日不在本文件中）"
        click.echo(f"{row['id']:<16} {row['runs_from']} + {row['days']}{unit} → {due_text}")
        click.echo(f"{'':<16} {row['sentence']}")
        _warn(row["warnings"])
    if not rows:
        click.echo("正文中没有以日计的期限")


# --- reports --------------------------------------------------------------------------------


@click.command("interpretations")
@click.option(
    "--lag",
    type=click.IntRange(0),
    default=None,
    help="Working days an interpretation may come after its policy"
    " (default: setting interpretation.lag_days, else 0).",
)
@click.option("--since", type=DATE, default=None, help="Only policies dated on or after this day.")
@calendar_options
@view_option
@json_option
@click.pass_obj
def interpretations_report(
    obj: Context,
    lag: int | None,
    since: _dt.date | None,
    holidays: tuple[_dt.date, ...],
    workdays: tuple[_dt.date, ...],
    holidays_file: str | None,
    view: str,
    as_json: bool,
) -> None:
    """Normative policies without an interpretation, and late interpretations."""
    report = reports.interpretations(
        obj.archive().view(view),
        lag=lag,
        since=since,
        calendar=_calendar(holidays, workdays, holidays_file),
    )
    if as_json:
        emit_json(report.as_json())
        return
    check = report.check
    click.echo(
        f"{wording.VIEW[view]}；解读关联{report.linked}个；解读可晚于政策{check.lag}个工作日"
    )
    click.echo(f"\n没有解读的政策（{len(check.missing)}）：")
    for entry in check.missing:
        click.echo(f"  {_entry_line(entry)}")
    click.echo(f"\n解读晚于期限的政策（{len(check.late)}）：")
    for item in check.late:
        click.echo(f"  {_entry_line(item.policy)}")
        click.echo(
            f"    ← {item.interpretation.id} {item.interpretation.title}"
            f"（晚{item.lag}个工作日，{item.link.form.label}，"
            f"{wording.name(wording.LINK_METHOD, item.link.method)}）"
        )
        _warn(item.warnings)
    click.echo(f"\n按时：{len(check.in_time)}；日期不详：{len(check.undated)}")


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
        click.echo(f"  {_entry_line(entry)}")
    click.echo(f"\n应予复核（{len(report.review_due)}，每{report.review_days}天复核一次）：")
    for item in report.review_due:
        decided = f"{wording.date(item.decided)}决定，" if item.decided else ""
        click.echo(
            f"  {_entry_line(item.entry)}\n    {item.attribute.label}，{decided}"
            f"应于{wording.date(item.due)}复核" + (f"：{item.reason}" if item.reason else "")
        )
    click.echo(f"\n被申请至少{report.threshold}次（{len(report.requested)}）：")
    for req in report.requested:
        click.echo(f"  {_entry_line(req.entry)}  ×{req.requests}，最近一次{wording.date(req.last)}")


@click.command("timeliness")
@click.option(
    "--portal-days",
    type=click.IntRange(0),
    default=None,
    help="Working days allowed from writing to portal publication"
    f" (default: setting timeliness.portal_days, else {Rule.PROACTIVE.days}, 第二十六条).",
)
@click.option(
    "--gazette-days",
    type=click.IntRange(0),
    default=None,
    help="Working days allowed from writing to printing in a gazette"
    f" (default: setting timeliness.gazette_days, else {Rule.PROACTIVE.days}).",
)
@calendar_options
@view_option
@json_option
@click.pass_obj
def timeliness_report(
    obj: Context,
    portal_days: int | None,
    gazette_days: int | None,
    holidays: tuple[_dt.date, ...],
    workdays: tuple[_dt.date, ...],
    holidays_file: str | None,
    view: str,
    as_json: bool,
) -> None:
    """Documents published later than their deadline in working days."""
    report = reports.timeliness(
        obj.archive().view(view),
        portal_days=portal_days,
        gazette_days=gazette_days,
        calendar=_calendar(holidays, workdays, holidays_file),
    )
    if as_json:
        emit_json(report.as_json())
        return
    checked = report.on_time + len(report.late)
    click.echo(f"{wording.VIEW[view]}；检查发布{checked}次，逾期{len(report.late)}次")
    for item in report.late:
        click.echo(f"  {_entry_line(item.entry)}")
        click.echo(
            f"    {wording.name(wording.CHANNEL, item.channel)}"
            f" {wording.date(item.published)}：用时{item.lag}个工作日"
            f"（应于{wording.date(item.deadline.due)}前，限{item.deadline.days}个工作日）"
        )
    if report.undated:
        click.echo(f"已发布但没有成文日期可供起算：{len(report.undated)}")
    _warn(report.warnings)


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
        click.echo(f"  {_entry_line(entry)}")


def register(group: click.Group) -> None:
    from gazette.cli.report_cmd import report

    for command in (disclosure, interpretation, deadline, deadlines):
        group.add_command(command)
    for command in (
        interpretations_report,
        disclosure_report,
        timeliness_report,
        completeness_report,
    ):
        report.add_command(command)
