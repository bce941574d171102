"""Log records never carry a CNP: masked as they are made, whichever handler writes them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from firmsync.identity import cnp

from .registry.snapshot import CNP


def test_a_django_process_masks_every_record(caplog: pytest.LogCaptureFixture) -> None:
    from django.conf import settings

    assert settings.LOGGING_CONFIG == "firmsync.logs.configure"
    log = logging.getLogger("firmsync.test")
    with caplog.at_level(logging.INFO):
        log.warning("refused %r", CNP)
        try:
            raise ValueError(f"{CNP} is not a CUI")
        except ValueError:
            log.exception("failed")
        log.info("plain %s", "18547290")
    assert CNP not in caplog.text
    assert "refused '1***********4'" in caplog.text
    assert "ValueError: 1***********4 is not a CUI" in caplog.text
    plain = caplog.records[-1]  # a record without one keeps its template and arguments
    assert (plain.msg, plain.args) == ("plain %s", ("18547290",))


def test_the_cli_masks_records_without_django() -> None:
    script = (
        "import logging\n"
        "from firmsync.cli import cli\n"
        "cli.main(['registry', '--help'], standalone_mode=False)\n"
        f"logging.getLogger('firmsync.x').warning('typed %s', '{CNP}')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"typed {cnp.mask(CNP)}" in done.stderr and CNP not in done.stderr
    assert "django" not in done.stderr.lower()
