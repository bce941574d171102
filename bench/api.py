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

Prints p50, p95 and requests/s for each; asserts nothing. The load comes from wrk (Debian's
package ``wrk``; a Lua script picks each request): written in C, it leaves the two cores of
a small machine to the server being measured, where a Python client of the same load took
close to one of them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from databases import drop_database, env_url, fresh_database
from serving import free_port

FIRMSYNC = str(Path(sys.executable).with_name("firmsync"))
WRK = shutil.which("wrk") or "wrk"
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
    base["FIRMSYNC_REGISTER_UPDATE"] = "off"  # (a sample register: never the portal's)
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
    port = free_port()
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
        scenarios = [
            ("GET /companies/{id}", "GET", [f"/api/v1/companies/{i}" for i in ids]),
            (
                "GET /registry/search",
                "GET",
                [f"/api/v1/registry/search?q={quote(name)}" for name in names],
            ),
            ("POST /companies", "POST", []),
        ]
        print(f"{args.clients} clients, {args.seconds:.0f} s each, web workers {args.web_workers}")
        columns = ("requests", "errors", "p50 ms", "p95 ms", "req/s")
        print(f"{'request':<24} {columns[0]:>9} " + " ".join(f"{c:>8}" for c in columns[1:]))
        for name, method, paths in scenarios:
            figures = load(f"http://127.0.0.1:{port}", token, method, paths, args, folder)
            print(
                f"{name:<24} {figures['requests']:>9,} {figures['errors']:>8} "
                f"{figures['p50'] / 1000:>8.1f} {figures['p95'] / 1000:>8.1f} "
                f"{figures['requests'] / figures['seconds']:>8.0f}",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


# wrk runs this in each of its threads: ``paths`` to pick from at random (a GET), or none
# (a POST of a new card named by the thread and a counter); ``done`` prints the figures.
SCRIPT = """
local paths = {%(paths)s}
local method = "%(method)s"
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(1000 + thread_id)
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  if method == "GET" then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  counter = counter + 1
  local body = string.format('{"name": "Load %%d-%%d"}', thread_id, counter)
  return wrk.format("POST", "/api/v1/companies", nil, body)
end
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "FIGURES %%d %%d %%d %%d %%d\\n", summary.requests, errors, summary.duration,
    latency:percentile(50), latency:percentile(95)))
end
"""


def load(
    origin: str, token: str, method: str, paths: list[str], args: argparse.Namespace, folder: Path
) -> dict[str, float]:
    """``--clients`` connections sending for ``--seconds`` through wrk: requests, errors
    (non-2xx/3xx answers and socket errors), seconds, and the p50 and p95 latency in µs."""
    script = folder / "load.lua"
    listed = ", ".join(f'"{path}"' for path in paths)
    script.write_text(SCRIPT % {"paths": listed, "method": method})
    command = [
        WRK,
        f"--threads={min(2, args.clients)}",
        f"--connections={args.clients}",
        f"--duration={args.seconds:.0f}s",
        f"--header=Authorization: Bearer {token}",
        f"--script={script}",
        origin,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("FIGURES "))
    requests, errors, micros, p50, p95 = (int(field) for field in line.split()[1:])
    return {
        "requests": requests,
        "errors": errors,
        "seconds": micros / 1e6,
        "p50": p50,
        "p95": p95,
    }


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


if __name__ == "__main__":
    main()
