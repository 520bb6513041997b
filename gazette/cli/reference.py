"""The command-line reference (``docs/cli.md``), written from the commands themselves.

Run ``python -m gazette.cli.reference > docs/cli.md`` after changing a command; a test fails
while the file differs from what this writes, so the reference never drifts from the code.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import click

from gazette.cli.common import cli, register_commands

_INTRO = """\
# Command-line reference

Written by `python -m gazette.cli.reference` from the commands' own help; do not edit by hand.
Every command also accepts `--archive DIR` (after the command name too) and `-h/--help`.
"""


def walk(
    command: click.Command, path: tuple[str, ...] = ("gazette",)
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``command`` with its full path, in name order."""
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


def _options(command: click.Command, ctx: click.Context) -> list[tuple[str, str]]:
    rows = []
    for param in command.get_params(ctx):
        # Arguments are in the usage line; click 8.5 gives them help records too.
        if not isinstance(param, click.Option) or "--help" in param.opts:
            continue
        if param.name == "archive" and len(ctx.command_path.split()) > 1:
            continue
        record = param.get_help_record(ctx)
        if record is not None:
            rows.append(record)
    return rows


def markdown() -> str:
    """The reference as Markdown."""
    register_commands()
    parts = [_INTRO]
    for path, command in walk(cli):
        info_name = " ".join(path)
        ctx = click.Context(command, info_name=info_name, max_content_width=100)
        usage = " ".join(command.collect_usage_pieces(ctx))
        if isinstance(command, click.Group):  # written the same whichever click is installed
            sub = "[COMMAND]" if command.invoke_without_command else "COMMAND"
            usage = f"[OPTIONS] {sub} [ARGS]..."
        parts.append(f"## `{info_name}`\n")
        parts.append(f"```\n{info_name} {usage}\n```\n")
        text = (command.help or "").strip()
        if text:
            parts.append(_plain(text) + "\n")
        rows = _options(command, ctx)
        if rows:
            parts.append("| option | meaning |\n|---|---|")
            for names, meaning in rows:
                parts.append(f"| `{names}` | {_cell(meaning)} |")
            parts.append("")
        if isinstance(command, click.Group) and command.commands:
            subs = ", ".join(f"`{name}`" for name in sorted(command.commands))
            parts.append(f"Commands: {subs}.\n")
        if command.epilog:
            parts.append(_plain(command.epilog) + "\n")
    return "\n".join(parts).rstrip() + "\n"


def _plain(text: str) -> str:
    """Help text as Markdown: dedented, click's ``\\b`` (keep lines) marks dropped, and
    indented lines (lists) kept as lines."""
    lines = [line for line in inspect.cleandoc(text).splitlines() if line.strip() != "\b"]
    return "\n".join(line.rstrip() + ("  " if line.startswith("  ") else "") for line in lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


if __name__ == "__main__":  # pragma: no cover - writes the reference
    click.echo(markdown(), nl=False)
