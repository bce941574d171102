"""``firmsync serve``: the web and the API through gunicorn (threads), static files through
whitenoise, and — unless ``--no-worker`` — ``firmsync worker`` beside it, so that one
command runs everything on the embedded default. Never Django's development server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from typing import Any

import click

from firmsync.cli.edge import ready

__all__ = ["serve"]


def _refuse_default_key() -> None:
    """The development secret key signs sessions anyone could forge: only for a demo's data
    or with FIRMSYNC_DEBUG."""
    from firmsync import conf

    config = conf.load()
    default = conf.load({}).secret_key
    if config.secret_key != default or config.debug:
        return
    if conf.is_demo(config):
        return
    click.echo(
        "Refused: set FIRMSYNC_SECRET_KEY (the development key is for demos and "
        "FIRMSYNC_DEBUG=true only).",
        err=True,
    )
    sys.exit(2)


def _refuse_taken_port(host: str, port: int) -> None:
    """Each web process listens on the port itself (SO_REUSEPORT, below), which the system
    would also let a second ``firmsync serve`` do silently: a plain bind first says when
    something already listens there."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        click.echo(f"Refused: cannot listen on {host}:{port} ({error.strerror}).", err=True)
        sys.exit(2)


def _gunicorn(options: dict[str, Any]) -> Any:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from firmsync.project.wsgi import application

            return application

    return Server()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", type=click.IntRange(min=1), help="Web processes (default: one a core).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1))
@click.option("--no-worker", is_flag=True, help="Serve only (run `firmsync worker` elsewhere).")
def serve(host: str, port: int, workers: int | None, threads: int, no_worker: bool) -> None:
    """Serve the web and the API (gunicorn, threads) and run the background jobs beside it."""
    ready()
    _refuse_default_key()
    _refuse_taken_port(host, port)
    from django.db import connections

    connections.close_all()  # each web process opens its own
    worker = None
    if not no_worker:
        from firmsync.cli.lifetime import child_environment

        worker = subprocess.Popen(
            [sys.executable, "-m", "firmsync.cli", "worker"], env=child_environment()
        )
    address = f"{host}:{port}"

    def announce(_: Any) -> None:
        click.echo(f"firmsync on http://{address}/ — API docs at http://{address}/api/docs")

    server = _gunicorn(
        {
            "bind": address,
            "workers": workers or os.cpu_count() or 1,
            "threads": threads,
            "worker_class": "gthread",
            # A listening socket a process, so the system spreads the connections over
            # the processes; on one shared socket, the process that wakes first accepts
            # most of a client pool's kept-alive connections and serves them alone.
            "reuse_port": True,
            "timeout": 60,
            "errorlog": "-",
            "when_ready": announce,
        }
    )
    try:
        server.run()
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)  # the worker finishes its jobs and stops
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
