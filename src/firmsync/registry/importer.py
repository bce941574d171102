"""Importing official files into the register store.

``import_paths`` takes files and folders, recognises every file by its name (ONRC current
and old layouts, MF data and description files), orders them so code tables come before the
rows that use them, and loads each one streaming. A bad row is reported with file and line
and counted, never silently dropped and never fatal; the whole report of a file also goes to
``<data>/import-reports/``.

Re-importing the same snapshot changes nothing; a newer snapshot updates registrations in
place and records every status change with its snapshot date.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from firmsync.registry import mf, onrc
from firmsync.registry.parallel import Load, default_workers, load_file
from firmsync.registry.reader import DelimitedFile, FileReport
from firmsync.registry.store import NAME_INDEX_COLUMNS, RegisterStore

__all__ = ["ImportResult", "RecognisedFile", "import_paths", "recognise"]

T = TypeVar("T")
log = logging.getLogger(__name__)


@contextmanager
def _phase(name: str) -> Iterator[None]:
    """Logs how long a step of an import took (``firmsync -v registry import`` shows it)."""
    started = time.perf_counter()
    yield
    log.info("%s: %.1f s", name, time.perf_counter() - started)


_MF_NAME = re.compile(r"^web_?(uu|bl_?bs_?sl)_?an_?(\d{4})\.txt$", re.I)
# Kinds in load order: code tables, then registrations, then what joins to them.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("status_labels", r"^(n_stare_firma|5nomenclator_stari_firma).*\.csv$"),
    ("caen_versions", r"^n_versiune_caen.*\.csv$"),
    ("caen_titles", r"^n_caen.*\.csv$"),
    ("registrations", r"^(od_firme|[1-4]firme_(ne)?radiate_(cu|fara)_sediu).*\.csv$"),
    ("status_codes", r"^od_stare_firma.*\.csv$"),
    ("caen_authorised", r"^od_caen_autorizat.*\.csv$"),
    ("representatives", r"^od_reprezentanti_(legali|if).*\.csv$"),
    ("financials", _MF_NAME.pattern),
    ("description", r"^web_?\w*\d{4}.*\.csv$"),  # read with its data file
)
_ORDER = {kind: n for n, (kind, _) in enumerate(_PATTERNS)}
_DATE_IN_PATH = re.compile(r"(\d{2})[-_.](\d{2})[-_.](\d{4})|(\d{4})-(\d{2})-(\d{2})")
_FIRME_OLD = re.compile(r"^[1-4]firme_", re.I)


@dataclass(frozen=True)
class RecognisedFile:
    path: Path
    kind: str  # one of the kinds in _PATTERNS, or "unknown"


@dataclass
class ImportResult:
    files: list[tuple[RecognisedFile, FileReport]]
    skipped: list[Path]

    @property
    def rows_rejected(self) -> int:
        return sum(report.rows_rejected for _, report in self.files)


def recognise(path: Path) -> RecognisedFile:
    name = path.name.lower()
    for kind, pattern in _PATTERNS:
        if re.match(pattern, name):
            return RecognisedFile(path, kind)
    return RecognisedFile(path, "unknown")


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file())
        else:
            files.append(path)
    return files


def snapshot_of(path: Path) -> date | None:
    """The snapshot date written in a dataset's folder or file name (``firme-02-09-2026``)."""
    for part in reversed(path.parts):
        match = _DATE_IN_PATH.search(part)
        if match:
            d, m, y, y2, m2, d2 = match.groups()
            try:
                return date(int(y or y2), int(m or m2), int(d or d2))
            except ValueError:
                continue
    return None


def _counted(
    rows: Iterable[T],
    report: FileReport,
    progress: Callable[[int], None] | None,
    every: int = 50_000,
) -> Iterator[T]:
    """Passes rows through, counting them as loaded and ticking the progress bar."""
    n = 0
    for row in rows:
        n += 1
        if progress and n % every == 0:
            progress(every)
        yield row
    report.rows_loaded += n
    if progress:
        progress(n % every)


