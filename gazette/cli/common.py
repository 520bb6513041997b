"""Shared pieces of the command line: the root group, the archive, views, output."""

from __future__ import annotations

import datetime as _dt
import json
import sys
from typing import Any

import click

from gazette.archive import Archive, default_location, open_archive
from gazette.dates import parse_date
from gazette.disclosure import View
from gazette.errors import InvalidDate


class Context:
    """What every command needs: where the archive is, opened on first use."""

    def __init__(self, archive_path: str | None) -> None:
        self.archive_path = archive_path
        self._archive: Archive | None = None

    def archive(self, *, create: bool = False) -> Archive:
        if self._archive is None:
            self._archive = open_archive(self.archive_path or default_location(), create=create)
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--archive",
    "archive_path",
    metavar="DIR",
    envvar="GAZETTE_ARCHIVE",
    help="Archive directory (default: $GAZETTE_ARCHIVE, else ./gazette-archive).",
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


OCR_ENGINES = ("rapidocr", "tesseract")


def ocr_engine_option(func: Any) -> Any:
    return click.option(
        "--ocr-engine",
        type=click.Choice(OCR_ENGINES),
        default=None,
        help="OCR engine for scanned pages (default: $GAZETTE_OCR_ENGINE, else rapidocr).",
    )(func)


def use_ocr_engine(name: str | None) -> None:
    """Make ``name`` the OCR engine of this run (worker processes inherit it)."""
    if name:
        import os

        os.environ["GAZETTE_OCR_ENGINE"] = name


def view_option(func: Any) -> Any:
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
