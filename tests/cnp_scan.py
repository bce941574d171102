"""A pytest plugin: the session fails if anything firmsync writes carries a valid CNP.

It reads, for the whole session, what the product writes where a person could read it:

- every log record, as a handler on the root logger formats it;
- each test's captured stdout and stderr;
- the output of every ``CliRunner.invoke``, which pytest's capture never sees;
- at the end, the reports and logs under pytest's base temporary directory (an
  ``import-reports`` folder, ``*.problems.txt``, ``*.log``), not the files the tests wrote
  as input, which hold CNPs on purpose.

Each text is searched with :func:`firmsync.identity.cnp.find` (one compiled pattern; stdnum
only checks what it finds). A leak during a test fails that test; one outside any test, or
in a file, fails the session. Every message shows the CNP masked.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from firmsync.identity import cnp

REPORT_SUFFIXES = (".problems.txt", ".log")
REPORT_FOLDER = "import-reports"
LARGEST = 16 << 20  # bytes read of one report: larger files are not reports a test writes
PYTESTER = "runpytest-"  # a session pytester starts, under ours, scans its own files


class _Records(logging.Handler):
    """Every log record, formatted (message and traceback), handed to the scan."""

    def __init__(self, scan: CnpScan) -> None:
        super().__init__()
        self.scan = scan

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a record logging cannot render says so itself
            return
        self.scan.saw("log record", text)


class CnpScan:
    """The plugin: its hooks, the leaks it found, and who was running when it found them."""

    def __init__(self) -> None:
        self.running: str | None = None
        self.pending: list[str] = []  # leaks of the running test's current phase
        self.leaks: list[str] = []  # every leak, for the summary
        self.outside: list[str] = []  # leaks no test can answer for
        self.handler = _Records(self)
        self.invoke: Any = None

    def saw(self, what: str, text: str) -> None:
        found = cnp.find(text) if text else []
        if not found:
            return
        shown = ", ".join(dict.fromkeys(cnp.mask(number) for number in found))
        where = f"{self.running} ({what})" if self.running else what
        leak = f"{where}: {shown}"
        self.leaks.append(leak)
        (self.pending if self.running else self.outside).append(leak)

    # --- the session ----------------------------------------------------------------------
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        logging.getLogger().addHandler(self.handler)
        self.invoke = original = CliRunner.invoke
        scan = self

        @functools.wraps(original)
        def invoke(runner: CliRunner, *args: Any, **kwargs: Any) -> Result:
            result = original(runner, *args, **kwargs)
            scan.saw("CliRunner output", result.output)
            return result

        CliRunner.invoke = invoke  # type: ignore[method-assign]

    @pytest.hookimpl(tryfirst=True)  # before the temporary directories may be removed
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        logging.getLogger().removeHandler(self.handler)
        if self.invoke is not None:
            CliRunner.invoke = self.invoke  # type: ignore[method-assign]
        self.running = None
        basetemp = _basetemp(session.config)
        if basetemp is not None:
            for path in _reports(basetemp):
                self.saw(str(path), path.read_text(encoding="utf-8", errors="replace"))
        if self.outside and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.leaks:
            terminalreporter.section("valid CNPs written unmasked", red=True, bold=True)
            for leak in self.leaks:
                terminalreporter.line(leak, red=True)

    # --- each test ------------------------------------------------------------------------
    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.running, self.pending = nodeid, []

    def pytest_runtest_logfinish(self) -> None:
        self.running = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        for title, content in report.sections:
            if title.endswith(f" {report.when}") and title.startswith(
                ("Captured stdout", "Captured stderr")
            ):
                self.saw(title[len("Captured ") :], content)
        if self.pending:
            said = "a valid CNP written unmasked: " + "; ".join(self.pending)
            self.pending = []
            # pytest prints a failed test's captured output: masked, it says no more.
            report.sections = [(title, cnp.mask(content)) for title, content in report.sections]
            if report.failed:
                report.sections.append(("CNP scan", said))
            else:
                report.outcome, report.longrepr = "failed", said
        return report


def _reports(basetemp: Path) -> list[Path]:
    """The reports and logs the product wrote under ``basetemp``."""
    found = []
    for folder, folders, files in os.walk(basetemp):
        folders[:] = [f for f in folders if not f.startswith(PYTESTER)]
        in_reports = REPORT_FOLDER in Path(folder).relative_to(basetemp).parts
        for name in files:
            path = Path(folder, name)
            if not (in_reports or name.endswith(REPORT_SUFFIXES)) or not path.is_file():
                continue
            if path.stat().st_size < LARGEST:
                found.append(path)
    return found


def _basetemp(config: pytest.Config) -> Path | None:
    """pytest's base temporary directory, if a test made one (never made here)."""
    factory = getattr(config, "_tmp_path_factory", None)
    made = getattr(factory, "_basetemp", None)
    return Path(made) if made is not None else None


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(CnpScan(), "cnp-scan")
