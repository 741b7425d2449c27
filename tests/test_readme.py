"""The README as a new user reads it: every command, make target and path it shows exists."""

import re
from pathlib import Path

import click
import pytest

from ig_cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _commands() -> list[list[str]]:
    """The words after `ig-pipeline` in every command the README shows."""
    found = re.findall(r"bin/ig-pipeline ((?:[a-z][\w-]*)(?: [a-z][\w-]*)?)", README)
    return sorted({tuple(words.split()) for words in found})  # type: ignore[arg-type]


@pytest.mark.parametrize("words", _commands(), ids=" ".join)
def test_every_cli_command_shown_exists(words: tuple[str, ...]) -> None:
    command: click.Command = cli
    for word in words:
        if not isinstance(command, click.Group):
            break  # the rest is an argument (a username, say)
        assert word in command.commands, f"`ig-pipeline {' '.join(words)}`: no command '{word}'"
        command = command.commands[word]


def test_every_make_target_shown_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([\w-]+):", makefile, re.M))
    shown = set(re.findall(r"`make ([\w-]+)", README)) | set(re.findall(r"^make ([\w-]+)", README, re.M))
    assert shown, "the README shows no make target"
    assert shown <= targets, shown - targets


def test_every_path_in_the_table_exists() -> None:
    paths = {
        p
        for cell in re.findall(r"`((?:ig_\w+|bench|sensors|schedules|tests)/[^`]*)`", README)
        for p in _expand(cell)
    }
    assert paths
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == []


def _expand(cell: str) -> list[str]:
    """`a/{b,c}.py` is `a/b.py` and `a/c.py`; `a/` is the folder."""
    if m := re.fullmatch(r"(.*)\{([^}]*)\}(.*)", cell):
        return [f"{m.group(1)}{part}{m.group(3)}" for part in m.group(2).split(",")]
    return [cell.split(" ")[0]]
