"""Working days on the command line: ``gazette deadline``, ``gazette deadlines`` and
``gazette report timeliness``; the calendar options the reports counting working days share."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from typing import Any

import click

from gazette import reports, wording
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.cli.report_cmd import entry_line
from gazette.phrases import say
from gazette.workdays import Deadline, Rule, WorkdayCalendar, document_deadlines

# --- shared options -------------------------------------------------------------------------


def calendar_options(func: Any) -> Any:
    """``--holiday``, ``--workday`` and ``--holidays-file`` (days the user supplies), handed to
    the command as one ``calendar``: the State Council schedule with those days."""

    @functools.wraps(func)
    def command(
        *args: Any,
        holidays: tuple[_dt.date, ...],
        workdays: tuple[_dt.date, ...],
        holidays_file: str | None,
        **kwargs: Any,
    ) -> Any:
        base = WorkdayCalendar.from_file(holidays_file) if holidays_file else WorkdayCalendar()
        return func(*args, calendar=base.with_days(holidays, workdays), **kwargs)

    wrapped: Any = command
    wrapped = click.option(
        "--holidays-file",
        type=click.Path(exists=True, dir_okay=False),
        envvar="GAZETTE_HOLIDAYS",
        default=None,
        help="File of supplied days: 'YYYY-MM-DD [holiday|workday]' a line"
        " (default: $GAZETTE_HOLIDAYS).",
    )(wrapped)
    wrapped = click.option(
        "--workday",
        "workdays",
        type=DATE,
        multiple=True,
        help="A weekend day worked (调休) in a year the calendar does not know (repeatable).",
    )(wrapped)
    wrapped = click.option(
        "--holiday",
        "holidays",
        type=DATE,
        multiple=True,
        help="A day off in a year the calendar does not know (repeatable).",
    )(wrapped)
    return wrapped


def warn(warnings: Iterable[str]) -> None:
    for warning in warnings:
        click.echo(f"警告：{say(warning)}", err=True)


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
    calendar: WorkdayCalendar,
    as_json: bool,
) -> None:
    """The date N working days after DATE (DATE itself not counted).

    Working days follow the State Council holiday schedule with its make-up days; for a year
    the calendar does not know it warns and counts Monday to Friday minus supplied holidays.
    """
    if (days is None) == (rule is None):
        raise click.UsageError("give either N or --rule")
    result = (
        Deadline.statutory(calendar, Rule(rule), start)
        if rule
        else Deadline.compute(calendar, start, days or 0)
    )
    if as_json:
        emit_json(result.as_json())
        return
    warn(result.warnings)
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
    calendar: WorkdayCalendar,
    view: str,
    as_json: bool,
) -> None:
    """The periods a document sets in its text (such as “在本办法公布后30个工作日内…”) with
    their due dates, counted from the document's own dates where the period runs from them."""
    shown = obj.archive().view(view)
    doc = shown.get(ref)
    rows = [d.as_json() for d in document_deadlines(doc, calendar)]
    if as_json:
        emit_json({"view": view, "id": doc.id, "deadlines": rows})
        return
    for row in rows:
        unit = "个工作日" if row["working_days"] else "日"
        due_text = wording.date(row["due"]) if row["due"] else "（起算日不在本文件中）"
        click.echo(f"{row['id']:<16} {row['runs_from']} + {row['days']}{unit} → {due_text}")
        click.echo(f"{'':<16} {row['sentence']}")
        warn(row["warnings"])
    if not rows:
        click.echo("正文中没有以日计的期限")


# --- reports --------------------------------------------------------------------------------


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
    calendar: WorkdayCalendar,
    view: str,
    as_json: bool,
) -> None:
    """Documents published later than their deadline in working days."""
    report = reports.timeliness(
        obj.archive().view(view),
        portal_days=portal_days,
        gazette_days=gazette_days,
        calendar=calendar,
    )
    if as_json:
        emit_json(report.as_json())
        return
    checked = report.on_time + len(report.late)
    click.echo(f"{wording.VIEW[view]}；检查发布{checked}次，逾期{len(report.late)}次")
    for item in report.late:
        click.echo(f"  {entry_line(item.entry)}")
        click.echo(
            f"    {wording.name(wording.CHANNEL, item.channel)}"
            f" {wording.date(item.published)}：用时{item.lag}个工作日"
            f"（应于{wording.date(item.deadline.due)}前，限{item.deadline.days}个工作日）"
        )
    if report.undated:
        click.echo(f"已发布但没有成文日期可供起算：{len(report.undated)}")
    warn(report.warnings)


def register(group: click.Group) -> None:
    from gazette.cli.report_cmd import report

    for command in (deadline, deadlines):
        group.add_command(command)
    report.add_command(timeliness_report)
