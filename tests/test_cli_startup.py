"""The console script starts fast: commands load when run, and the table that lists them
without loading them says what the commands themselves say."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import firmsync.cli
from firmsync.cli import COMMANDS, cli

from .registry.snapshot import write_snapshot

HEAVY = ("django", "rich", "numpy", "pyarrow", "tantivy", "httpx", "stdnum", "caen_romania")


def _real(name: str) -> click.Command:
    module, _, attribute = COMMANDS[name][0].partition(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command)
    return command


def _top_level_commands() -> set[str]:
    """Every click command defined in the cli package that is not another's subcommand."""
    found: dict[int, click.Command] = {}
    for info in pkgutil.iter_modules(firmsync.cli.__path__, "firmsync.cli."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, click.Command) and value is not cli:
                found[id(value)] = value
    nested = {
        id(sub)
        for command in found.values()
        if isinstance(command, click.Group)
        for sub in command.commands.values()
    }
    return {command.name or "" for key, command in found.items() if key not in nested}


def test_the_table_names_every_command_and_only_them() -> None:
    assert _top_level_commands() == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_declared_command_has_its_real_name_and_help(name: str) -> None:
    command = _real(name)
    assert command.name == name
    assert COMMANDS[name][1] == command.get_short_help_str(limit=sys.maxsize)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_help_lists_every_command_as_the_loaded_commands_would(width: int) -> None:
    eager = click.Group(
        name=cli.name,
        commands={name: _real(name) for name in COMMANDS},
        callback=cli.callback,
        params=cli.params,
        help=cli.help,
        context_settings=cli.context_settings,
    )
    runner = CliRunner()
    lazy_help = runner.invoke(cli, ["--help"], terminal_width=width)
    eager_help = runner.invoke(eager, ["--help"], terminal_width=width)
    assert lazy_help.exit_code == 0, lazy_help.output
    assert lazy_help.output == eager_help.output
    listed = lazy_help.output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed if line.startswith("  ") and line[2] != " "] == (
        sorted(COMMANDS)
    )


def _modules_after(args: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    """Runs the console script's entry point in a fresh interpreter; its output and which of
    the heavy packages it imported."""
    script = (
        "import json, sys\n"
        "from firmsync.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    output, _, loaded = done.stdout.rstrip("\n").rpartition("\n")
    return output, json.loads(loaded)


def test_help_imports_no_heavy_package(tmp_path: Path) -> None:
    env = {**os.environ, "FIRMSYNC_DATA_DIR": str(tmp_path / "var")}
    output, loaded = _modules_after(["--help"], env)
    assert "registry" in output and loaded == []


def test_registry_show_imports_only_what_it_needs(register_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "FIRMSYNC_REGISTER_URL": register_url}
    env["FIRMSYNC_DATA_DIR"] = str(tmp_path / "var")
    runner = CliRunner(env=env)
    imported = runner.invoke(cli, ["registry", "import", str(write_snapshot(tmp_path / "data"))])
    assert imported.exit_code == 0, imported.output
    output, loaded = _modules_after(["registry", "show", "RO 66815090", "--json"], env)
    assert json.loads(output)["cui"] == "66815090"
    assert loaded == []
