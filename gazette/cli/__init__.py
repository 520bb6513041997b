"""The ``gazette`` command line: a thin layer over the library.

Every command parses its arguments, makes one library call and formats the output (``--json``
for scripts). Errors the library raises on purpose (:class:`~gazette.errors.GazetteError`) are
printed as one line on stderr with exit status 1; usage errors exit with 2. This package is the
one part of :mod:`gazette` that imports :mod:`ingest`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from gazette.cli.common import cli
from gazette.errors import GazetteError


def _register_commands() -> None:
    """Every module of this package that defines ``register(group)`` adds its commands."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(cli)


_register_commands()


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
