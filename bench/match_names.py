"""Benchmark: name matching on a full-size register, against rapidfuzz brute force.

    python bench/match_names.py --data DIR [--build] [--queries 2000] [--baseline 100]
                                [--bulk 20000]

``DIR`` is a firmsync data folder whose register is imported (``FIRMSYNC_DATA_DIR``; the
register URL comes from the environment as usual). Each step runs in a process of its own,
so that times and peak RSS are that step's:

1. ``--build``: build the name index (wall time, peak RSS);
2. open the index in a fresh process (load time);
3. the matching process (the queries are drawn beforehand, in a process of their own):
   ``--queries`` noisy queries for registered companies plus a quarter
   as many for absent ones, once without and once with county and locality: per-query p50 /
   p95, the quality figures, and the process's peak RSS;
4. the baseline, in the same run: ``rapidfuzz.process.extract`` (WRatio, top 5, for the
   quality figures) and ``process.extractOne`` (the best name only, timed) over every
   normalised name, on the first ``--baseline`` of the same queries, next to the matcher on
   exactly those queries;
5. bulk: ``firmsync match --file … --out …`` on ``--bulk`` names, both cores, three
   times (the median, and each run).

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SEED = 7


def _made(count: int, with_county: float) -> list:
    from firmsync import conf
    from firmsync.matching.queries import sample_queries
    from firmsync.registry.store import RegisterStore

    store = RegisterStore(conf.load().register_url, create=False)
    try:
        return sample_queries(
            store, present=count, absent=count // 4, seed=SEED, with_county=with_county
        )
    finally:
        store.close()


def step_queries(data: Path, count: int, baseline: int, bulk: int) -> dict:
    """Draw every query set once, into a file: drawing them takes memory that is not the
    matcher's, so the matching process only reads them."""
    from dataclasses import asdict

    sets = {"without county": _made(count, 0.0), "with county": _made(count, 1.0)}
    half = _made(max(baseline, bulk), 0.5)
    sets["subset"] = half[: baseline * 4 // 5] + half[max(baseline, bulk) :][: baseline // 5]
    sets["bulk"] = half[:bulk]
    _queries_file(data).write_text(
        json.dumps({name: [asdict(q) for q in queries] for name, queries in sets.items()})
    )
    return {name: len(queries) for name, queries in sets.items()}


def _queries_file(data: Path) -> Path:
    return data / "bench-queries.json"


def _queries(name: str) -> list:
    from firmsync.matching.queries import LabelledQuery

    sets = json.loads(_queries_file(Path(os.environ["FIRMSYNC_DATA_DIR"])).read_text())
    return [LabelledQuery(**q) for q in sets[name]]


def _timed(match, queries: list) -> tuple[list[float], object]:
    from firmsync.matching.evaluation import evaluate

    times: list[float] = []

    def timed(query):
        started = time.perf_counter()
        result = match(query)
        times.append(time.perf_counter() - started)
        return result

    return times, evaluate(timed, queries)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_build(data: Path) -> dict:
    from firmsync import conf
    from firmsync.matching.index import NameIndex
    from firmsync.registry.store import RegisterStore

    # Opened as the product opens it: a register of an older schema is brought up to date.
    store = RegisterStore(conf.load().register_url)
    started = time.perf_counter()
    index = NameIndex.build(store, data / "names")
    return {
        "seconds": time.perf_counter() - started,
        "documents": index.documents,
        "peak_mb": _peak_mb(),
    }


def step_load(data: Path) -> dict:
    started = time.perf_counter()
    from firmsync.matching.matcher import Matcher

    matcher = Matcher.open(data / "names")
    matcher.match("ALFA BETA SRL")
    return {"seconds": time.perf_counter() - started}


def step_match(data: Path, count: int, baseline: int) -> dict:
    from firmsync.matching.matcher import Matcher

    matcher = Matcher.open(data / "names")
    out: dict = {}
    for label in ("without county", "with county"):
        queries = _queries(label)
        for q in queries[:50]:  # warm the page cache and the term cache
            matcher.match(q.name, q.county, q.locality)
        times, metrics = _timed(lambda q: matcher.match(q.name, q.county, q.locality), queries)
        out[label] = {
            "p50_ms": float(np.percentile(times, 50) * 1000),
            "p95_ms": float(np.percentile(times, 95) * 1000),
            "lines": metrics.lines(),
        }
    subset = _queries("subset")
    times, metrics = _timed(lambda q: matcher.match(q.name, q.county, q.locality), subset)
    out["subset"] = {"mean_ms": float(np.mean(times) * 1000), "lines": metrics.lines()}
    out["peak_mb"] = _peak_mb()
    return out


def step_baseline(data: Path, count: int) -> dict:
    from firmsync.matching.baseline import BruteForce
    from firmsync.matching.index import NameIndex

    brute = BruteForce.from_index(NameIndex(data / "names"))
    subset = _queries("subset")
    times, metrics = _timed(brute, subset)
    one = []
    for query in subset:  # the best name only: what the baseline names
        started = time.perf_counter()
        brute.best(query)
        one.append(time.perf_counter() - started)
    return {
        "mean_ms": float(np.mean(times) * 1000),
        "one_mean_ms": float(np.mean(one) * 1000),
        "lines": metrics.lines(),
        "peak_mb": _peak_mb(),
    }


def step(name: str, *args: str) -> dict:
    """Run one step in a fresh process; its figures come back as JSON on stdout."""
    result = subprocess.run(
        [sys.executable, __file__, "--step", name, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--bulk", type=int, default=20_000)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["FIRMSYNC_DATA_DIR"] = str(args.data)
    data = args.data.resolve()

    if args.step:
        steps = {
            "build": lambda: step_build(data),
            "load": lambda: step_load(data),
            "match": lambda: step_match(data, args.queries, args.baseline),
            "baseline": lambda: step_baseline(data, args.baseline),
            "queries": lambda: step_queries(data, args.queries, args.baseline, args.bulk),
        }
        print(json.dumps(steps[args.step]()))
        return

    common = ["--data", str(data), "--queries", str(args.queries)]
    common += ["--baseline", str(args.baseline), "--bulk", str(args.bulk)]
    if args.build:
        built = step("build", *common)
        print(
            f"index build: {built['documents']:,} registrations in {built['seconds']:.1f} s, "
            f"peak RSS {built['peak_mb']:.0f} MB"
        )
    step("queries", *common)
    loads = [step("load", *common)["seconds"] for _ in range(3)]
    print(
        f"index load + first match, fresh process: {min(loads):.2f} / {np.median(loads):.2f} "
        f"/ {max(loads):.2f} s (min / median / max of 3)"
    )
    matched = step("match", *common)
    for label in ("without county", "with county"):
        figures = matched[label]
        print(
            f"\n# matcher, {label}: p50 {figures['p50_ms']:.2f} ms, "
            f"p95 {figures['p95_ms']:.2f} ms per query"
        )
        print("\n".join(figures["lines"]))
    print(f"matching process peak RSS {matched['peak_mb']:.0f} MB")
    brute = step("baseline", *common)
    print(f"\n# side by side on the same {args.baseline} queries (half with county)")
    print(f"{'':24}{'matcher':>12}{'brute force':>14}")
    print(f"{'mean ms per query':24}{matched['subset']['mean_ms']:12.2f}{brute['mean_ms']:14.1f}")
    print(f"{'  extractOne (best only)':24}{'':12}{brute['one_mean_ms']:14.1f}")
    for ours, theirs in zip(matched["subset"]["lines"][1:], brute["lines"][1:], strict=True):
        label, value = ours.rsplit(maxsplit=1)
        print(f"{label:24}{value:>12}{theirs.rsplit(maxsplit=1)[1]:>14}")
    print(matched["subset"]["lines"][0])
    speedup = brute["one_mean_ms"] / matched["subset"]["mean_ms"]
    print(
        f"matcher is {speedup:,.0f}x faster than extractOne "
        f"(baseline peak RSS {brute['peak_mb']:.0f} MB)"
    )

    if args.bulk:
        _bulk(data, args.bulk)


def _bulk(data: Path, count: int) -> None:
    queries = _queries("bulk")
    path = data / "bench-bulk.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "county", "locality"])
        writer.writerows([q.name, q.county or "", q.locality or ""] for q in queries)
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    command = [firmsync, "match", "--file", str(path), "--out", str(data / "bench-out.csv")]
    walls = []
    for _ in range(3):  # the first after the baseline's 1.3 GB finds the index's pages cold
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    runs = " ".join(f"{len(queries) / wall:,.0f}" for wall in walls)
    wall = float(np.median(walls))
    print(
        f"\nbulk: {len(queries):,} names in {wall:.1f} s = {len(queries) / wall:,.0f} names/s "
        f"(whole command, {os.cpu_count()} cores; median of 3 runs: {runs} names/s)"
    )


if __name__ == "__main__":
    main()
