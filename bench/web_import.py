"""Benchmark: a 5,000-row XLSX client list imported through the web UI of a served demo,
until every row's outcome is shown (each created card synced, in review, or stopped).

    python bench/web_import.py --data DIR [--rows 5000] [--postgres URL --redis URL]

``DIR`` is a data folder prepared by ``firmsync demo --no-serve`` (a copy is used: the
demo is left as it was). Rows are drawn from its register as users type them: a CUI
(half of them), a name alone (a third: matched by the worker), a CUI with a wrong check
digit, a row repeating an earlier one. ``firmsync serve`` (web, API and its worker) runs on
the copy; an HTTP client signs in as the demo's administrator as a browser would (CSRF
cookie and token), uploads the file, keeps the guessed column mapping, imports, then asks
for the outcome page until no card is still syncing. Prints the time of each step and the
total; with ``--postgres`` (and ``--redis`` for the queue) the CRM and queue are there
instead. Asserts nothing.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from openpyxl import Workbook

from databases import drop_database, fresh_database
from serving import free_port
from web import registered

FIRMSYNC = str(Path(sys.executable).with_name("firmsync"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--redis", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="firmsync-web-import-"))
    data = work / "data"
    print(f"copying the demo from {args.data} …", flush=True)
    shutil.copytree(args.data, data)
    book = _list(data, args.rows)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")},
        "FIRMSYNC_DATA_DIR": str(data),
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{data}/registry.sqlite3",
        "FIRMSYNC_SOURCES": "register",
    }
    runs = [
        (
            "SQLite",
            {
                **env,
                "FIRMSYNC_DATABASE_URL": f"sqlite:///{data}/firmsync.sqlite3",
                "FIRMSYNC_QUEUE_URL": f"sqlite:///{data}/queue.sqlite3",
            },
        )
    ]
    database = fresh_database(args.postgres, "webimport") if args.postgres else None
    if database:
        runs.append(
            (
                "PostgreSQL + Redis",
                {**env, "FIRMSYNC_DATABASE_URL": database, "FIRMSYNC_QUEUE_URL": args.redis or ""},
            )
        )
    try:
        for label, run_env in runs:
            print(f"\n== {label}", flush=True)
            if label != "SQLite":
                _prepare(run_env)
            run(run_env, book, args.rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if database:
            drop_database(database)


def _prepare(env: dict[str, str]) -> None:
    """The demo's account on a fresh CRM database (the register stays the copy's)."""
    subprocess.run(
        [FIRMSYNC, "demo", "--no-serve"], env=env, check=True, capture_output=True, text=True
    )


def _list(data: Path, rows: int) -> bytes:
    """An XLSX of ``rows`` clients drawn from the register, as a CRM exports them."""
    drawn = registered(rows * 2, f"sqlite:///{data}/registry.sqlite3")
    rng = random.Random(9)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Clienți")
    sheet.append(["Denumire", "CUI", "Județ", "Telefon"])
    made: list[list[str]] = []
    for cui, name, county in drawn[:rows]:
        roll = rng.random()
        if roll < 0.5:
            row = [name.title(), f"RO{cui}", county, "0722 000 000"]
        elif roll < 0.85:
            row = [name.title(), "", county, ""]
        elif roll < 0.93:
            row = [name.title(), cui[:-1] + str((int(cui[-1]) + 1) % 10), county, ""]
        else:
            row = list(made[rng.randrange(len(made))]) if made else [name, cui, county, ""]
        made.append(row)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(env: dict[str, str], book: bytes, rows: int) -> None:
    port = free_port()
    server = subprocess.Popen(
        [FIRMSYNC, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as web:
            _wait(web, server)
            _sign_in(web)
            start = time.perf_counter()
            upload = web.post(
                "/companies/import/",
                files={"file": ("clients.xlsx", book)},
                headers=_csrf(web),
            )
            assert upload.status_code == 302, upload.text[:500]
            mapping_url = upload.headers["location"]
            read = time.perf_counter()
            page = web.get(mapping_url)
            chosen = {}  # the mapping the page guessed: each select's selected column
            for block in page.text.split('<select id="map-')[1:]:
                field, _, options = block.partition('"')
                picked = re.search(
                    r'<option value="([^"]*)" selected', options.split("</select>")[0]
                )
                if picked:
                    chosen[field] = html.unescape(picked.group(1))
            form = {f"map-{field}": column for field, column in chosen.items()}
            done = web.post(mapping_url, data=form, headers=_csrf(web))
            assert done.status_code == 302, (
                done.status_code,
                re.findall(r"role=.alert.>(.*?)</p>", done.text, re.S),
                form,
            )
            imported = time.perf_counter()
            while True:
                outcome = web.get(done.headers["location"])
                if 'hx-trigger="every 3s"' not in outcome.text:
                    break
                time.sleep(1)
            finished = time.perf_counter()
        totals = re.search(r'<p class="totals">(.*?)</p>', outcome.text, re.S)
        shown = outcome.text.count('<tr><th scope="row">')
        said = re.sub(r"<[^>]+>|\s+", " ", totals.group(1)).strip() if totals else "?"
        print(f"rows {rows:,}: {said}")
        print(f"upload and read      {read - start:>7.1f} s")
        print(f"mapping and import   {imported - read:>7.1f} s")
        print(f"every card synced    {finished - imported:>7.1f} s")
        print(f"total                {finished - start:>7.1f} s   ({shown:,} outcomes on the page)")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def _csrf(web: httpx.Client) -> dict[str, str]:
    return {"X-CSRFToken": web.cookies.get("csrftoken", ""), "Referer": str(web.base_url)}


def _sign_in(web: httpx.Client) -> None:
    web.get("/login/")
    signed = web.post(
        "/login/",
        data={"username": "demo@firmsync.local", "password": "demo"},
        headers=_csrf(web),
    )
    assert signed.status_code == 302, "the demo's administrator could not sign in"


def _wait(web: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit("firmsync serve stopped")
        try:
            web.get("/login/")
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("firmsync serve did not answer within 30 s")


if __name__ == "__main__":
    main()
