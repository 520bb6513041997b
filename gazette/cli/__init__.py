"""The ``gazette`` command line: a thin layer over the library.

Every command parses its arguments, makes one library call and formats the output (``--json``
for scripts). Errors the library raises on purpose (:class:`~gazette.errors.GazetteError`) are
printed as one line on stderr with exit status 1; usage errors exit with 2. This package is the
one part of :mod:`gazette` that imports :mod:`ingest`.

Language: what a command prints for people is Chinese (the names of concepts come from
:mod:`gazette.wording`); ``--json`` keeps its English keys and values. ``--help`` is English,
like the README, naming the Chinese terms of the domain; click's own usage errors are as click
prints them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gazette.cli.common import Context, cli, register_commands
from gazette.errors import GazetteError

__all__ = ["ERROR", "cli", "main", "register_commands"]

#: How an error line begins.
ERROR = "错误："


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        result = cli.main(args=argv, prog_name="gazette", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("已中断", err=True)
            return 130
        click.echo("已中止", err=True)
        return 1
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except GazetteError as exc:
        click.echo(f"{ERROR}{exc}", err=True)
        return 1
    except OverflowError:
        # Date arithmetic past 9999-12-31 (or before year 1) where a command did not expect it.
        click.echo(f"{ERROR}日期超出日历范围（0001年1月1日至9999年12月31日）", err=True)
        return 1
    except _catalog_errors() as exc:
        # The search index converts its own errors; what is left is the catalog's database.
        from gazette.archive.dbapi import failure

        click.echo(f"{ERROR}{failure(exc, Path(Context.current or '.'))}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("已中断", err=True)
        return 130
    except BrokenPipeError:  # pragma: no cover - output piped into head
        return 0
    if isinstance(result, int):
        return result
    return 0


def _catalog_errors() -> tuple[type[Exception], ...]:
    """What a catalog's database raises (imported only once an error is being handled, so
    that ``gazette --version`` does not load the archive)."""
    from gazette.archive.dbapi import ERRORS

    return ERRORS


def entry() -> None:  # pragma: no cover - console script
    sys.exit(main())
