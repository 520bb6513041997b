"""``gazette report NAME``: the reports. Each feature module adds its own report commands to
:data:`report` (see ``register`` in the command modules)."""

from __future__ import annotations

import click


@click.group("report")
def report() -> None:
    """Reports over the archive (add --json for scripts)."""


def register(group: click.Group) -> None:
    group.add_command(report)
