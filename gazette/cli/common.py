"""Shared pieces of the command line: the root group, the archive, views, output."""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gazette.dates import parse_date
from gazette.errors import GazetteError, InvalidDate

if TYPE_CHECKING:
    from gazette.archive import Archive


# The disclosure views (:class:`gazette.disclosure.View`), named here so that the command line
# starts without importing the model.
VIEWS = ("public", "internal")

# Package names a folder in the working directory would hide from ``import`` there.
_PACKAGES = ("gazette", "ingest")


def shadowing_folder(folder: Path) -> str | None:
    """Why a folder at ``folder`` hides this package from Python run in its parent folder
    (``None``: it does not). With an editable install, a folder named like the package in
    the working directory is found first: ``import gazette`` there gets the folder."""
    if folder.name in _PACKAGES and not (folder / "__init__.py").exists():
        return (
            f"{folder.parent} 中名为“{folder.name}”的文件夹会遮蔽 {folder.name} 程序包：在该处"
            f"运行 `python -m gazette` 或 `import {folder.name}` 时，Python 会先找到这个文件夹；"
            "请给文件夹另取名字"
        )
    return None


def warn_if_shadowing(folder: Path) -> None:
    why = shadowing_folder(folder.absolute())
    if why is not None:
        click.echo(f"警告：{why}", err=True)


class Context:
    """What every command needs: where the archive is, opened on first use."""

    #: The archive directory of the command running (for messages about a damaged catalog).
    current: str | None = None

    def __init__(self, archive_path: str | None) -> None:
        self.archive_path = archive_path
        self._archive: Archive | None = None

    def archive(self, *, create: bool = False) -> Archive:
        if self._archive is None:
            from gazette.archive import default_location, open_archive

            location = Path(self.archive_path or default_location())
            Context.current = str(location)
            if create and not location.exists():
                warn_if_shadowing(location)
            self._archive = open_archive(location, create=create)
        return self._archive

    def adopt(self, archive: Archive) -> None:
        """Use an archive this command opened itself (closed with the context)."""
        Context.current = str(archive.root)
        self._archive = archive

    def default_view(self) -> str:
        """The view a command reads through without ``--view``: the archive's ``view.default``
        setting, else public (also when there is no archive to read the setting from)."""
        try:
            value = self.archive().settings().get("view.default")
        except GazetteError:
            return "public"
        return value if value in VIEWS else "public"

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


ARCHIVE_HELP = "Archive directory (default: $GAZETTE_ARCHIVE, else ./gazette-archive)."


class _Commands(click.Group):
    """The root group: its commands are registered on first use, so ``gazette --version``
    does not import every command's module."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        register_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        register_commands()
        return super().get_command(ctx, cmd_name)


_registered = False


def register_commands() -> None:
    """Every module of :mod:`gazette.cli` that defines ``register(group)`` adds its commands;
    then every command gets the global options."""
    global _registered
    if _registered:
        return
    _registered = True
    import importlib
    import pkgutil

    import gazette.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name == "common":
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(cli)
    for command in cli.commands.values():
        add_global_options(command)


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
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
    return obj.default_view() if obj is not None else "public"


def view_option(func: Any) -> Any:
    """``--view``; without it, the archive's ``view.default`` setting (else public)."""
    return click.option(
        "--view",
        type=click.Choice(list(VIEWS)),
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
        type=click.Choice(list(VIEWS)),
        default="public",
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
