"""Benchmark: importing a full-size sample register, against the sqlite3 shell's ``.import``.

    python bench/import_register.py [--companies 4200000] [--sample DIR] [--work DIR]
                                    [--rounds 3] [--share 0.01] [--reuse]

Generates the sample once (kept in ``--sample`` for later runs), then:

1. imports it file by file into a fresh SQLite register, each file in its own
   ``firmsync registry import`` process so that wall time and peak RSS are that file's own
   (``--reuse`` keeps the register of an earlier run instead);
2. writes the next month's ``OD_FIRME.CSV`` and ``OD_STARE_FIRMA.CSV``, the sample's with
   ``--share`` of their rows changed (companies renamed; states flipped between operating
   and struck off), and re-imports each alone into a copy of the full register — the
   monthly case, name index work included — paired in each round with the sqlite3
   command-line shell's (Debian package ``sqlite3``) ``.import`` of the same file into a
   bare table, in alternating order. Prints each round and the medians.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
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


def register_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(folder),
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{folder.resolve()}/registry.sqlite3",
    }


def sqlite3_import(path: Path, work: Path) -> float:
    """The sqlite3 shell's ``.import`` of ``path`` into a bare table of a fresh file."""
    database = work / "baseline.sqlite3"
    database.unlink(missing_ok=True)
    wall, _ = run(
        ["sqlite3", str(database), ".mode ascii", ".separator ^ \\n", f".import {path} t"]
    )
    database.unlink()
    return wall


def changed_copy(source: Path, target: Path, share: float) -> int:
    """``source`` with every ``1/share``-th row changed, written to ``target``: in
    ``OD_FIRME`` the company renamed (rows whole on their line only), in ``OD_STARE_FIRMA``
    the code flipped between 1048 (operating) and 1084 (struck off). Returns rows changed."""
    every, changed = max(1, round(1 / share)), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as rows, target.open("wb") as out:
        header = rows.readline()
        out.write(header)
        fields = header.count(b"^")
        for n, row in enumerate(rows, start=1):
            if n % every == 0 and row.count(b"^") == fields:
                first, rest = row.split(b"^", 1)
                if source.name.upper().startswith("OD_FIRME"):
                    row = first + b" NOUA^" + rest
                else:
                    code = rest.rstrip(b"\r\n")
                    row = first + (b"^1084" if code != b"1084" else b"^1048") + b"\r\n"
                changed += 1
            out.write(row)
    return changed


def full_import(files: list[Path], full: Path) -> None:
    """Step 1: the whole sample, file by file, into a fresh register at ``full``."""
    shutil.rmtree(full, ignore_errors=True)
    full.mkdir(parents=True)
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    print(f"{'file':<32} {'lines':>11} {'wall s':>8} {'lines/s':>10} {'peak RSS MB':>12}")
    total = 0.0
    for path in files:
        wall, rss = run([firmsync, "registry", "import", str(path)], register_env(full))
        total += wall
        n = lines(path)
        print(f"{path.name:<32} {n:>11,} {wall:>8.1f} {n / wall:>10,.0f} {rss:>12.0f}")
    print(f"whole sample: {total:.1f} s ({total / 60:.1f} min)")


def reimport(path: Path, full: Path, work: Path, rounds: int) -> list[tuple[float, float, str]]:
    """Step 2: ``path`` alone into copies of the full register, paired with sqlite3."""
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    results = []
    for round_ in range(rounds):
        copy = work / "round"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(full, copy)
        ours = [firmsync, "registry", "import", str(path)]
        built = (copy / "names" / "meta.json").stat().st_mtime_ns
        if round_ % 2 == 0:
            wall, _ = run(ours, register_env(copy))
            baseline = sqlite3_import(path, work)
        else:
            baseline = sqlite3_import(path, work)
            wall, _ = run(ours, register_env(copy))
        meta = json.loads((copy / "names" / "meta.json").read_text())
        if (copy / "names" / "meta.json").stat().st_mtime_ns == built:
            index = "unchanged"
        elif "updated" in meta:
            index = f"{meta['updated']:,} registrations updated in {meta['seconds']:.1f} s"
        else:
            index = f"built in {meta['seconds']:.1f} s"
        results.append((wall, baseline, index))
        print(
            f"  round {round_ + 1}: {path.name:<20} firmsync {wall:6.1f} s   "
            f"sqlite3 .import {baseline:6.1f} s   {wall / baseline:5.2f}x   index: {index}"
        )
    shutil.rmtree(work / "round", ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=4_200_000)
    parser.add_argument("--sample", type=Path, default=Path("bench/out/sample-4.2M"))
    parser.add_argument("--work", type=Path, default=Path("bench/out/import"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.01, help="of rows changed a month")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier full register")
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

    found = [recognise(p) for p in sorted(args.sample.rglob("*")) if p.is_file()]
    found = [f for f in found if f.kind not in ("unknown", "description")]
    found.sort(key=lambda f: (_ORDER[f.kind], snapshot_of(f.path) or 0))
    files = [f.path for f in found]
    full = args.work / "full"
    args.work.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and (full / "names" / "meta.json").exists()):
        full_import(files, full)

    firme = next(p for p in files if p.name == "OD_FIRME.CSV")
    snapshot = snapshot_of(firme) or datetime.date.today()
    month = (snapshot.replace(day=1) + datetime.timedelta(days=32)).replace(day=snapshot.day)
    monthly = args.work / f"firme-{month:%d-%m-%Y}"
    print(
        f"\nre-imported alone into the full register as the next month's file "
        f"({args.share:.0%} of rows changed), paired with the sqlite3 shell's .import, "
        f"{args.rounds} rounds:"
    )
    summary = []
    for name in ("OD_FIRME.CSV", "OD_STARE_FIRMA.CSV"):
        source = next(p for p in files if p.name == name)
        changed = changed_copy(source, monthly / name, args.share)
        results = reimport(monthly / name, full, args.work, args.rounds)
        ours = statistics.median(r[0] for r in results)
        baseline = statistics.median(r[1] for r in results)
        ratio = statistics.median(r[0] / r[1] for r in results)
        summary.append((name, lines(source), changed, ours, baseline, ratio, results[-1][2]))
    print(
        f"\n{'file':<20} {'lines':>11} {'changed':>8} {'firmsync s':>11} "
        f"{'sqlite3 s':>10} {'ratio':>6}  name index (last round)"
    )
    for name, n, changed, ours, baseline, ratio, index in summary:
        print(
            f"{name:<20} {n:>11,} {changed:>8,} {ours:>11.1f} {baseline:>10.1f} "
            f"{ratio:>5.2f}x  {index}"
        )


if __name__ == "__main__":
    main()
