"""Shared pieces of the command line: the root group, the archive, views, output."""

from __future__ import annotations

import datetime as _dt
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from gazette.dates import parse_date
from gazette.disclosure import View
from gazette.errors import GazetteError, InvalidDate

if TYPE_CHECKING:
    from gazette.archive import Archive


class Context:
    """What every command needs: where the archive is, opened on first use."""

    def __init__(self, archive_path: str | None) -> None:
        self.archive_path = archive_path
        self._archive: Archive | None = None

    def archive(self, *, create: bool = False) -> Archive:
        if self._archive is None:
            from gazette.archive import default_location, open_archive

            self._archive = open_archive(self.archive_path or default_location(), create=create)
        return self._archive

    def default_view(self) -> str:
        """The view a command reads through without ``--view``: the archive's ``view.default``
        setting, else public (also when there is no archive to read the setting from)."""
        try:
            value = self.archive().settings().get("view.default")
        except GazetteError:
            return View.PUBLIC.value
        return value if value in {v.value for v in View} else View.PUBLIC.value

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


ARCHIVE_HELP = "Archive directory (default: $GAZETTE_ARCHIVE, else ./gazette-archive)."


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--archive",
    "archive_path",
    metavar="DIR",
    envvar="GAZETTE_ARCHIVE",
    help=ARCHIVE_HELP,
)
@click.version_option(package_name="gazette")
@click.pass_context
def cli(ctx: click.Context, archive_path: str | None) -> None:
    """Keep an archive of government normative documents and gazette issues.

    Ingest documents and gazettes, ask whether a document was in force on a date, search the
    full text, and export the standard text with its status marked.
    """
    ctx.obj = Context(archive_path)
    ctx.call_on_close(ctx.obj.close)


def json_option(func: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def _archive_after_command(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        obj = ctx.find_object(Context)
        if obj is not None:
            obj.archive_path = value


def archive_option() -> click.Option:
    """``--archive`` accepted after the command name too (``gazette ingest --archive A …``)."""
    return click.Option(
        ["--archive"],
        metavar="DIR",
        expose_value=False,
        callback=_archive_after_command,
        help=ARCHIVE_HELP,
    )


def add_global_options(command: click.Command) -> None:
    """Give ``command`` and every command under it the global options."""
    if not any(p.name == "archive" for p in command.params):
        command.params.append(archive_option())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_global_options(sub)


def _default_view(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is not None:
        return value
    obj = ctx.find_object(Context)
    return obj.default_view() if obj is not None else View.PUBLIC.value


def view_option(func: Any) -> Any:
    """``--view``; without it, the archive's ``view.default`` setting (else public)."""
    return click.option(
        "--view",
        type=click.Choice([v.value for v in View]),
        default=None,
        callback=_default_view,
        help=(
            "Disclosure view: public shows only what may be published; internal shows all"
            " (default: the view.default setting, else public)."
        ),
    )(func)


def publication_view_option(func: Any) -> Any:
    """``--view`` for output meant for publication: public unless asked, whatever the
    ``view.default`` setting says."""
    return click.option(
        "--view",
        type=click.Choice([v.value for v in View]),
        default=View.PUBLIC.value,
        show_default=True,
        help="Disclosure view: public shows only what may be published; internal shows all.",
    )(func)


class DateParam(click.ParamType):
    """A date as YYYY-MM-DD or 2017年6月28日."""

    name = "DATE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return parse_date(str(value))
        except InvalidDate:
            self.fail(f"{value!r} is not a date (use YYYY-MM-DD)", param, ctx)


DATE = DateParam()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
