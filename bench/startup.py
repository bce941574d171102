"""Benchmark: how fast the console script starts, against ``import django, click``.

    python bench/startup.py [--runs 11] [--companies 2000]

Makes a small register in a temporary folder (``registry make-sample`` + ``registry
import``), then runs ``firmsync --help``, ``firmsync registry show CUI --json`` and the
baseline ``python -c "import django, click"`` in turns, ``--runs`` times each (after one
warm-up), and prints each command's median wall time and its median ratio to the baseline
run beside it (the target: within 2×). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--companies", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="firmsync-startup-"))
    env = {**os.environ, "FIRMSYNC_DATA_DIR": str(folder)}
    firmsync = str(BIN / "firmsync")
    run = {"env": env, "check": True, "capture_output": True, "text": True}
    sample = ["registry", "make-sample", "--companies", str(args.companies)]
    subprocess.run([firmsync, *sample, "--out", str(folder / "sample")], **run)
    subprocess.run([firmsync, "registry", "import", str(folder / "sample")], **run)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from firmsync.registry.read import examples
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(f"sqlite:///{folder}/registry.sqlite3")
    cui = examples(store, 1)[0][0]
    store.close()
    baseline = [str(BIN / "python"), "-c", "import django, click"]
    commands = {
        "firmsync --help": [firmsync, "--help"],
        f"firmsync registry show {cui} --json": [firmsync, "registry", "show", cui, "--json"],
    }
    for name, command in commands.items():
        _time(command, env), _time(baseline, env)  # warm-up
        pairs = [(_time(command, env), _time(baseline, env)) for _ in range(args.runs)]
        mine = statistics.median(a for a, _ in pairs) * 1000
        base = statistics.median(b for _, b in pairs) * 1000
        ratio = statistics.median(a / b for a, b in pairs)
        print(
            f"{name}: median {mine:.0f} ms; import django, click: {base:.0f} ms; "
            f"ratio {ratio:.2f}x (median of {args.runs} pairs)"
        )


if __name__ == "__main__":
    main()
