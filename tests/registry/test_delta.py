"""A newer OD_FIRME or OD_STARE_FIRMA read only where it differs from the previous one:
the lines found are exactly those that differ, and the register it leaves is the one a
whole read of the same files leaves."""

from __future__ import annotations

import logging
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from firmsync.registry import delta
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore
from tests.conftest import fresh_register_url


def _lines(tmp_path: Path, name: str, rows: list[bytes]) -> delta.Lines:
    path = tmp_path / name
    path.write_bytes(b"H^A\n" + b"".join(row + b"\n" for row in rows))
    return delta.read_lines(path)


@pytest.mark.parametrize("seed", range(6))
def test_the_lines_found_are_the_multiset_difference(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    old = [f"R{rng.randrange(300)}^{rng.randrange(3)}".encode() for _ in range(400)]
    new = list(old)
    for _ in range(rng.randrange(1, 40)):  # changed, inserted, deleted, repeated lines
        at = rng.randrange(len(new))
        action = rng.randrange(4)
        if action == 0:
            new[at] = new[at] + b"X"
        elif action == 1:
            new.insert(at, f"N{rng.randrange(50)}^1".encode())
        elif action == 2:
            del new[at]
        else:
            new.insert(at, new[rng.randrange(len(new))])
    if seed % 2:
        rng.shuffle(new)
    added, removed = delta.changed(_lines(tmp_path, "new", new), _lines(tmp_path, "old", old))
    # What the found lines add and take away is what the files differ by, text by text …
    net = Counter(new[i] for i in added)
    net.subtract(Counter(old[i] for i in removed))
    expected = Counter(new)
    expected.subtract(Counter(old))
    assert +net == +expected and -net == -expected
    # … and a line whose text both files hold as many times is never found.
    counts, old_counts = Counter(new), Counter(old)
    assert all(counts[new[i]] != old_counts[new[i]] for i in added) or seed % 2 == 0


def test_lines_at_the_same_place_and_alike_are_not_read(tmp_path: Path) -> None:
    old = [f"J{n}^1048".encode() for n in range(1000)]
    new = list(old)
    new[10], new[500] = b"J10^1084", b"J500^1084"
    new.append(b"J1000^1048")
    added, removed = delta.changed(_lines(tmp_path, "new", new), _lines(tmp_path, "old", old))
    assert (added, removed) == ([10, 500, 1000], [10, 500])


def test_a_changed_piece_of_a_row_broken_across_lines_asks_for_a_whole_read(
    tmp_path: Path,
) -> None:
    lines = _lines(tmp_path, "new", [b"A^1", b"B second", b"half^2", b"C^3", b"D^4"])
    # half^2 has the fields of a row, but it ends the row begun on the line before.
    assert delta.runs(lines, [2], width=2, delimiter=b"^") is None
    assert delta.runs(lines, [1], width=2, delimiter=b"^") is None
    assert delta.runs(lines, [0, 3, 4], width=2, delimiter=b"^") == [
        (2, [b"A^1"]),
        (5, [b"C^3", b"D^4"]),
    ]
    # After the last piece of a row broken across lines, a row stands on its own.
    lines = _lines(tmp_path, "next", [b"A^1^x", b"B^1", b"tail^x", b"C^2^3"])
    assert delta.runs(lines, [3], width=3, delimiter=b"^") == [(5, [b"C^2^3"])]


# --- the importer -----------------------------------------------------------------------


def _next_month(sample: Path, target: Path) -> None:
    """The sample's OD_FIRME and OD_STARE_FIRMA a month on: companies renamed or moved,
    some gone from the list, new ones (one in the middle, shifting the rest), statuses
    flipped, codes added, dropped and repeated; its other files as they were, so that the
    snapshot is complete."""
    firme = next(sample.glob("firme-*/OD_FIRME.CSV")).read_bytes().split(b"\r\n")
    header, rows = firme[0], [r for r in firme[1:] if r]
    rng = random.Random(11)
    for at in rng.sample(range(len(rows)), 40):
        rows[at] = rows[at].replace(b"^", b" NOUA^", 1)
    for at in rng.sample(range(len(rows)), 8):
        fields = rows[at].split(b"^")
        fields[8] = b"Dej"
        rows[at] = b"^".join(fields)
    new_rows = [
        f"FIRMA NOUA {n} SRL^^J12/{9000 + n}/2026^01/11/2026^^SRL^România^Cluj^Cluj-Napoca"
        "^^^^^^^^^^^".encode()
        for n in range(5)
    ]
    del rows[100:106]
    rows.insert(300, new_rows[0])
    rows.extend(new_rows[1:])
    status = next(sample.glob("firme-*/OD_STARE_FIRMA.CSV")).read_bytes().split(b"\r\n")
    s_header, codes = status[0], [r for r in status[1:] if r]
    for at in rng.sample(range(len(codes)), 40):
        reg, code = codes[at].split(b"^")
        codes[at] = reg + (b"^1084" if code != b"1084" else b"^1048")
    del codes[50:55]
    codes.insert(200, codes[201])  # a code listed twice
    codes.append(b"J12/9001/2026^1048")
    folder = target / "firme-02-12-2026"
    folder.mkdir(parents=True)
    (folder / "OD_FIRME.CSV").write_bytes(b"\r\n".join([header, *rows, b""]))
    (folder / "OD_STARE_FIRMA.CSV").write_bytes(b"\r\n".join([s_header, *codes, b""]))
    for name in ("OD_CAEN_AUTORIZAT.CSV", "OD_REPREZENTANTI_LEGALI.CSV"):
        shutil.copy(next(sample.glob(f"firme-*/{name}")), folder / name)


def _dump(store: RegisterStore) -> dict[str, list[tuple[object, ...]]]:
    def rows(sql: str) -> list[tuple[object, ...]]:
        return sorted(store.query(sql), key=repr)

    return {
        "registrations": rows("SELECT * FROM registration_view"),
        "states": rows("SELECT reg_number, status, codes FROM registration_status"),
        "changes": rows("SELECT reg_number, snapshot, old_codes, new_codes FROM status_change"),
        "indexed": rows("SELECT DISTINCT reg_number FROM index_change"),
        "meta": rows(
            "SELECT key, value FROM meta "
            "WHERE key IN ('snapshot', 'status_snapshot', 'registrations_snapshot')"
        ),
        "snapshots": rows("SELECT snapshot, name FROM snapshot_table"),
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("delta-sample")
    make_sample(directory / "sample", companies=1_500, seed=5)
    _next_month(directory / "sample", directory / "next")
    return directory


@pytest.fixture
def two_registers(tmp_path: Path) -> Iterator[tuple[RegisterStore, RegisterStore]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with fresh_register_url(tmp_path / "a") as a, fresh_register_url(tmp_path / "b") as b:
        stores = RegisterStore(a), RegisterStore(b)
        yield stores
        for store in stores:
            store.close()


@pytest.fixture
def imported(
    sample: Path, two_registers: tuple[RegisterStore, RegisterStore], tmp_path: Path
) -> tuple[RegisterStore, RegisterStore, Path]:
    """The sample in two registers: one keeping its files (``files``), one not."""
    changed_only, whole = two_registers
    files = tmp_path / "files"
    import_paths(changed_only, [sample / "sample"], files_dir=files)
    import_paths(whole, [sample / "sample"])
    return changed_only, whole, files


def test_a_file_read_where_it_changed_leaves_the_register_a_whole_read_leaves(
    sample: Path,
    imported: tuple[RegisterStore, RegisterStore, Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    changed_only, whole, files = imported
    assert _dump(changed_only) == _dump(whole)
    assert sorted(p.name.split("-")[0] for p in files.iterdir()) == [
        "registrations",
        "status_codes",
    ]
    with caplog.at_level(logging.INFO, logger="firmsync.registry.importer"):
        result = import_paths(changed_only, [sample / "next"], files_dir=files)
    assert "OD_FIRME.CSV: 5" in caplog.text  # read where it changed, not whole
    assert "OD_STARE_FIRMA.CSV: " in caplog.text
    expected_result = import_paths(whole, [sample / "next"])
    after, expected = _dump(changed_only), _dump(whole)
    for part in expected:
        assert after[part] == expected[part], part
    assert ("snapshot", "2026-12-02") in after["meta"]
    # Rows counted as a whole read counts them: the unchanged ones as read before.
    for (_, report), (_, whole_report) in zip(result.files, expected_result.files, strict=True):
        assert (report.rows_read, report.rows_loaded) == (
            whole_report.rows_read,
            whole_report.rows_loaded,
        )


def test_a_row_broken_across_lines_changed_is_read_whole_and_right(
    sample: Path,
    imported: tuple[RegisterStore, RegisterStore, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    changed_only, whole, files = imported
    later = tmp_path / "later" / "firme-02-12-2026"
    later.mkdir(parents=True)
    rows = next((sample / "next").glob("firme-*/OD_FIRME.CSV")).read_bytes().split(b"\r\n")
    fields = rows[700].split(b"^")  # a value with a line break in it
    rows[700] = b"^".join([*fields[:9], fields[9] + b"\r\nbloc nou", *fields[10:]])
    (later / "OD_FIRME.CSV").write_bytes(b"\r\n".join(rows))
    with caplog.at_level(logging.INFO, logger="firmsync.registry.importer"):
        import_paths(changed_only, [later], files_dir=files)
    assert "lines changed, " not in caplog.text  # read whole
    import_paths(whole, [later])
    assert _dump(changed_only) == _dump(whole)
    assert changed_only.meta("file:registrations") is not None  # kept for the next one


def test_the_same_file_again_changes_nothing(
    sample: Path, two_registers: tuple[RegisterStore, RegisterStore], tmp_path: Path
) -> None:
    store, _ = two_registers
    files = tmp_path / "files"
    import_paths(store, [sample / "sample"], files_dir=files)
    before = _dump(store)
    import_paths(store, [sample / "sample"], files_dir=files)
    assert _dump(store) == before


def test_a_copy_the_register_no_longer_matches_is_not_compared_with(
    sample: Path, imported: tuple[RegisterStore, RegisterStore, Path]
) -> None:
    changed_only, whole, files = imported
    # Statuses imported without keeping the file: the kept copy no longer says what is in.
    status = next((sample / "next").glob("firme-*/OD_STARE_FIRMA.CSV"))
    import_paths(changed_only, [status])
    import_paths(whole, [status])
    assert changed_only.meta("file:status_codes") is None
    import_paths(changed_only, [sample / "next"], files_dir=files)
    import_paths(whole, [sample / "next"])
    assert _dump(changed_only) == _dump(whole)
