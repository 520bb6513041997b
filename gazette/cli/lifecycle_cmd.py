"""Validity over time on the command line.

``gazette timeline REF`` — events and text versions in order, with the status intervals;
``gazette event add REF …`` / ``gazette event remove ID`` — manual events and corrections;
``gazette cleanup import LIST.csv`` — a cleanup list (清理结果);
``gazette settings`` — the archive's local rules (e.g. 暂行/试行 validity);
``gazette report expiring|status|unresolved`` — the validity reports.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

import click

from gazette import wording
from gazette.cleanup import outcome_of, read_cleanup_csv
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.cli.report_cmd import report
from gazette.dates import MAX_SPAN_DAYS, days_after, span_days
from gazette.export.json_format import event_dict, status_dict
from gazette.lifecycle import event_by_id, start_inferred, status_intervals, status_on, version_name
from gazette.model import CleanupOutcome, DocRef, EventKind, LifecycleEvent, Provenance
from gazette.phrases import provenance, say
from gazette.references import ref_from_text
from gazette.settings import SETTINGS
from gazette.settings import parse as parse_setting
from gazette.shapes import timeline_json, unresolved_json
from gazette.status import StatusValue, cite
from gazette.timeline import timeline
from gazette.validity import expiring, status_counts


def _setting_value(value: object) -> str:
    """A setting's value as ``gazette settings`` shows it."""
    if value is None:
        return "未设置"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and value in wording.VIEW:
        return f"{wording.VIEW[value]}（`{value}`）"
    return str(value)


def provenance_source(source: str | None) -> str | None:
    """Where a pending reference was imported from: ``list.csv 第3行``."""
    found = re.fullmatch(r"(.+) line (\d+)", source or "")
    return f"{found[1]} 第{found[2]}行" if found else source


# --- timeline ---------------------------------------------------------------------------------


@click.command("timeline")
@click.argument("ref")
@view_option
@json_option
@click.pass_obj
def timeline_(obj: Context, ref: str, view: str, as_json: bool) -> None:
    """Show a document's events and text versions in date order, and its status periods."""
    doc = obj.archive().view(view).get(ref)
    if as_json:
        emit_json(timeline_json(doc))
        return
    click.echo(doc.display_title + (f"（{doc.doc_number}）" if doc.doc_number else ""))
    for entry in timeline(doc):
        date = wording.column_date(entry.date, missing=wording.NO_DATE)
        if entry.event is not None:
            event = entry.event
            what = event.kind.label
            if event.outcome is not None:
                what += f"：{event.outcome.label}"
            if event.articles:
                what += " " + "、".join(event.articles)
            acting = event.acting
            by = (
                f"，依据{cite(acting.title, str(acting.number) if acting.number else None)}"
                if (acting and (acting.title or acting.number))
                else ""
            )
            note = f"（{say(event.note)}）" if event.note else ""
            click.echo(f"  {date}  #{event.id:<5} {what}{by}{note}")
            source = provenance(event)
            if source:
                click.echo(f"              {source}")
        elif entry.version is not None:
            if entry.date is None:
                click.echo("  收存的文本（日期不详）")
            else:
                guessed = "（施行日期系推定）" if start_inferred(doc, entry.version) else ""
                click.echo(f"  {date}  文本版本 {version_name(entry.version)}{guessed}")
    click.echo("时效变化：")
    for value, start, end in status_intervals(doc):
        first = "…" if start == _dt.date.min else start.isoformat()
        last = end.isoformat() if end else "…"
        click.echo(f"  {wording.span(first, last)}  {value.label}")


# --- manual events -------------------------------------------------------------------------------

_KINDS = [k.value for k in EventKind]
_OUTCOMES = [o.value for o in CleanupOutcome]


@click.group("event")
def event() -> None:
    """Enter lifecycle events by hand, or withdraw one recorded in error."""