class _Importer:
    def __init__(
        self,
        store: RegisterStore,
        *,
        snapshot: date | None,
        reports_dir: Path | None,
        progress: Callable[[str, int | None, int], None] | None,
        workers: int,
        parallel_from_bytes: int,
    ) -> None:
        self.store = store
        self.snapshot = snapshot
        self.reports_dir = reports_dir
        self.progress = progress
        self.workers = workers
        self.parallel_from_bytes = parallel_from_bytes

    # --- per kind ----------------------------------------------------------------------
    def status_labels(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        mark = self.store.mark
        rows = [
            (
                label.code,
                label.label,
                label.category,
                onrc.CATEGORY_RANK.get(label.category or "", 0),
            )
            for label in _counted(onrc.parse_status_labels(source), source.report, tick)
        ]
        with self.store.transaction():
            for row in rows:
                self.store.execute(f"DELETE FROM status_label WHERE code = {mark}", row[:1])
                self.store.execute(
                    "INSERT INTO status_label (code, label, category, rank) "
                    f"VALUES ({self.store.marks(4)})",
                    row,
                )

    def caen_versions(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        rows = list(_counted(onrc.parse_caen_versions(source), source.report, tick))
        mark = self.store.mark
        with self.store.transaction():
            for row in rows:
                self.store.execute(f"DELETE FROM caen_version WHERE code = {mark}", row[:1])
                self.store.execute(
                    "INSERT INTO caen_version (code, description, revision) "
                    f"VALUES ({self.store.marks(3)})",
                    row,
                )

    def caen_titles(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        rows = {
            (code, rev): title
            for code, rev, title in _counted(onrc.parse_caen_titles(source), source.report, tick)
            if rev is not None
        }
        with self.store.transaction():
            for code, revision in rows:
                self.store.execute(
                    f"DELETE FROM caen_title WHERE code = {self.store.mark} "
                    f"AND revision = {self.store.mark}",
                    (code, revision),
                )
        self.store.bulk_load(
            "caen_title", ("code", "revision", "title"), ((c, r, t) for (c, r), t in rows.items())
        )

    def _load(
        self,
        source: DelimitedFile,
        kind: str,
        table: str,
        columns: tuple[str, ...],
        tick: Callable[[int], None] | None,
        **options: Any,
    ) -> None:
        load = Load(source.path, kind, self.store.url, table, columns, source.delimiter, options)
        big = source.path.stat().st_size >= self.parallel_from_bytes
        load_file(
            self.store, load, source.report, workers=self.workers if big else 1, progress=tick
        )

    def registrations(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        store, seen = self.store, self._snapshot_text(source.path)
        stage = store.recreate(
            "registration", stage=True, defaults={"first_seen": seen, "last_seen": seen}
        )
        columns = onrc.registration_columns(source)
        with _phase("registrations: load"):
            self._load(source, "registrations", stage, columns, tick)
        first = store.is_empty("registration")
        if first:  # the staged rows become the register, indexes built once
            store.drop_table("registration")
            # A new register: a name index of another one must be built anew, not followed.
            store.execute("DELETE FROM index_change")
            store.set_meta("register_id", uuid.uuid4().hex)
        index = "registration_reg_number" if first else f"{stage}_reg_number"
        with _phase("registrations: index by register number"):
            store.execute(f"CREATE INDEX {index} ON {stage} (reg_number)")
        with _phase("registrations: duplicates"):
            self._number_duplicates(stage, source.report)
        if first:
            store.execute(f"ALTER TABLE {stage} RENAME TO registration")
            store.create_views()
            with _phase("registrations: index by CUI"):
                store.create_indexes("registration")
        else:
            with _phase("registrations: merge into the register"):
                self._merge_registrations(stage)
        if "old_status_codes" in columns:
            self._status_from_old_layout()
        current = store.meta("snapshot")
        if current is None or seen > current:
            store.set_meta("snapshot", seen)

    def _number_duplicates(self, stage: str, report: FileReport) -> None:
        """A register number published on several rows: all are kept, numbered by line."""
        twice = [
            row[0]
            for row in self.store.query(
                f"SELECT reg_number FROM {stage} GROUP BY reg_number HAVING COUNT(*) > 1"
            )
        ]
        mark = self.store.mark
        for reg_number in twice:
            lines = [
                row[0]
                for row in self.store.query(
                    f"SELECT line FROM {stage} WHERE reg_number = {mark} ORDER BY line",
                    (reg_number,),
                )
            ]
            for dup, line in enumerate(lines[1:], start=1):
                self.store.execute(
                    f"UPDATE {stage} SET dup = {mark} WHERE reg_number = {mark} AND line = {mark}",
                    (dup, reg_number, line),
                )
                report.warn(
                    line, "duplicate register number", f"{reg_number} (also on line {lines[0]})"
                )

    def _merge_registrations(self, stage: str) -> None:
        data = [c for c in (*onrc.REGISTRATION_COLUMNS, "old_status_codes") if c != "line"]
        changed = " OR ".join(f"r.{c} IS DISTINCT FROM s.{c}" for c in data)
        if self.store.dialect == "sqlite":
            changed = changed.replace("IS DISTINCT FROM", "IS NOT")
        assignments = ", ".join(f"{c} = s.{c}" for c in (*data, "line", "last_seen"))
        all_columns = ", ".join((*data, "line", "dup", "first_seen", "last_seen"))
        distinct = "IS NOT" if self.store.dialect == "sqlite" else "IS DISTINCT FROM"
        indexed = " OR ".join(
            f"r.{c} {distinct} s.{c}"
            for c in NAME_INDEX_COLUMNS
            if c not in ("reg_number", "status")
        )
        with self.store.transaction():
            # What the name index must follow: new registrations and changed names or places.
            with _phase("registrations: changes for the name index"):
                self.store.execute(
                    f"INSERT INTO index_change (reg_number) SELECT s.reg_number FROM {stage} AS s "
                    "LEFT JOIN registration AS r ON r.reg_number = s.reg_number AND r.dup = s.dup "
                    f"WHERE r.reg_number IS NULL OR (s.last_seen >= r.last_seen AND ({indexed}))"
                )
            self.store.execute(
                f"UPDATE registration AS r SET {assignments} FROM {stage} AS s "
                "WHERE r.reg_number = s.reg_number AND r.dup = s.dup "
                f"AND s.last_seen >= r.last_seen AND (s.last_seen > r.last_seen OR {changed})"
            )
            self.store.execute(
                f"INSERT INTO registration ({all_columns}) SELECT {all_columns} FROM {stage} AS s "
                "WHERE NOT EXISTS (SELECT 1 FROM registration AS r "
                "WHERE r.reg_number = s.reg_number AND r.dup = s.dup)"
            )
        self.store.execute(f"DROP TABLE {stage}")

    def _status_from_old_layout(self) -> None:
        """The old layout carries status codes inline (``STARE_FIRMA``, comma-separated)."""
        rows = self.store.query(
            "SELECT reg_number, old_status_codes FROM registration "
            "WHERE old_status_codes IS NOT NULL"
        )
        pairs = {(reg, code) for reg, codes in rows for code in codes.split(",")}
        stage = self.store.recreate("status_code", stage=True)
        self.store.bulk_load(stage, ("reg_number", "code"), sorted(pairs))
        with self.store.transaction():
            self.store.execute(
                f"DELETE FROM status_code WHERE reg_number IN (SELECT reg_number FROM {stage})"
            )
            self.store.execute(f"INSERT INTO status_code SELECT * FROM {stage}")
        self.store.execute(f"DROP TABLE {stage}")
        self._derive_status(self.store.meta("snapshot") or self._snapshot_text(None))

    def status_codes(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        self._replace(source, "status_codes", "status_code", ("reg_number", "code"), tick)
        self._derive_status(self._snapshot_text(source.path))

    def _derive_status(self, snapshot: str) -> None:
        """Each registration's state from all its status codes, as a new status table;
        against a newer snapshot, every change of codes is recorded with its date."""
        store = self.store
        aggregate = "string_agg" if store.dialect == "postgresql" else "group_concat"
        cases = " ".join(f"WHEN {rank} THEN '{cat}'" for rank, cat in onrc.RANK_CATEGORY.items())
        stage = "stage_registration_status"
        store.drop_table(stage)
        with _phase("status: derived from the codes"):
            store.execute(
                f"CREATE TABLE {stage} AS SELECT s.reg_number AS reg_number, "
                f"CASE MAX(COALESCE(l.rank, 0)) {cases} ELSE 'unknown' END AS status, "
                f"{aggregate}(s.code, ',' ORDER BY s.code) AS codes FROM status_code AS s "
                "LEFT JOIN status_label AS l ON l.code = s.code GROUP BY s.reg_number"
            )
        current = store.meta("status_snapshot")
        if current is not None and snapshot < current:
            log.warning("statuses of %s are older than those of %s: kept", snapshot, current)
            store.drop_table(stage)
            return
        distinct = "IS NOT" if store.dialect == "sqlite" else "IS DISTINCT FROM"
        with _phase("status: changes recorded, table swapped"), store.transaction():
            if current is not None and snapshot > current:
                store.execute(
                    "INSERT INTO status_change "
                    "(reg_number, snapshot, old_status, new_status, old_codes, new_codes) "
                    f"SELECT n.reg_number, {store.mark}, o.status, n.status, o.codes, n.codes "
                    f"FROM {stage} AS n JOIN registration_status AS o "
                    "ON o.reg_number = n.reg_number "
                    f"WHERE o.codes {distinct} n.codes",
                    (snapshot,),
                )
            if store.is_empty("registration_status"):
                # Every registration gets its first state: a name index is built anew.
                store.set_meta("register_id", uuid.uuid4().hex)
            else:  # what the name index must follow: changed states, and lost codes
                with _phase("status: changes for the name index"):
                    self._record_status_changes(stage)
            store.drop_table("registration_status")
            store.execute(f"ALTER TABLE {stage} RENAME TO registration_status")
        store.create_indexes("registration_status")
        store.create_views()
        store.set_meta("status_snapshot", snapshot)

    def _record_status_changes(self, stage: str) -> None:
        """``index_change`` rows for the registrations whose derived state differs between
        ``stage`` and ``registration_status``, or that have no code any more."""
        store = self.store
        distinct = "IS NOT" if store.dialect == "sqlite" else "IS DISTINCT FROM"
        # One full join, not a join and an anti-join: PostgreSQL hashes the tables once.
        store.execute(
            "INSERT INTO index_change (reg_number) "
            f"SELECT COALESCE(n.reg_number, o.reg_number) FROM {stage} AS n "
            "FULL JOIN registration_status AS o ON o.reg_number = n.reg_number "
            f"WHERE o.status {distinct} n.status"
        )

    def caen_authorised(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        versions = dict(self.store.query("SELECT code, revision FROM caen_version"))
        self._replace(
            source,
            "caen_authorised",
            "caen_authorised",
            ("reg_number", "code", "revision"),
            tick,
            versions=versions,
        )

    def representatives(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        self._replace(
            source, "representatives", "representative", ("reg_number", "name", "role"), tick
        )

    def _replace(
        self,
        source: DelimitedFile,
        kind: str,
        table: str,
        columns: tuple[str, ...],
        tick: Callable[[int], None] | None,
        **options: Any,
    ) -> None:
        """A companion file is the whole list for its snapshot: load it, then swap it in."""
        stage = self.store.recreate(table, stage=True)
        self._load(source, kind, stage, columns, tick, **options)
        with self.store.transaction():
            self.store.execute(f"DROP TABLE {table}")
            self.store.execute(f"ALTER TABLE {stage} RENAME TO {table}")
        self.store.create_indexes(table)

    def financials(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        match = _MF_NAME.match(source.path.name)
        assert match is not None
        family = "uu" if match.group(1).lower() == "uu" else "bl_bs_sl"
        year = int(match.group(2))
        description = mf.description_for(source.path)
        if description is None:
            raise mf.LabelMismatch(f"{source.path.name}: no column-description file beside it")
        mapping = mf.read_description(description)
        columns = ("cui", "year", "family", "caen", *mf.FIELD_NAMES)
        stage = self.store.recreate("financial", stage=True)
        self._load(
            source, "financials", stage, columns, tick, year=year, family=family, mapping=mapping
        )
        duplicates = self.store.query(
            f"SELECT cui, COUNT(*) FROM {stage} GROUP BY cui HAVING COUNT(*) > 1"
        )
        for cui_value, count in duplicates:
            source.report.warn(0, f"CUI filed {count} times for {year}", cui_value)
        # Rows go in ordered by CUI: the CUI index is then written in its own order, each page
        # once, instead of at random.
        with _phase(f"financials {year} {family}: into the register"), self.store.transaction():
            mark = self.store.mark
            self.store.execute(
                f"DELETE FROM financial WHERE year = {mark} AND family = {mark}", (year, family)
            )
            self.store.execute(f"INSERT INTO financial SELECT * FROM {stage} ORDER BY cui")
        self.store.drop_table(stage)

    # --- driver ------------------------------------------------------------------------
    def _snapshot_text(self, path: Path | None) -> str:
        found = self.snapshot or (snapshot_of(path) if path else None) or date.today()
        return found.isoformat()

    def run(self, item: RecognisedFile) -> FileReport:
        log = None
        if self.reports_dir is not None:
            self.reports_dir.mkdir(parents=True, exist_ok=True)
            log = (self.reports_dir / f"{item.path.name}.problems.txt").open("w", encoding="utf-8")
        report = FileReport(str(item.path), log=log)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        delimiters = ",;" if item.kind == "financials" else "^|"
        try:
            source = DelimitedFile(item.path, report, delimiters=delimiters)
            size = item.path.stat().st_size
            tick = None
            if self.progress:
                estimate = max(1, size // 170)
                self.progress(item.path.name, estimate, 0)

                def tick(n: int) -> None:
                    self.progress(item.path.name, None, n)  # type: ignore[misc]

            getattr(self, item.kind)(source, tick)
        finally:
            self.store.create_views()
            if log is not None:
                log.close()
        self.store.execute(
            "INSERT INTO import_run (file, kind, snapshot, started, finished, rows_read, "
            f"rows_loaded, rows_rejected, problems) VALUES ({self.store.marks(9)})",
            (
                item.path.name,
                item.kind,
                self._snapshot_text(item.path),
                started,
                datetime.now(UTC).isoformat(timespec="seconds"),
                report.rows_read,
                report.rows_loaded,
                report.rows_rejected,
                json.dumps({"rejected": report.rejected, "warnings": report.warnings}),
            ),
        )
        return report


def import_paths(
    store: RegisterStore,
    paths: Iterable[Path],
    *,
    snapshot: date | None = None,
    reports_dir: Path | None = None,
    progress: Callable[[str, int | None, int], None] | None = None,
    workers: int | None = None,
    parallel_from_bytes: int = 16 << 20,
) -> ImportResult:
    """Import every recognised file under ``paths`` into ``store``, code tables first.

    ``progress(file_name, total_or_None, advance)`` is called as rows are loaded. Files of
    ``parallel_from_bytes`` or more are read by ``workers`` processes (default: every core).
    """
    found = [recognise(p) for p in _expand(paths)]
    known = [f for f in found if f.kind not in ("unknown", "description")]
    known.sort(
        key=lambda f: (
            _ORDER[f.kind],
            snapshot_of(f.path) or date.min,
            bool(_FIRME_OLD.match(f.path.name)),
        )
    )
    importer = _Importer(
        store,
        snapshot=snapshot,
        reports_dir=reports_dir,
        progress=progress,
        workers=workers or default_workers(),
        parallel_from_bytes=parallel_from_bytes,
    )
    results = [(item, importer.run(item)) for item in known]
    if results and store.dialect == "postgresql":
        # Statistics now, not when autovacuum gets round to the freshly loaded tables:
        # without them the planner reads those tables whole, and a sync's lookups take
        # twice as long.
        store.execute("ANALYZE")
    skipped = [f.path for f in found if f.kind == "unknown"]
    return ImportResult(results, skipped)
