"""The documentation keeps up with the code (in the manner of sqlite-utils' ``test_docs.py``).

Every command appears in the README's command list, every command and option in the
reference ``docs/cli.md``, and that reference is what ``gazette.cli.reference`` writes from the
commands themselves.
"""

from __future__ import annotations

import click
import pytest

from gazette.cli.common import cli, register_commands
from gazette.cli.reference import markdown, walk
from tests.conftest import ROOT

register_commands()
COMMANDS = [(" ".join(path), command) for path, command in walk(cli)]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_the_reference_is_what_the_commands_say() -> None:
    assert markdown() == REFERENCE, (
        "docs/cli.md is out of date: run `python -m gazette.cli.reference > docs/cli.md`"
    )


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert name in README, f"{name!r} is not in the README's command list"


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, opt)
        for name, command in COMMANDS
        for param in command.params
        if isinstance(param, click.Option) and param.name not in {"help", "archive"}
        for opt in param.opts
        if opt.startswith("--")
    ],
)
def test_every_option_is_in_the_reference(name: str, option: str) -> None:
    section = REFERENCE.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]
    assert option in section, f"{name} {option} is not documented in docs/cli.md"


def test_every_command_has_help() -> None:
    for name, command in COMMANDS:
        assert (command.help or "").strip(), f"{name} has no help text"
        # Help is read in a terminal: no reStructuredText markup in it.
        assert "``" not in (command.help or ""), f"{name}'s help shows raw backquotes"