@event.command("add")
@click.argument("ref")
@click.option("--kind", type=click.Choice(_KINDS), required=True, help="What happened.")
@click.option("--date", "date", type=DATE, default=None, help="When it takes effect.")
@click.option("--undated", is_flag=True, help="The date is not known (say so explicitly).")
@click.option(
    "--outcome",
    default=None,
    help="For cleanup_outcome: continue, amend, repeal, declare_invalid, partially_invalid"
    " (or 继续有效, 修改, 废止, 宣布失效, 部分条款失效).",
)
@click.option("--by", "acting", default=None, help="The acting document: REF, title or number.")
@click.option("--articles", default=None, help="Affected articles, e.g. 第三条,第五条.")
@click.option("--note", default=None, help="A note kept with the event.")
@click.option("--who", default=None, help="Who enters it (default: the login name).")
@json_option
@click.pass_obj
def event_add(
    obj: Context,
    ref: str,
    kind: str,
    date: _dt.date | None,
    undated: bool,
    outcome: str | None,
    acting: str | None,
    articles: str | None,
    note: str | None,
    who: str | None,
    as_json: bool,
) -> None:
    """Record an event on the document REF (and the attachments issued under its number)."""
    if (date is None) != undated:
        raise click.UsageError("give --date DATE, or --undated when the date is not known")
    parsed_outcome = None
    if outcome is not None:
        parsed_outcome = outcome_of(outcome)
        if parsed_outcome is None:
            raise click.BadParameter(
                f"{outcome!r} is not a cleanup outcome", param_hint="--outcome"
            )
    if (parsed_outcome is not None) != (kind == EventKind.CLEANUP_OUTCOME.value):
        raise click.UsageError("--outcome goes with --kind cleanup_outcome, and only with it")
    archive = obj.archive()
    acting_ref: DocRef | None = None
    if acting:
        acting_ref = ref_from_text(acting) or DocRef(acting, acting)
    new = LifecycleEvent(
        kind=kind,
        date=date,
        outcome=parsed_outcome,
        acting=acting_ref,
        articles=re.split(r"[,，、\s]+", articles) if articles else (),
        note=note,
        provenance=Provenance("manual", by=who),
    )
    event_id = archive.record_event(ref, new, action="event_add")
    doc = archive.internal.get(ref)
    recorded = event_by_id(doc, event_id)
    status = status_on(doc)
    if as_json:
        emit_json({"id": doc.id, "event": event_dict(recorded), "status": status_dict(status)})
        return
    click.echo(f"已为 {doc.id} 录入事件 #{event_id}：{recorded.kind.label}，{wording.date(date)}")
    click.echo(f"今日时效性：{status.label}")


@event.command("remove")
@click.argument("event_id", type=int)
@click.option("--reason", required=True, help="Why the event is withdrawn (kept in the log).")
@json_option
@click.pass_obj
def event_remove(obj: Context, event_id: int, reason: str, as_json: bool) -> None:
    """Withdraw an event recorded in error (the log keeps it and the reason)."""
    removed = obj.archive().remove_event(event_id, reason=reason)
    if as_json:
        emit_json({"removed": event_dict(removed), "reason": reason})
        return
    click.echo(f"已撤销事件 #{event_id}（{removed.kind.label}，{wording.date(removed.date)}）")


# --- cleanup lists ------------------------------------------------------------------------------


@click.group("cleanup")
def cleanup() -> None:
    """Cleanup results (清理结果): import a list of documents per outcome."""


@cleanup.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "acting", default=None, help="The cleanup notice: REF, title or number.")
@click.option("--date", "date", type=DATE, default=None, help="Date of rows without one.")
@click.option("--outcome", default=None, help="Outcome of rows without one (e.g. 废止).")
@click.option("--name", default=None, help="Name the list is kept under (default: file name).")
@json_option
@click.pass_obj
def cleanup_import(
    obj: Context,
    path: Path,
    acting: str | None,
    date: _dt.date | None,
    outcome: str | None,
    name: str | None,
    as_json: bool,
) -> None:
    """Import a cleanup list (CSV: 文件名称, 文号, 清理结果, 日期 …); all rows or none."""
    default_outcome = None
    if outcome is not None:
        default_outcome = outcome_of(outcome)
        if default_outcome is None:
            raise click.BadParameter(
                f"{outcome!r} is not a cleanup outcome", param_hint="--outcome"
            )
    rows = read_cleanup_csv(path, name=name, outcome=default_outcome, date=date)
    result = obj.archive().import_cleanup(rows, list_name=name or path.name, acting=acting)
    data = {"rows": result.rows, "applied": result.applied, "pending": result.pending}
    if as_json:
        emit_json(data)
        return
    click.echo(
        f"共{result.rows}行：已记录{result.applied}行，{result.pending}行待解析"
        "（见 `gazette report unresolved`）"
    )


# --- settings ---------------------------------------------------------------------------------


@click.group("settings", invoke_without_command=True)
@json_option
@click.pass_context
def settings(ctx: click.Context, as_json: bool) -> None:
    """Show the archive's settings (local rules such as 暂行/试行 validity)."""
    if ctx.invoked_subcommand is not None:
        return
    values = ctx.obj.archive().settings()
    if as_json:
        emit_json({name: {"value": values[name], "help": s.help} for name, s in SETTINGS.items()})
        return
    for name in SETTINGS:
        click.echo(f"{name} = {_setting_value(values[name])}")
        click.echo(f"    {wording.SETTING[name]}")


def _settings_epilog() -> str:
    lines = ["\b", "Settings:"]
    for name, setting in SETTINGS.items():
        choices = f" [{'|'.join(setting.choices)}]" if setting.choices else ""
        lines.append(f"  {name}{choices}: {setting.help}")
    return "\n".join(lines)


@settings.command("set", epilog=_settings_epilog())
@click.argument("name")
@click.argument("value")
@click.pass_obj
def settings_set(obj: Context, name: str, value: str) -> None:
    """Set NAME to VALUE and re-derive what depends on it (see the list below)."""
    changed = obj.archive().set_setting(name, parse_setting(name, value))
    click.echo(f"已设置 {name}；重新推导了{changed}个文件")


