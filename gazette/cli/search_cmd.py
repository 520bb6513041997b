"""``gazette search``."""

from __future__ import annotations

import click

from gazette.cli.common import Context, emit_json, json_option, view_option


@click.command("search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@view_option
@json_option
@click.pass_obj
def search(obj: Context, query: str, limit: int, offset: int, view: str, as_json: bool) -> None:
    """Full-text search (all words must match; "quoted phrases", OR, -excluded)."""
    results = obj.archive().view(view).search(query, limit=limit, offset=offset)
    if as_json:
        emit_json(
            {
                "view": view,
                "total": results.total,
                "hits": [
                    {
                        "id": h.id,
                        "title": h.title,
                        "doc_number": h.doc_number,
                        "score": h.score,
                        "snippet": h.snippet,
                    }
                    for h in results.hits
                ],
                "facets": results.facets,
            }
        )
        return
    click.echo(f"{results.total} result(s)")
    for hit in results.hits:
        click.echo(f"{hit.id:<16} {hit.doc_number or '-':<22} {hit.title}")


def register(group: click.Group) -> None:
    group.add_command(search)
