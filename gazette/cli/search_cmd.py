"""``gazette search``: full-text search with filters, facets and paging."""

from __future__ import annotations

import datetime as _dt
import re

import click

from gazette import wording
from gazette.cli.common import DATE, Context, emit_json, json_option, view_option
from gazette.search import SearchResults
from gazette.search.results import STATUS_VALUES
from gazette.shapes import search_json


def _plain(snippet: str) -> str:
    """A snippet for the terminal: matches in 【】, entities decoded."""
    import html

    return html.unescape(re.sub(r"</?em>", lambda m: "】" if "/" in m.group() else "【", snippet))


def _print(results: SearchResults, offset: int) -> None:
    shown = f"，第{offset + 1}–{offset + len(results.hits)}条" if results.hits else ""
    click.echo(f"共{results.total}条结果{shown}")
    for n, hit in enumerate(results.hits, start=offset + 1):
        date = hit.written or hit.published
        click.echo(
            f"{n:>3}. {hit.title or '（无标题）'}  [{hit.doc_number or '-'}]"
            f"  {wording.column_date(date, missing='-')}"
            f"  {wording.name(wording.STATUS, hit.status)}  档案编号 {hit.id}"
            + ("  [OCR]" if hit.ocr else "")
        )
        if hit.snippet:
            click.echo(f"     {_plain(hit.snippet)}")
    for name, counts in results.facets.items():
        if counts:
            shown_values = list(counts.items())[:8]
            if name == "status":
                shown_values = [(wording.name(wording.STATUS, k), v) for k, v in shown_values]
            values = "，".join(f"{k} {v}" for k, v in shown_values)
            click.echo(f"{wording.name(wording.FACET, name)}：{values}")


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--issuer", help="Only documents by this issuer (发文机关).")
@click.option("--type", "doc_type", help="Only this document type (文种), e.g. 通知.")
@click.option("--from", "date_from", type=DATE, help="Dated on or after DATE.")
@click.option("--to", "date_to", type=DATE, help="Dated on or before DATE.")
@click.option(
    "--date-field",
    type=click.Choice(["written", "published"]),
    default="written",
    show_default=True,
    help="Which date --from/--to and --sort date use.",
)
@click.option("--gazette", help="Printed in this gazette, or issue: '[name] 2019年第5期'.")
@click.option("--year", type=click.IntRange(1000, 9999), help="Filed under this year.")
@click.option("--valid-on", type=DATE, help="In force on DATE (status taken on that date).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUS_VALUES),
    help="Status on --valid-on (default today); repeat for several.",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@view_option
@json_option
@click.pass_obj
def search(
    obj: Context,
    query: str,
    issuer: str | None,
    doc_type: str | None,
    date_from: _dt.date | None,
    date_to: _dt.date | None,
    date_field: str,
    gazette: str | None,
    year: int | None,
    valid_on: _dt.date | None,
    statuses: tuple[str, ...],
    sort: str,
    limit: int,
    offset: int,
    view: str,
    as_json: bool,
) -> None:
    """Full-text search.

    All words must match; "quoted phrases" match exactly; OR between words gives either;
    -word excludes; a document number matches in any spelling (济政办发[2017]27号). QUERY may be
    empty when a filter is given.
    """
    results = (
        obj.archive()
        .view(view)
        .search(
            query,
            limit=limit,
            offset=offset,
            sort=sort,
            issuer=issuer,
            doc_type=doc_type,
            date_from=date_from,
            date_to=date_to,
            date_field=date_field,
            gazette=gazette,
            year=year,
            valid_on=valid_on,
            status=statuses,
        )
    )
    if as_json:
        emit_json(search_json(results, view))
        return
    _print(results, offset)


def register(group: click.Group) -> None:
    group.add_command(search)
