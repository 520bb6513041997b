"""Policy interpretations on the command line: ``gazette interpretation link|unlink|list``
and ``gazette report interpretations``."""

from __future__ import annotations

import datetime as _dt

import click

from gazette import reports, wording
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.cli.deadline_cmd import calendar_options, warn
from gazette.cli.report_cmd import entry_line
from gazette.interpretation import linked
from gazette.model import InterpretationForm
from gazette.workdays import WorkdayCalendar

_ROLES = {"interpretation": "解读", "policy": "所解读的政策"}


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
    calendar: WorkdayCalendar,
    view: str,
    as_json: bool,
) -> None:
    """Normative policies without an interpretation, and late interpretations."""
    report = reports.interpretations(
        obj.archive().view(view),
        lag=lag,
        since=since,
        calendar=calendar,
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
        click.echo(f"  {entry_line(entry)}")
    click.echo(f"\n解读晚于期限的政策（{len(check.late)}）：")
    for item in check.late:
        click.echo(f"  {entry_line(item.policy)}")
        click.echo(
            f"    ← {item.interpretation.id} {item.interpretation.title}"
            f"（晚{item.lag}个工作日，{item.link.form.label}，"
            f"{wording.name(wording.LINK_METHOD, item.link.method)}）"
        )
        warn(item.warnings)
    click.echo(f"\n按时：{len(check.in_time)}；日期不详：{len(check.undated)}")


def register(group: click.Group) -> None:
    from gazette.cli.report_cmd import report

    group.add_command(interpretation)
    report.add_command(interpretations_report)
