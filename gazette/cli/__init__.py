"""The ``gazette`` command line: a thin layer over the library.

Every command parses its arguments, makes one library call and formats the output (``--json``
for scripts). Errors the library raises on purpose (:class:`~gazette.errors.GazetteError`) are
printed as one line on stderr with exit status 1; usage errors exit with 2. This package is the
one part of :mod:`gazette` that imports :mod:`ingest`.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from gazette.cli.common import Context, cli, register_commands
from gazette.errors import CatalogDamaged, GazetteError

__all__ = ["cli", "main", "register_commands"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        result = cli.main(args=argv, prog_name="gazette", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("interrupted", err=True)
            return 130
        click.echo("aborted", err=True)
        return 1
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except GazetteError as exc:
        click.echo(f"gazette: error: {exc}", err=True)
        return 1
    except OverflowError as exc:
        # Date arithmetic past 9999-12-31 (or before year 1) where a command did not expect it.
        click.echo(
            f"gazette: error: a date falls outside the calendar, 0001-01-01 to 9999-12-31 ({exc})",
            err=True,
        )
        return 1
    except sqlite3.DatabaseError as exc:
        # The search index converts its own errors; what is left is the catalog.
        where = Path(Context.current or ".") / "catalog.sqlite"
        click.echo(f"gazette: error: {CatalogDamaged(where, str(exc))}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:  # pragma: no cover - output piped into head
        return 0
    if isinstance(result, int):
        return result
    return 0


def entry() -> None:  # pragma: no cover - console script
    sys.exit(main())
