"""``gazette issues`` and ``gazette report gaps``: the gazette issues held, and the gaps."""

from __future__ import annotations

import click

from gazette.cli.common import Context, emit_json, json_option, view_option
from gazette.gazettes import GapReport, find_gaps
from gazette.model import GazetteIssue, IssueItem
from gazette.shapes import issues_json, item_json


def _pages(item: IssueItem) -> str:
    if item.pages is None:
        return ""
    first, last = item.pages
    return f"第{first}页" if first == last else f"第{first}–{last}页"


def _print_issue(issue: GazetteIssue) -> None:
    date = issue.date.isoformat() if issue.date else "----------"
    notes = []
    if issue.page_count:
        notes.append(f"{issue.page_count}页")
    if issue.ocr is not None:
        notes.append(f"OCR识别 置信度{issue.ocr.confidence:g}")
    if issue.needs_ocr:
        notes.append(f"待OCR {len(issue.needs_ocr)}页")
    suffix = f"  ({'，'.join(notes)})" if notes else ""
    click.echo(f"{issue.label}  {date}{suffix}")
    if len(issue.editions) > 1:
        click.echo(
            "  editions: " + ", ".join(f"{e.kind} {(e.source or '-')[:12]}" for e in issue.editions)
        )
    ocr_pages = {page for page, _ in issue.ocr.pages} if issue.ocr else set()
    if not issue.items and issue.needs_ocr:
        click.echo("  （未识别条目：页面需OCR）")
    for item in issue.items:
        section = f"【{item.section}】" if item.section else ""
        number = f" {item.doc_number}" if item.doc_number else ""
        mark = " [OCR]" if item_json(item, ocr_pages)["ocr"] else ""
        click.echo(
            f"  {item.seq:>3} {section}{item.title}{number} {_pages(item)}"
            f"  {item.doc_id or '-'}{mark}"
        )


def _print_gaps(reports: list[GapReport]) -> None:
    if not reports:
        click.echo("no gazette issues in the archive")
    for report in reports:
        span = f"{report.first} – {report.last}" if report.first else ""
        click.echo(f"{report.gazette}: {report.issues} issue(s) {span}")
        if report.complete:
            click.echo("  no gaps, no duplicates")
        if report.missing:
            click.echo(
                "  missing: " + "，".join(f"{y}年第{n}{report.unit}" for y, n in report.missing)
            )
        if report.missing_years:
            click.echo("  years without issues: " + ", ".join(map(str, report.missing_years)))
        if report.missing_at_year_end:
            click.echo(
                "  missing at year end (from totals): "
                + "，".join(f"{y}年第{n}{report.unit}" for y, n in report.missing_at_year_end)
            )
        if report.missing_totals:
            click.echo("  missing totals: " + ", ".join(map(str, report.missing_totals)))
        for dup in report.duplicates:
            click.echo(f"  duplicate: {dup.label} held by {'; '.join(dup.issues)}")
        for dup in report.duplicate_totals:
            click.echo(f"  duplicate total: {dup.label} claimed by {'; '.join(dup.issues)}")
        for dup in report.editions:
            click.echo(
                f"  editions: {dup.label} in {len(dup.issues)} files ({', '.join(dup.issues)})"
            )
        for a, b in report.out_of_order:
            click.echo(f"  totals run backwards: {a} → {b}")


@click.command("issues")
@click.argument("gazette", required=False)
@click.option("--year", type=int, default=None, help="Only issues of this year.")
@click.option("--gaps", is_flag=True, help="Report missing issues and duplicates instead.")
@view_option
@json_option
@click.pass_obj
def issues(
    obj: Context, gazette: str | None, year: int | None, gaps: bool, view: str, as_json: bool
) -> None:
    """List gazette issues with their items (printed page numbers), oldest first.

    GAZETTE limits the list to one gazette (its name with or without 中华人民共和国). Each
    issue is listed once, with the files it arrived in (its editions: digital, scanned, word,
    web). Items from recognised scans are marked [OCR]; issues whose scans could not be
    recognised show the pages that need OCR.
    """
    found = obj.archive().view(view).issues(gazette)
    if year is not None:
        found = [i for i in found if i.number.year == year]
    if gaps:
        reports = find_gaps(found)
        if as_json:
            emit_json([r.as_json() for r in reports])
        else:
            _print_gaps(reports)
        return
    if as_json:
        emit_json(issues_json(found))
        return
    if not found:
        click.echo("no gazette issues" + (f" of {gazette}" if gazette else ""))
    for issue in found:
        _print_issue(issue)


@click.command("gaps")
@click.argument("gazette", required=False)
@view_option
@json_option
@click.pass_obj
def gaps_report(obj: Context, gazette: str | None, view: str, as_json: bool) -> None:
    """Missing gazette issues (by number and by running total) and duplicates."""
    reports = find_gaps(obj.archive().view(view).issues(gazette))
    if as_json:
        emit_json([r.as_json() for r in reports])
    else:
        _print_gaps(reports)


def register(group: click.Group) -> None:
    from gazette.cli.report_cmd import report

    group.add_command(issues)
    report.add_command(gaps_report)
