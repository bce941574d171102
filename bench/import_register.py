"""Benchmark: importing a full-size sample register, against the sqlite3 shell's ``.import``.

    python bench/import_register.py [--companies 4200000] [--sample DIR] [--work DIR]

Generates the sample once (kept in ``--sample`` for later runs), then imports it file by
file into a fresh SQLite register, each file in its own ``firmsync registry import``
process so that wall time and peak RSS are that file's own. In the same run the sqlite3
command-line shell (Debian package ``sqlite3``) imports the same ``OD_FIRME.CSV`` into a
bare table, and the ratio is printed. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from firmsync.registry.importer import _ORDER, recognise, snapshot_of


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the process and its children) of one command."""
    started = time.perf_counter()
    # The sqlite3 shell warns on every line of a broken row: its messages are not figures.
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if command[0] == "sqlite3" else None,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024


def lines(path: Path) -> int:
    """Data lines of a file (a row broken across two lines counts twice)."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=4_200_000)
    parser.add_argument("--sample", type=Path, default=Path("bench/out/sample-4.2M"))
    parser.add_argument("--work", type=Path, default=Path("bench/out/import"))
    args = parser.parse_args()
    firmsync = str(Path(sys.executable).with_name("firmsync"))

    if not (args.sample / "README.md").exists():
        wall, rss = run(
            [
                firmsync,
                "registry",
                "make-sample",
                "--companies",
                str(args.companies),
                "--out",
                str(args.sample),
            ]
        )
        print(f"make-sample {args.companies:,} companies: {wall:.1f} s, peak RSS {rss:.0f} MB")

    files = [recognise(p) for p in sorted(args.sample.rglob("*")) if p.is_file()]
    files = [f for f in files if f.kind not in ("unknown", "description")]
    files.sort(key=lambda f: (_ORDER[f.kind], snapshot_of(f.path) or 0))
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    env = {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(args.work),
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{args.work.resolve()}/registry.sqlite3",
    }

    firme = next(f.path for f in files if f.path.name == "OD_FIRME.CSV")
    baseline_db = args.work / "baseline.sqlite3"
    sqlite_wall, sqlite_rss = run(
        ["sqlite3", str(baseline_db), ".mode ascii", ".separator ^ \\n", f".import {firme} t"]
    )
    baseline_db.unlink()

    print(f"{'file':<32} {'lines':>11} {'wall s':>8} {'lines/s':>10} {'peak RSS MB':>12}")
    total = 0.0
    for item in files:
        wall, rss = run([firmsync, "registry", "import", str(item.path)], env)
        total += wall
        n = lines(item.path)
        print(f"{item.path.name:<32} {n:>11,} {wall:>8.1f} {n / wall:>10,.0f} {rss:>12.0f}")
        if item.path == firme:
            firme_wall = wall
    n = lines(firme)
    print(
        f"{'sqlite3 .import OD_FIRME.CSV':<32} {n:>11,} {sqlite_wall:>8.1f} "
        f"{n / sqlite_wall:>10,.0f} {sqlite_rss:>12.0f}"
    )
    print(f"OD_FIRME import / sqlite3 .import: {firme_wall / sqlite_wall:.2f}x")
    print(f"whole sample: {total:.1f} s ({total / 60:.1f} min)")


if __name__ == "__main__":
    main()
