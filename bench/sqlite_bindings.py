"""Benchmark: the same register work through apsw, the standard library's sqlite3 and ADBC.

    python bench/sqlite_bindings.py [--rows 200000] [--sample DIR] [--repeat 5]

Takes the first ``--rows`` registrations of a generated sample's ``OD_FIRME.CSV`` (made once
into ``--sample``), read by the importer's own parser into Arrow, and for each binding, in
turns, ``--repeat`` times on a fresh SQLite file:

- ``insert tuples``: the rows as Python tuples, ``executemany`` in one transaction (ADBC:
  the tuples made into Arrow first, as it takes only Arrow);
- ``insert arrow``: the rows as the Arrow batches the columnar parser gives (apsw and
  sqlite3: turned into tuples first, as they take only tuples);
- ``read by cui``: 2,000 CUIs in batches of 100, each batch one statement (a sync's read);
- ``read all``: the name index's columns of every row.

Prints the median of each; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import adbc_driver_sqlite.dbapi
import apsw
import pyarrow as pa

from firmsync.registry import columnar
from firmsync.registry.reader import DelimitedFile, FileReport
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore

# The same statements for every binding: each takes ``?`` parameters.
BY_CUI = (
    "SELECT reg_number, cui, name, county, locality FROM registration "
    "WHERE cui IN (SELECT value FROM json_each(?))"
)
ALL = "SELECT reg_number, cui, name, county, locality FROM registration"
INDEX = "CREATE INDEX registration_cui ON registration (cui)"


def sample_rows(sample: Path, rows: int) -> pa.Table:
    firme = next(sample.rglob("OD_FIRME.CSV"))
    source = DelimitedFile(firme, FileReport(str(firme)))
    batches, count = [], 0
    for batch in columnar.registration_batches(source):
        batches.append(batch)
        count += batch.num_rows
        if count >= rows:
            break
    return pa.Table.from_batches(batches).slice(0, rows)


def tuples(table: pa.Table) -> list[tuple[Any, ...]]:
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


def insert_sql(table: pa.Table) -> str:
    names = ", ".join(table.column_names)
    return f"INSERT INTO registration ({names}) VALUES ({', '.join('?' * table.num_columns)})"


def empty_register(directory: Path) -> Path:
    path = directory / "registry.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = RegisterStore(f"sqlite:///{path}")
    store.recreate("registration")  # without indexes, as the importer loads it
    store.close()
    return path


class Binding:
    """One binding's connection to a register file, with the register's pragmas."""

    name = ""

    def __init__(self, path: Path) -> None:
        self.path = path

    def insert_tuples(self, table: pa.Table, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def insert_arrow(self, table: pa.Table) -> None:
        self.insert_tuples(table, tuples(table))

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Apsw(Binding):
    name = "apsw"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.connection = apsw.Connection(str(path))
        self.connection.pragma("synchronous", "OFF")

    def insert_tuples(self, table: pa.Table, rows: list[tuple[Any, ...]]) -> None:
        with self.connection:
            self.connection.executemany(insert_sql(table), rows)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(sql, params))

    def close(self) -> None:
        self.connection.close()


class Sqlite3(Binding):
    name = "sqlite3"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous=OFF")

    def insert_tuples(self, table: pa.Table, rows: list[tuple[Any, ...]]) -> None:
        self.connection.execute("BEGIN")
        self.connection.executemany(insert_sql(table), rows)
        self.connection.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql, params).fetchall()

    def close(self) -> None:
        self.connection.close()


class Adbc(Binding):
    name = "adbc"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.connection = adbc_driver_sqlite.dbapi.connect(str(path), autocommit=True)
        self.cursor = self.connection.cursor()
        self.cursor.execute("PRAGMA synchronous=OFF")

    def insert_tuples(self, table: pa.Table, rows: list[tuple[Any, ...]]) -> None:
        columns = list(zip(*rows, strict=True))
        arrays = [
            pa.array(values, field.type)
            for values, field in zip(columns, table.schema, strict=True)
        ]
        self.insert_arrow(pa.Table.from_arrays(arrays, schema=table.schema))

    def insert_arrow(self, table: pa.Table) -> None:
        self.cursor.adbc_ingest("registration", table, mode="append")

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall() if self.cursor.description else []

    def close(self) -> None:
        self.cursor.close()
        self.connection.close()


BINDINGS: tuple[type[Binding], ...] = (Apsw, Sqlite3, Adbc)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--sample", type=Path, default=Path("bench/out/sample-bindings"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.sample.exists():
        make_sample(args.sample, companies=args.rows)
    table = sample_rows(args.sample, args.rows)
    rows = tuples(table)
    cuis = [cui for cui in table.column("cui").to_pylist() if cui]
    picked = random.Random(1).sample(cuis, min(2_000, len(cuis)))
    batches = [picked[n : n + 100] for n in range(0, len(picked), 100)]

    figures: dict[tuple[str, str], list[float]] = {}
    directory = Path(tempfile.mkdtemp(prefix="firmsync-bindings-"))
    try:
        for _ in range(args.repeat):
            for binding in BINDINGS:  # in turns, so that a slow spell hits them all
                work: dict[str, Callable[[Binding], object]] = {
                    "insert tuples": lambda b: b.insert_tuples(table, rows),
                    "insert arrow": lambda b: b.insert_arrow(table),
                }
                for name, insert in work.items():
                    connection = binding(empty_register(directory))
                    figures.setdefault((binding.name, name), []).append(
                        timed(lambda: insert(connection))  # noqa: B023
                    )
                    connection.close()
                connection = binding(directory / "registry.sqlite3")
                connection.query(INDEX)
                reads = {
                    "read by cui": lambda c: [c.query(BY_CUI, (json.dumps(b),)) for b in batches],
                    "read all": lambda c: c.query(ALL),
                }
                for name, read in reads.items():
                    figures.setdefault((binding.name, name), []).append(
                        timed(lambda: read(connection))  # noqa: B023
                    )
                connection.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    print(f"{len(rows):,} registrations of {table.num_columns} columns; medians of {args.repeat}")
    print(f"{'work':<14} {'binding':<8} {'median s':>9} {'µs/row':>8}")
    for work_name in ("insert tuples", "insert arrow", "read by cui", "read all"):
        for binding in BINDINGS:
            median = statistics.median(figures[(binding.name, work_name)])
            count = len(picked) if work_name == "read by cui" else len(rows)
            print(f"{work_name:<14} {binding.name:<8} {median:>9.3f} {median / count * 1e6:>8.2f}")


if __name__ == "__main__":
    main()
