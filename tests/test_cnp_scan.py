"""The CNP scan (``tests/cnp_scan.py``) fails a session that writes a valid CNP unmasked:
small suites run in a fresh pytest with that plugin alone, so that their leaks stay theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.identity import cnp

from .registry.snapshot import CNP

ROOT = Path(__file__).resolve().parent.parent

LEAKS = f"""
import logging

import click
from click.testing import CliRunner

CNP = "{CNP}"


def test_logs():
    logging.getLogger("firmsync.x").warning("refused %s", CNP)


def test_prints():
    print("CUI", CNP)


def test_invokes():
    @click.command()
    def say():
        click.echo(f"Refused: {{CNP}}", err=True)

    assert CliRunner().invoke(say).exit_code == 0

"""

REPORT = f"""
CNP = "{CNP}"


def test_reports(tmp_path):
    (tmp_path / "import-reports").mkdir()
    (tmp_path / "import-reports" / "OD_FIRME.CSV.problems.txt").write_text(f"5: {{CNP}}")
    (tmp_path / "OD_FIRME.CSV").write_text(f"POPESCU ION PFA^{{CNP}}^F40/100/2010")  # input
"""

MASKED = f"""
import logging

from firmsync.identity import cnp

CNP = "{CNP}"


def test_masked(tmp_path):
    logging.getLogger("firmsync.x").warning("refused %s", cnp.mask(CNP))
    print("CUI", cnp.mask(CNP), "1850304123458")  # the second: no valid CNP
    (tmp_path / "x.log").write_text(cnp.mask(CNP))
    (tmp_path / "OD_FIRME.CSV").write_text(f"POPESCU ION PFA^{{CNP}}^F40/100/2010")  # input
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, suite: str):
    """The suite in a fresh pytest: no Django (its settings mask every log record), no
    other plugin, this repository's ``tests`` package importable for the plugin."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_suite=suite)
    return pytester.runpytest_subprocess("-p", "tests.cnp_scan", "-p", "no:cacheprovider")


def test_a_leak_fails_the_test_that_wrote_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, LEAKS)
    output = result.stdout.str() + result.stderr.str()
    result.assert_outcomes(failed=3)
    for test, where in (
        ("test_logs", "log record"),
        ("test_prints", "stdout call"),
        ("test_invokes", "CliRunner output"),
    ):
        assert f"test_suite.py::{test} ({where}): {cnp.mask(CNP)}" in output
    assert CNP not in output


def test_a_leaking_report_fails_the_session(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(pytester, monkeypatch, REPORT)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    leaks = [line for line in result.stdout.lines if line.endswith(f": {cnp.mask(CNP)}")]
    assert len(leaks) == 1 and "/import-reports/OD_FIRME.CSV.problems.txt: " in leaks[0]
    assert CNP not in result.stdout.str() + result.stderr.str()


def test_masked_cnps_pass(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(pytester, monkeypatch, MASKED)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "valid CNPs written unmasked" not in result.stdout.str()
