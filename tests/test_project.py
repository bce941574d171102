"""The project's wiring: settings, the job queue, the README's promises."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from firmsync import conf
from firmsync.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_queue_stores_and_returns_values_on_its_configured_backend() -> None:
    from huey.contrib.djhuey import HUEY

    redis = os.environ.get("FIRMSYNC_QUEUE_URL", "").startswith("redis://")
    assert type(HUEY).__name__ == ("RedisHuey" if redis else "SqliteHuey")
    HUEY.put("firmsync-test-key", {"value": 42})
    assert HUEY.get("firmsync-test-key") == {"value": 42}


def test_databases_follow_the_urls() -> None:
    from django.conf import settings

    config = conf.load()
    for alias, url in (("default", config.database_url), ("registry", config.register_url)):
        engine = settings.DATABASES[alias]["ENGINE"]
        assert engine.endswith("postgresql" if url.startswith("postgres") else "sqlite3")


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    block = re.match(r"# firmsync\n\n```sh\n(.*?)\n```", README, re.S)
    assert block, "the README must open with the command block"
    demo, test = block.group(1).split("\n")
    assert demo.endswith("firmsync demo") and test.endswith("pytest")
    assert test in (ROOT / ".ci" / "run").read_text()


def test_every_setting_and_command_is_documented() -> None:
    settings = set(re.findall(r"FIRMSYNC_[A-Z_]+", (ROOT / "src/firmsync/conf.py").read_text()))
    assert settings and all(f"`{name}`" in README for name in settings)
    context = click.Context(cli)
    names = cli.list_commands(context)
    assert "registry" in names and "worker" in names  # the lazy group lists them all
    for name in names:
        command = cli.get_command(context, name)
        subcommands = getattr(command, "commands", {None: command})
        for sub in subcommands:
            usage = f"firmsync {name} {sub}" if sub else f"firmsync {name}"
            assert f"`{usage}" in README, usage