@settings.command("unset", epilog=_settings_epilog())
@click.argument("name")
@click.pass_obj
def settings_unset(obj: Context, name: str) -> None:
    """Unset NAME (back to off) and re-derive what depends on it."""
    changed = obj.archive().set_setting(name, None)
    click.echo(f"已取消设置 {name}；重新推导了{changed}个文件")


# --- reports ------------------------------------------------------------------------------------


class Within(click.ParamType):
    """A span of days: ``180d``, ``6m`` (30-day months), ``1y`` (365 days) or ``180``."""

    name = "SPAN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([dmy]?)\s*", str(value).lower())
        if match is None:
            self.fail(f"{value!r} is not a span (use 180d, 6m or 1y)", param, ctx)
        days = span_days(int(match[1]), match[2] or "d")
        if days > MAX_SPAN_DAYS:
            self.fail(
                f"{value!r} is longer than the calendar ({MAX_SPAN_DAYS} days at most)", param, ctx
            )
        return days


@click.command("expiring")
@click.option("--within", type=Within(), default="180d", show_default=True, help="How far ahead.")
@click.option("--on", "on", type=DATE, default=None, help="Report date (default: today).")
@click.option("--all-parts", is_flag=True, help="List attachments as well.")
@view_option
@json_option
@click.pass_obj
def report_expiring(
    obj: Context, within: int, on: _dt.date | None, all_parts: bool, view: str, as_json: bool
) -> None:
    """Documents in force whose validity period ends soon (their evaluation is due)."""
    on = on or _dt.date.today()
    found = expiring(obj.archive().view(view), on, within, top_level_only=not all_parts)
    if as_json:
        emit_json(
            {
                "on": on.isoformat(),
                "within_days": within,
                "view": view,
                "documents": [
                    {
                        "id": item.id,
                        "title": item.title,
                        "doc_number": item.doc_number,
                        "valid_until": item.valid_until.isoformat(),
                        "days_left": item.days_left,
                        "evaluation_due": item.evaluation_due.isoformat(),
                        "status": item.status.value.value,
                        "source": item.source,
                    }
                    for item in found
                ],
            }
        )
        return
    if not found:
        last = days_after(on, within)
        click.echo(f"{wording.date(on)}至{wording.date(last)}之间没有文件的有效期届满")
        return
    for item in found:
        click.echo(
            f"{item.valid_until}  （剩{item.days_left:>4}天，{item.evaluation_due}前评估）"
            f"  {item.id}  {item.doc_number or '-'}  {item.title or '（无标题）'}"
        )


@click.command("status")
@click.option("--on", "on", type=DATE, default=None, help="The date (default: today).")
@click.option("--all-parts", is_flag=True, help="Count attachments as well.")
@view_option
@json_option
@click.pass_obj
def report_status(
    obj: Context, on: _dt.date | None, all_parts: bool, view: str, as_json: bool
) -> None:
    """Count documents by their status on a date."""
    on = on or _dt.date.today()
    counts = status_counts(obj.archive().view(view), on, top_level_only=not all_parts)
    if as_json:
        emit_json(
            {
                "on": on.isoformat(),
                "view": view,
                "counts": {value.value: n for value, n in counts.items()},
                "total": sum(counts.values()),
            }
        )
        return
    for value in StatusValue:
        click.echo(f"{value.label}：{counts[value]}")
    click.echo(f"合计：{sum(counts.values())}")


@click.command("unresolved")
@view_option
@json_option
@click.pass_obj
def report_unresolved(obj: Context, view: str, as_json: bool) -> None:
    """References kept pending: to documents the archive does not hold, cannot tell apart, or
    holds only as a later act of that title; and possible repeals kept for a person's review
    (state "review": a clause that comes close to repealing a document without fitting the
    grammar of a repeal; never applied)."""
    items = unresolved_json(obj.archive().unresolved(view))
    if as_json:
        emit_json({"view": view, "unresolved": items})
        return
    if not items:
        click.echo("没有待解析的引用")
        return
    for item in items:
        if item["event"]:
            what = wording.name(wording.EVENT_KIND, item["event"])
        else:
            what = wording.name(wording.REFERENCE_KIND, item["kind"])
        if item["outcome"]:
            what += f"：{wording.name(wording.CLEANUP_OUTCOME, item['outcome'])}"
        if item["date"]:
            what += f"，自{wording.date(item['date'])}起"
        state = "review" if item["kind"] == "review" else item["state"]
        label = wording.name(wording.REFERENCE_STATE, state)
        origin = item["from"] or provenance_source(item["source"]) or "-"
        extra = f"  候选：{', '.join(item['candidates'])}" if item["candidates"] else ""
        click.echo(f"{label}  {item['ref']}  ← {what}，来自 {origin}{extra}")
        if item["reason"]:
            click.echo(f"      {say(item['reason'])}")
        if item["kind"] == "review" and item["sentence"]:
            click.echo(f"      可能的废止，待人工复核：{item['sentence']}")


def register(group: click.Group) -> None:
    for command in (timeline_, event, cleanup, settings):
        group.add_command(command)
    for command in (report_expiring, report_status, report_unresolved):
        report.add_command(command)
