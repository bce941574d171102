"""Benchmark: building the name index from a SQLite register and from a PostgreSQL one.

    python bench/name_index.py [--companies 4200000] [--sample DIR] [--work DIR]
                               [--rounds 3] [--postgres URL]

Generates a sample register once (kept in ``--sample``, by default
``bench/out/sample-<size>``), imports what the name index reads of it (the code tables,
``OD_FIRME`` and ``OD_STARE_FIRMA``) into a fresh SQLite register under ``--work`` and
into a PostgreSQL register: a database of its own on the server ``--postgres`` names (or
``FIRMSYNC_DATABASE_URL`` when it is one), the URL's name with ``_index``, made afresh and
dropped after. Then it builds the name index from each, ``--rounds`` times, the two in
turns (the order alternating round by round, so that both see the same load of a shared
machine), each build a ``firmsync match build`` process of its own so that wall time and
peak RSS are the build's own (the PostgreSQL server's work counts in the wall time, not in
the RSS). Prints each round, the medians and the ratio PostgreSQL / SQLite, and whether
the two indexes hold the same entries.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from databases import drop_database, env_url, fresh_database
from import_register import run

# What the name index reads of a snapshot: the registrations and their statuses (the code
# tables label the statuses).
FILES = ("OD_FIRME.CSV", "OD_STARE_FIRMA.CSV")


def size_label(companies: int) -> str:
    """``4.2M``, ``200k``, ``950``: a sample's size in its folder's name."""
    if companies >= 1_000_000:
        return f"{companies / 1_000_000:g}M"
    if companies >= 1_000:
        return f"{companies / 1_000:g}k"
    return str(companies)


def sample(folder: Path, companies: int) -> list[Path]:
    """The sample's code tables and registrations files, generated first if not there."""
    if not (folder / "README.md").exists():
        from firmsync.registry.sample import make_sample

        started = time.perf_counter()
        make_sample(folder, companies=companies)
        print(f"make_sample {companies:,} companies: {time.perf_counter() - started:.1f} s")
    codes = [p for p in sorted(folder.glob("nomenclatoare-*")) if p.is_dir()]
    found = [p for name in FILES for p in sorted(folder.glob(f"firme-*/{name}"))]
    return codes + found


def import_register(url: str, files: list[Path], folder: Path) -> float:
    """Import ``files`` into the register at ``url`` (in this process); wall seconds."""
    from firmsync.registry.importer import import_paths
    from firmsync.registry.store import RegisterStore

    started = time.perf_counter()
    store = RegisterStore(url)
    import_paths(store, files, reports_dir=folder / "import-reports")
    store.close()
    return time.perf_counter() - started


def build(env: dict[str, str]) -> tuple[float, float, float, int]:
    """One ``firmsync match build``: wall seconds, the build's own seconds (its
    ``meta.json``), peak RSS in MB, and the registrations indexed."""
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    wall, rss = run([firmsync, "match", "build"], env)
    meta = json.loads((Path(env["FIRMSYNC_DATA_DIR"]) / "names" / "meta.json").read_text())
    return wall, meta["seconds"], rss, meta["documents"]


def same_entries(sqlite_names: Path, postgres_names: Path) -> bool:
    """Whether both indexes hold the same entries, whatever order the registers read in."""
    import pyarrow as pa

    def sorted_entries(path: Path) -> pa.Table:
        table = pa.ipc.open_file(pa.memory_map(str(path / "entries.arrow"))).read_all()
        return table.sort_by([(name, "ascending") for name in table.column_names])

    return sorted_entries(sqlite_names).equals(sorted_entries(postgres_names))


HEADER = (
    f"{'round':<7} {'first':<11} {'SQLite s':>9} {'build s':>8} {'peak MB':>8}   "
    f"{'PostgreSQL s':>12} {'build s':>8} {'peak MB':>8} {'ratio':>7}"
)


def rounds(envs: dict[str, dict[str, str]], count: int) -> list[dict[str, tuple]]:
    """``count`` rounds of one build from each register, the order alternating."""
    print(HEADER)
    results = []
    for round_ in range(count):
        order = list(envs) if round_ % 2 == 0 else list(reversed(envs))
        result = {backend: build(envs[backend]) for backend in order}
        results.append(result)
        ratio = result["PostgreSQL"][0] / result["SQLite"][0]
        print(row(f"{round_ + 1:<7} {order[0]:<11}", result["SQLite"], result["PostgreSQL"], ratio))
    return results


def row(label: str, sqlite: tuple, postgres: tuple, ratio: float) -> str:
    return (
        f"{label} {sqlite[0]:>9.1f} {sqlite[1]:>8.1f} {sqlite[2]:>8,.0f}   "
        f"{postgres[0]:>12.1f} {postgres[1]:>8.1f} {postgres[2]:>8,.0f} {ratio:>6.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=4_200_000)
    parser.add_argument("--sample", type=Path, help="default: bench/out/sample-<size>")
    parser.add_argument("--work", type=Path, default=Path("bench/out/name-index"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=env_url("FIRMSYNC_DATABASE_URL", "postgres"))
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("give a PostgreSQL server: --postgres URL (or FIRMSYNC_DATABASE_URL)")
    files = sample(
        args.sample or Path(f"bench/out/sample-{size_label(args.companies)}"), args.companies
    )
    shutil.rmtree(args.work, ignore_errors=True)
    folders = {"SQLite": args.work / "sqlite", "PostgreSQL": args.work / "postgres"}
    for folder in folders.values():
        folder.mkdir(parents=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("FIRMSYNC_")}
    base["FIRMSYNC_REGISTER_UPDATE"] = "off"  # (a sample register: never the portal's)
    database = fresh_database(args.postgres, "index")
    try:
        urls = {
            "SQLite": f"sqlite:///{folders['SQLite'].resolve()}/registry.sqlite3",
            "PostgreSQL": database,
        }
        envs = {
            backend: {
                **base,
                "FIRMSYNC_DATA_DIR": str(folders[backend].resolve()),
                "FIRMSYNC_REGISTER_URL": urls[backend],
                **({"FIRMSYNC_DATABASE_URL": database} if backend == "PostgreSQL" else {}),
            }
            for backend in folders
        }
        imported = {b: import_register(urls[b], files, folders[b]) for b in folders}
        print(
            f"{args.companies:,} companies imported ({', '.join(p.name for p in files)}): "
            f"SQLite {imported['SQLite']:.1f} s, PostgreSQL {imported['PostgreSQL']:.1f} s"
        )
        print(
            "\nname index built from each register (firmsync match build), a process a "
            "build, paired, the order alternating; wall s, the build's own s, peak RSS:"
        )
        results = rounds(envs, args.rounds)
    finally:
        drop_database(database)
    summary(results)
    same = same_entries(folders["SQLite"] / "names", folders["PostgreSQL"] / "names")
    print(f"same entries in both indexes: {'yes' if same else 'NO'}")


def summary(results: list[dict[str, tuple]]) -> None:
    """The medians of every figure, and of the rounds' ratios; the registrations indexed."""
    medians = {
        backend: tuple(statistics.median(r[backend][i] for r in results) for i in range(3))
        for backend in ("SQLite", "PostgreSQL")
    }
    ratio = statistics.median(r["PostgreSQL"][0] / r["SQLite"][0] for r in results)
    print(row(f"{'median':<19}", medians["SQLite"], medians["PostgreSQL"], ratio))
    documents = {f"{r[b][3]:,}" for r in results for b in r}
    print(f"registrations indexed: {' / '.join(sorted(documents))}")


if __name__ == "__main__":
    main()
