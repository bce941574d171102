"""Benchmark: the REST API under 20 concurrent clients, against `firmsync serve`.

    python bench/api.py [--clients 20] [--seconds 10] [--companies 20000] [--web-workers 2]
                        [--postgres URL --redis URL]

Generates a sample register once, then for each backend — SQLite files; and, given a
PostgreSQL server (``--postgres``, or ``FIRMSYNC_DATABASE_URL`` when it is one), a database
of its own there (the URL's name with ``_api``, made afresh and dropped after) for the CRM
and the register with the queue on Redis — imports it, makes an account with the add-on on
and a token, starts ``firmsync serve`` (gunicorn with threads, and its worker) on a free
port, creates 200 cards, and sends for ``--seconds`` each, from ``--clients`` concurrent
clients on kept-alive connections:

1. ``GET /api/v1/companies/{id}`` (a random one of the 200 cards);
2. ``GET /api/v1/registry/search?q=…`` (the first two words of a registered name);
3. ``POST /api/v1/companies`` (a new card, whose sync the worker runs meanwhile).

Prints p50, p95 and requests/s for each; asserts nothing. The clients are a small asyncio
loop over httpx (already a dependency) rather than locust: locust brings gevent, which
patches the standard library of the process, and its web UI and Flask, for three fixed
requests; here the load and the figures are a hundred lines to read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from databases import drop_database, env_url, fresh_database

FIRMSYNC = str(Path(sys.executable).with_name("firmsync"))
CARDS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--postgres", default=env_url("FIRMSYNC_DATABASE_URL", "postgres"))
    parser.add_argument("--redis", default=env_url("FIRMSYNC_QUEUE_URL", "redis"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="firmsync-api-"))
    from firmsync.registry.sample import make_sample

    print(f"generating a sample register of {args.companies:,} companies …", flush=True)
    make_sample(folder / "sample", companies=args.companies)
    names = _names(folder / "sample")
    base = {k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")}
    data = folder / "sqlite"
    sqlite = {
        **base,
        "FIRMSYNC_DATA_DIR": str(data),
        "FIRMSYNC_DATABASE_URL": f"sqlite:///{data}/firmsync.sqlite3",
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{data}/registry.sqlite3",
        "FIRMSYNC_QUEUE_URL": f"sqlite:///{data}/queue.sqlite3",
    }
    run_backend("SQLite", sqlite, folder, names, args)
    if args.postgres:
        if not args.redis:
            raise SystemExit("--postgres needs --redis (or FIRMSYNC_QUEUE_URL) for the queue")
        database = fresh_database(args.postgres, "api")
        postgres = {
            **base,
            "FIRMSYNC_DATA_DIR": str(folder / "postgres"),
            "FIRMSYNC_DATABASE_URL": database,
            "FIRMSYNC_REGISTER_URL": database,
            "FIRMSYNC_QUEUE_URL": args.redis,
        }
        try:
            run_backend("PostgreSQL + Redis", postgres, folder, names, args)
        finally:
            drop_database(database)


def _names(sample: Path) -> list[str]:
    """The first two words of registered names, as a user starts typing them."""
    firme = next(sample.rglob("OD_FIRME.CSV"))
    with firme.open(encoding="utf-8", errors="replace") as rows:
        next(rows)
        found = [" ".join(line.split("^", 1)[0].strip('" ').split()[:2]) for line in rows]
    return [name for name in found[:2000] if len(name) >= 3]


def run_backend(
    label: str, env: dict[str, str], folder: Path, names: list[str], args: argparse.Namespace
) -> None:
    env = {
        **env,
        "FIRMSYNC_SECRET_KEY": "bench-" + "k" * 44,
        "FIRMSYNC_SOURCES": "register",
        "FIRMSYNC_API_RATE": "100000000/m",  # the limit is not what is measured
    }

    def firmsync(*command: str) -> str:
        return subprocess.run(
            [FIRMSYNC, *command], env=env, check=True, capture_output=True, text=True
        ).stdout

    print(f"\n== {label}: importing the register …", flush=True)
    firmsync("migrate")
    firmsync("registry", "import", str(folder / "sample"))
    firmsync("account", "create", "Bench", "--plan", "professional", "--admin", "b@bench.ro")
    firmsync("addon", "activate", "Bench")
    token = firmsync("token", "create", "b@bench.ro", "--name", "bench").splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [FIRMSYNC, "serve", "--port", str(port), "--workers", str(args.web_workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        headers = {"Authorization": f"Bearer {token}"}
        _wait(base, headers, server)
        ids = [
            httpx.post(f"{base}/companies", json={"name": f"Seed {n}"}, headers=headers).json()[
                "id"
            ]
            for n in range(CARDS)
        ]
        counter = iter(range(10**9))
        scenarios: list[tuple[str, Callable[[], tuple[str, str, Any]]]] = [
            ("GET /companies/{id}", lambda: ("GET", f"/companies/{random.choice(ids)}", None)),
            (
                "GET /registry/search",
                lambda: ("GET", f"/registry/search?q={quote(random.choice(names))}", None),
            ),
            ("POST /companies", lambda: ("POST", "/companies", {"name": f"Load {next(counter)}"})),
        ]
        print(f"{args.clients} clients, {args.seconds:.0f} s each, web workers {args.web_workers}")
        columns = ("requests", "errors", "p50 ms", "p95 ms", "req/s")
        print(f"{'request':<24} {columns[0]:>9} " + " ".join(f"{c:>8}" for c in columns[1:]))
        for name, request in scenarios:
            latencies, errors, took = asyncio.run(
                load(base, headers, request, args.clients, args.seconds)
            )
            p50 = statistics.median(latencies) * 1000
            p95 = statistics.quantiles(latencies, n=20)[18] * 1000
            print(
                f"{name:<24} {len(latencies):>9,} {errors:>8} {p50:>8.1f} {p95:>8.1f} "
                f"{len(latencies) / took:>8.0f}",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


async def load(
    base: str,
    headers: dict[str, str],
    request: Callable[[], tuple[str, str, Any]],
    clients: int,
    seconds: float,
) -> tuple[list[float], int, float]:
    """``clients`` loops sending ``request()`` until ``seconds`` are over; the latencies of
    the answers that succeeded, the errors and the time taken."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as http:
        start = time.perf_counter()
        deadline = start + seconds

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                method, path, body = request()
                sent = time.perf_counter()
                try:
                    answer = await http.request(method, path, json=body)
                    ok = answer.status_code < 400
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1

        await asyncio.gather(*(client() for _ in range(clients)))
        return latencies, errors, time.perf_counter() - start


def _wait(base: str, headers: dict[str, str], server: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit("firmsync serve stopped")
        try:
            if httpx.get(f"{base}/companies", headers=headers).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("firmsync serve did not answer within 30 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
