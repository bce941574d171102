"""Benchmark: ``registry update`` from the fake data portal against importing the same files.

    python bench/portal_update.py [--companies 4200000] [--sample DIR] [--work DIR]
                                  [--rounds 3]

Generates (once, kept in ``--sample``) what ``firmsync dev fake-portal`` serves: snapshot
1, the next month's snapshot 2 (1% of companies renamed, 1% moved, 1% of operating rows
struck off) and MF 2024 and 2025. Imports snapshot 1 with MF 2024 into a register, then, in
each round and in alternating order, on a fresh copy of that register:

- ``firmsync registry update`` against the fake portal running as its own process: it finds
  snapshot 2 and MF 2025, downloads them over loopback, imports them, deletes the downloads;
- ``firmsync registry import`` of the same files straight from the sample folder.

Prints each round, the medians and their ratio (the update's cost beyond the import:
asking the portal, downloading, checking sizes, cleaning up). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from firmsync.sources.fake.portal import FIRST, SECOND, make_portal_sample
from firmsync.sources.fake.server import fake_process


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of one command, which must succeed, and the most memory one of its
    processes held (MB: the kernel's peak resident size of the command and the processes
    it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def register_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(folder),
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{folder.resolve()}/registry.sqlite3",
    }


def fresh(base: Path, copy: Path) -> Path:
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(base, copy)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=4_200_000)
    parser.add_argument("--sample", type=Path, default=Path("bench/out/portal-4.2M"))
    parser.add_argument("--work", type=Path, default=Path("bench/out/portal-update"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    first, second = f"{FIRST:%d-%m-%Y}", f"{SECOND:%d-%m-%Y}"

    if not (args.sample / f"firme-{second}").exists():
        started = time.perf_counter()
        make_portal_sample(args.sample, companies=args.companies)
        print(f"samples of {args.companies:,} companies: {time.perf_counter() - started:.1f} s")
    base = args.work / "base"
    if not (base / "registry.sqlite3").exists():
        base.mkdir(parents=True, exist_ok=True)
        paths = [f"firme-{first}", f"nomenclatoare-{first}", "situatii_financiare_2024"]
        wall, peak = run(
            [firmsync, "registry", "import", *(str(args.sample / p) for p in paths)],
            register_env(base),
        )
        print(f"snapshot {FIRST} and MF 2024 imported: {wall:.1f} s, peak {peak:,.0f} MB")
    second_files = [
        str(args.sample / p)
        for p in (f"firme-{second}", f"nomenclatoare-{second}", "situatii_financiare_2025")
    ]

    with fake_process("fake-portal", "--dir", str(args.sample), wait=20.0) as url:
        updates: list[float] = []
        imports: list[float] = []
        peaks: dict[str, float] = {"update": 0.0, "import": 0.0}
        copy = args.work / "round"
        for round_ in range(args.rounds):
            steps = [
                ("update", [firmsync, "registry", "update", "--portal", url], updates),
                ("import", [firmsync, "registry", "import", *second_files], imports),
            ]
            for name, command, times in steps if round_ % 2 == 0 else steps[::-1]:
                seconds, peak = run(command, register_env(fresh(base, copy)))
                times.append(seconds)
                peaks[name] = max(peaks[name], peak)
                print(f"  round {round_ + 1}: {name:<7} {seconds:7.1f} s, peak {peak:,.0f} MB")
        shutil.rmtree(copy, ignore_errors=True)
    update, direct = statistics.median(updates), statistics.median(imports)
    print(
        f"\nsnapshot {FIRST} → {SECOND} and MF 2025, {args.companies:,} companies, "
        f"medians of {args.rounds}:\n"
        f"  registry update (fake portal)   {update:7.1f} s, peak {peaks['update']:,.0f} MB\n"
        f"  registry import (same files)    {direct:7.1f} s, peak {peaks['import']:,.0f} MB\n"
        f"  ratio                           {update / direct:7.2f}x"
    )


if __name__ == "__main__":
    main()
