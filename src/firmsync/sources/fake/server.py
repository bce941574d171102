"""A small threaded HTTP server around a handler function, started in the background.

The standard library's server is enough here (a fake serves one client at a time) and lets
a failure be injected at the socket: a connection reset is a close with ``SO_LINGER`` 0.
An answer can also be a file, streamed from disk (whole with ``sendfile``, or paced at a
given rate, or cut short): the fake data portal serves files of hundreds of megabytes.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "Answer",
    "Request",
    "Serving",
    "fake_anaf_process",
    "free_port",
    "hang",
    "reset",
    "serve",
]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delivered: Callable[[], None] | None = None  # called once the answer is fully sent
    file: Path | None = None  # sent instead of ``body``, streamed from disk
    length: int | None = None  # bytes of ``file`` sent (and announced): default all
    rate: float | None = None  # bytes a second ``file`` is sent at: default as fast as it goes

    @classmethod
    def of(cls, data: Any, status: int = 200, **kwargs: Any) -> Answer:
        return cls(status, json.dumps(data, ensure_ascii=False).encode(), **kwargs)


class _Drop(Exception):
    """Raised by a handler to end the connection without an answer."""

    def __init__(self, *, linger: bool, after: float = 0.0) -> None:
        self.linger, self.after = linger, after


def reset() -> Answer:
    """A connection reset: the client's read fails."""
    raise _Drop(linger=False)


def hang(seconds: float) -> Answer:
    """No answer for ``seconds``, then a plain close: the client times out first."""
    raise _Drop(linger=True, after=seconds)


Handler = Callable[[Request], Answer]
_PIECE = 64 << 10  # bytes sent at a time when the rate is paced


def _send_file(
    connection: socket.socket, out: Any, path: Path, length: int, rate: float | None
) -> None:
    """The first ``length`` bytes of ``path``: by ``sendfile`` when unpaced, else in pieces
    at ``rate`` bytes a second."""
    with path.open("rb") as source:
        if not rate:
            connection.sendfile(source, 0, length)
            return
        started, sent = time.monotonic(), 0
        while sent < length:
            piece = source.read(min(_PIECE, length - sent))
            if not piece:
                return
            out.write(piece)
            sent += len(piece)
            ahead = sent / rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)


def _handler_class(handle: Handler) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command,
                split.path,
                {k: v[-1] for k, v in parse_qs(split.query).items()},
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            try:
                answer = handle(request)
            except _Drop as drop:
                if drop.after:
                    time.sleep(drop.after)
                if not drop.linger:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                self.close_connection = True
                self.connection.close()
                return
            length = len(answer.body)
            if answer.file is not None:
                size = answer.file.stat().st_size
                length = size if answer.length is None else min(answer.length, size)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(length))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                if answer.file is None:
                    self.wfile.write(answer.body)
                else:
                    _send_file(self.connection, self.wfile, answer.file, length, answer.rate)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):  # the client hung up
                self.close_connection = True
                return
            if answer.delivered:
                answer.delivered()

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the fakes count what matters

    return _Handler


class Serving:
    """A running server: ``url``; ``close()`` (or ``with``) stops it."""

    def __init__(self, handle: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = ThreadingHTTPServer((host, port), _handler_class(handle))
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(handle: Handler, host: str = "127.0.0.1", port: int = 0) -> Serving:
    return Serving(handle, host, port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fake_process(
    fake: str, *options: str, env: dict[str, str] | None = None, wait: float = 10.0
) -> Iterator[str]:
    """``firmsync dev FAKE OPTIONS`` (``fake-anaf``, ``fake-portal``…) in a process of its
    own while the block runs (benchmarks, command tests); its URL once it answers
    ``/__stats``, within ``wait`` seconds."""
    port = free_port()
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    command = [firmsync, "dev", fake, "--port", str(port), *options]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                urllib.request.urlopen(f"{url}/__stats", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{fake} did not start: {' '.join(command)}") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait()


def fake_anaf_process(
    *options: str, env: dict[str, str] | None = None
) -> AbstractContextManager[str]:
    """``firmsync dev fake-anaf OPTIONS`` (see :func:`fake_process`)."""
    return fake_process("fake-anaf", *options, env=env)
