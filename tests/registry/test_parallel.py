"""Reading a file on several cores gives exactly what reading it in one piece gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.registry.importer import import_paths
from firmsync.registry.reader import DelimitedFile, FileReport
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore

from .snapshot import FIRME_ROWS, write_snapshot
from .test_import import dump


def test_ranges_start_on_records_even_inside_a_broken_row(tmp_path: Path) -> None:
    # Many copies of the quirky rows, so that range boundaries land everywhere.
    rows = [row.replace("^J", f"^{n}J", 1) for n in range(40) for row in FIRME_ROWS]
    root = write_snapshot(tmp_path, firme=rows)
    path = root / "firme-02-09-2026" / "OD_FIRME.CSV"
    whole = list(DelimitedFile(path, FileReport("a")).records())
    for parts in (2, 3, 7, 50):
        source = DelimitedFile(path, FileReport("b"))
        pieces = [record for span in source.split(parts) for record in source.records(span)]
        assert pieces == whole, parts


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_import_equals_sequential(tmp_path: Path, register_url: str, workers: int) -> None:
    make_sample(tmp_path / "s", companies=3000, seed=5)
    sequential = RegisterStore(f"sqlite:///{tmp_path}/one.sqlite3")
    one = import_paths(sequential, [tmp_path / "s"], workers=1)
    parallel = RegisterStore(register_url)
    many = import_paths(parallel, [tmp_path / "s"], workers=workers, parallel_from_bytes=0)
    assert dump(parallel) == dump(sequential)
    for (_, a), (_, b) in zip(one.files, many.files, strict=True):
        assert (a.rows_read, a.rows_loaded, a.rejected, a.warnings) == (
            b.rows_read,
            b.rows_loaded,
            b.rejected,
            b.warnings,
        )
        assert [(p.line, p.reason) for p in a.examples] == [(p.line, p.reason) for p in b.examples]
    assert not list(tmp_path.glob("*.part*"))
