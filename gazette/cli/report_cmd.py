"""``gazette report NAME``: the reports. Each feature module adds its own report commands to
:data:`report` (see ``register`` in the command modules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gazette import wording

if TYPE_CHECKING:
    from gazette.interpretation import Entry


@click.group("report")
def report() -> None:
    """Reports over the archive (add --json for scripts)."""


def entry_line(entry: Entry) -> str:
    """A document as the reports list it: id, written date, number and title in columns."""
    date = wording.column_date(entry.written)
    return f"{entry.id:<16} {date}  {entry.doc_number or '-':<22} {entry.title or '（无标题）'}"


def register(group: click.Group) -> None:
    group.add_command(report)
