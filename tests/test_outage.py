"""A queue out of reach: one line a minute from the processes that poll it, no tracebacks."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisDown

from firmsync.cli.outage import OutageFilter


def test_an_outage_is_one_line_then_silence_and_other_errors_pass(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("firmsync.test.outage")
    logger.addFilter(OutageFilter(every=60))
    with caplog.at_level(logging.ERROR, logger=logger.name):
        for _ in range(5):
            try:
                raise RedisDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
            except RedisDown:
                logger.exception("Error reading from queue")
        try:
            raise KeyError("a bug")
        except KeyError:
            logger.exception("Unhandled error")
    assert [r.getMessage() for r in caplog.records] == [
        "Error reading from queue (out of reach: ConnectionError: Error 111 connecting to "
        "127.0.0.1:6379. Connection refused.)",
        "Unhandled error",
    ]
    assert caplog.records[0].exc_info is None and caplog.records[1].exc_info is not None


def test_the_worker_with_its_queue_down_prints_no_traceback(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    env = {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(tmp_path / "var"),
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{tmp_path}/crm.sqlite3",
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{tmp_path}/registry.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"redis://127.0.0.1:{closed}/0",
    }
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    subprocess.run([firmsync, "migrate"], env=env, check=True, capture_output=True)
    try:
        subprocess.run(
            [firmsync, "worker", "--workers", "1"], env=env, capture_output=True, timeout=5
        )
    except subprocess.TimeoutExpired as stopped:
        output = (stopped.stderr or b"").decode() + (stopped.stdout or b"").decode()
    assert "out of reach: ConnectionError" in output
    assert "Traceback" not in output
