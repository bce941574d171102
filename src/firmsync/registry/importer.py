"""Importing official files into the register store.

``import_paths`` takes files and folders, recognises every file by its name (ONRC current
and old layouts, MF data and description files), orders them so code tables come before the
rows that use them, and loads each one streaming. A bad row is reported with file and line
and counted, never silently dropped and never fatal; the whole report of a file also goes to
``<data>/import-reports/``.

Re-importing the same snapshot changes nothing; a newer snapshot updates registrations in
place and records every status change with its snapshot date. The register's date moves to
a snapshot once all its tables are in (:mod:`firmsync.registry.snapshots`).
"""

from __future__ import annotations

import gc
import json
import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from firmsync.identity import address, text
from firmsync.registry import delta, mf, onrc, read, snapshots
from firmsync.registry.parallel import Load, default_workers, load_file
from firmsync.registry.reader import DelimitedFile, FileReport, decode_line
from firmsync.registry.store import NAME_INDEX_COLUMNS, RegisterStore

__all__ = [
    "FILE_REFUSALS",
    "ImportResult",
    "RecognisedFile",
    "ShrinkRefused",
    "import_paths",
    "recognise",
]

T = TypeVar("T")
log = logging.getLogger(__name__)


@contextmanager
def _phase(name: str) -> Iterator[None]:
    """Logs how long a step of an import took (``firmsync -v registry import`` shows it)."""
    started = time.perf_counter()
    yield
    log.info("%s: %.1f s", name, time.perf_counter() - started)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while millions of a file's lines are held: each of its
    passes walks them all, which tripled the time of gathering the changed ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_MF_NAME = re.compile(r"^web_?(uu|bl_?bs_?sl)_?an_?(\d{4})\.txt$", re.I)
# Kinds in load order: code tables, then registrations, then what joins to them. Statuses
# come last of a snapshot's files: the register's date moves with them, in one transaction,
# so an import stopped before them leaves the old date over the old statuses.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("status_labels", r"^(n_stare_firma|5nomenclator_stari_firma).*\.csv$"),
    ("caen_versions", r"^n_versiune_caen.*\.csv$"),
    ("caen_titles", r"^n_caen.*\.csv$"),
    ("registrations", r"^(od_firme|[1-4]firme_(ne)?radiate_(cu|fara)_sediu).*\.csv$"),
    ("caen_authorised", r"^od_caen_autorizat.*\.csv$"),
    ("representatives", r"^od_reprezentanti_(legali|if).*\.csv$"),
    ("status_codes", r"^od_stare_firma.*\.csv$"),
    ("financials", _MF_NAME.pattern),
    ("description", r"^web_?\w*\d{4}.*\.csv$"),  # read with its data file
)
_ORDER = {kind: n for n, (kind, _) in enumerate(_PATTERNS)}
SHRINK_FLOOR = 0.5  # a whole list under this share of what it replaces is refused
_DATE_IN_PATH = re.compile(r"(\d{2})[-_.](\d{2})[-_.](\d{4})|(\d{4})-(\d{2})-(\d{2})")
_FIRME_OLD = re.compile(r"^[1-4]firme_", re.I)


class ShrinkRefused(ValueError):
    """A file would replace a table's rows with far fewer (empty, header-only, truncated):
    nothing was changed."""


# What stops a file as a whole (its rows are never read): it changes nothing.
FILE_REFUSALS: tuple[type[ValueError], ...] = (
    ShrinkRefused,
    onrc.MissingColumns,
    mf.LabelMismatch,
)


@dataclass(frozen=True)
class RecognisedFile:
    path: Path
    kind: str  # one of the kinds in _PATTERNS, or "unknown"


@dataclass
class ImportResult:
    files: list[tuple[RecognisedFile, FileReport]]
    skipped: list[Path]
    snapshot: str | None = None  # the register's date after the import
    partial: list[snapshots.Partial] = field(default_factory=list)  # newer, not all in
    # The companies whose facts it changed, counted by kind (``fact_change`` rows after
    # ``changes_after``, the id of the last one before it).
    changes: dict[str, int] = field(default_factory=dict)
    changes_after: int = 0

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
        files_dir: Path | None,
        progress: Callable[[str, int | None, int], None] | None,
        workers: int,
        parallel_from_bytes: int,
        allow_shrink: bool,
    ) -> None:
        self.allow_shrink = allow_shrink
        self.store = store
        self.snapshot = snapshot
        self.reports_dir = reports_dir
        self.files_dir = files_dir
        self.progress = progress
        self.workers = workers
        self.parallel_from_bytes = parallel_from_bytes
        # A register without financial years before the import: its new years change no
        # card's facts (as a first snapshot's registrations do not).
        self.had_financials = not store.is_empty("financial")

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
        onrc.require(source, "DENUMIRE", "CUI", "COD_INMATRICULARE")
        store, seen = self.store, self._snapshot_text(source.path)
        current = store.meta("registrations_snapshot")
        # The current layout lists every registration in one file; the old one in four.
        whole = not _FIRME_OLD.match(source.path.name)
        previous = self._previous("registrations") if whole else None
        if previous is not None and current is not None and seen >= current:
            with (
                _phase("registrations: only the lines changed since the previous file"),
                _collector_paused(),
            ):
                if self._registrations_changed(source, seen, current, previous):
                    return
        stage = store.recreate("registration", stage=True, defaults={"first_seen": seen})
        columns = onrc.registration_columns(source)
        with _phase("registrations: load"):
            self._load(source, "registrations", stage, columns, tick)
        if whole:
            self._refuse_shrink(
                source, f"SELECT COUNT(*) FROM {stage}", "SELECT COUNT(*) FROM registration"
            )
        # Only now: a file refused above has touched nothing but its stage.
        self._forget("registrations")
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
            if current is None or seen > current:
                store.set_meta("registrations_snapshot", seen)
        else:
            with _phase("registrations: merge into the register"):
                self._merge_registrations(stage, seen, current, whole=whole)
        if "old_status_codes" in columns:
            self._status_from_old_layout(seen)
        if whole:
            self._remember("registrations", source.path)

    def _registrations_changed(
        self, source: DelimitedFile, seen: str, current: str, previous: Path
    ) -> bool:
        """A newer ``OD_FIRME`` read only where it differs from the previous one; False
        (and nothing changed) when that is not worth it or cannot be done exactly."""
        store = self.store
        changes = self._changed_lines(source, previous)
        if changes is None:
            return False
        added, removed = changes
        report = FileReport(source.report.file, keep=10**9)  # the source's, once this holds
        reader = DelimitedFile(source.path, report)
        stage = store.recreate("registration", stage=True, defaults={"first_seen": seen})
        rows = onrc.parse_registration_records(
            reader, self._records(reader, added, text.to_comma_below)
        )
        store.bulk_load(stage, onrc.registration_columns(reader), rows)
        former = DelimitedFile(previous, FileReport(str(previous), keep=0))
        gone = list(
            onrc.parse_registration_records(
                former, self._records(former, removed, text.to_comma_below)
            )
        )
        keys = self._stage_keys(row[0] for row in gone)
        store.execute(f"INSERT INTO {keys} SELECT reg_number FROM {stage}")
        # A register number on several rows is numbered by line across the whole file.
        twice = store.scalar(
            f"SELECT 1 FROM registration WHERE dup > 0 AND reg_number IN "
            f"(SELECT reg_number FROM {keys}) LIMIT 1"
        ) or store.scalar(f"SELECT 1 FROM {stage} GROUP BY reg_number HAVING COUNT(*) > 1")
        if twice:
            store.drop_table(stage)
            store.drop_table(keys)
            store.create_views()
            return False
        store.execute(f"CREATE INDEX {stage}_reg_number ON {stage} (reg_number)")
        self._merge_registrations(stage, seen, current, whole=True, keys=keys)
        store.drop_table(keys)
        store.create_views()
        self._take_report("registrations", source.report, report, former.report)
        self._remember("registrations", source.path)
        return True

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

    def _merge_registrations(
        self, stage: str, seen: str, current: str | None, *, whole: bool, keys: str | None = None
    ) -> None:
        """The staged rows into the register. Against the newest snapshot, a row of it is
        written only when it changed (its last_seen then reads as the snapshot's, see
        ``registration_view``), and, for a whole list, the rows it no longer lists keep the
        snapshot they were last seen in; ``keys`` limits that to the registrations staged
        from a file's changed lines. An older snapshot fills in what the register lacks."""
        store, mark = self.store, self.store.mark
        data = [c for c in (*onrc.REGISTRATION_COLUMNS, "old_status_codes") if c != "line"]
        distinct = store.distinct
        changed = " OR ".join(f"r.{c} {distinct} s.{c}" for c in data)
        newest = current is None or seen >= current
        if newest:
            when, params, last_seen = f"(r.last_seen IS NOT NULL OR {changed})", (), "NULL"
        else:
            when = (
                f"r.last_seen IS NOT NULL AND r.last_seen <= {mark} "
                f"AND (r.last_seen < {mark} OR {changed})"
            )
            params, last_seen = (seen, seen), mark
        assignments = ", ".join(f"{c} = s.{c}" for c in (*data, "line"))
        kept = (*data, "line", "dup", "first_seen")
        indexed = " OR ".join(
            f"r.{c} {distinct} s.{c}"
            for c in NAME_INDEX_COLUMNS
            if c not in ("reg_number", "status")
        )
        with store.transaction():
            if newest and self._newer(seen):
                with _phase("registrations: changed facts recorded"):
                    self._record_registration_facts(stage, seen)
            # What the name index must follow: new registrations and changed names or places.
            with _phase("registrations: changes for the name index"):
                store.execute(
                    f"INSERT INTO index_change (reg_number) SELECT s.reg_number FROM {stage} AS s "
                    "LEFT JOIN registration AS r ON r.reg_number = s.reg_number AND r.dup = s.dup "
                    f"WHERE r.reg_number IS NULL OR ({when} AND ({indexed}))",
                    params,
                )
            store.execute(
                f"UPDATE registration AS r SET {assignments}, last_seen = {last_seen} "
                f"FROM {stage} AS s WHERE r.reg_number = s.reg_number AND r.dup = s.dup AND {when}",
                (*(() if newest else (seen,)), *params),
            )
            store.execute(
                f"INSERT INTO registration ({', '.join(kept)}, last_seen) "
                f"SELECT {', '.join(kept)}, {last_seen} FROM {stage} AS s "
                "WHERE NOT EXISTS (SELECT 1 FROM registration AS r "
                "WHERE r.reg_number = s.reg_number AND r.dup = s.dup)",
                () if newest else (seen,),
            )
            if whole and current is not None and seen > current:
                within = f"AND reg_number IN (SELECT reg_number FROM {keys}) " if keys else ""
                store.execute(
                    f"UPDATE registration SET last_seen = {mark} WHERE last_seen IS NULL "
                    f"{within}AND NOT EXISTS (SELECT 1 FROM {stage} AS s "
                    "WHERE s.reg_number = registration.reg_number AND s.dup = registration.dup)",
                    (current,),
                )
            if newest:
                store.set_meta("registrations_snapshot", seen)
        store.drop_table(stage)

    def _newer(self, snapshot: str) -> bool:
        """Whether ``snapshot`` is newer than the register's date: only then are the facts a
        file changes recorded (a first import, or an older snapshot's, changes none)."""
        held = self.store.meta("snapshot")
        return held is not None and snapshot > held

    def _record_facts(self, kind: str, select: str, snapshot: str) -> None:
        """``fact_change`` rows of ``kind``, dated ``snapshot``, for the CUIs ``select``
        (SQL, one column) gives, inside the caller's transaction."""
        store = self.store
        store.execute(
            "INSERT INTO fact_change (cui, kind, snapshot) "
            f"SELECT DISTINCT cui, {store.mark}, {store.mark} FROM ({select}) AS c "
            "WHERE cui IS NOT NULL",
            (kind, snapshot),
        )

    def _record_registration_facts(self, stage: str, seen: str) -> None:
        """The companies of the staged registrations whose name or registered office differs
        from the register's, a CUI registered under a new number, and new CUIs."""
        distinct = self.store.distinct
        joined = (
            f"SELECT s.cui AS cui FROM {stage} AS s JOIN registration AS r "
            "ON r.reg_number = s.reg_number AND r.dup = s.dup WHERE "
        )
        self._record_facts("name", f"{joined}r.name {distinct} s.name", seen)
        office = " OR ".join(f"r.{part} {distinct} s.{part}" for part in address.PARTS)
        self._record_facts("address", f"{joined}({office})", seen)
        for kind, known in (("reg_number", ""), ("new", "NOT ")):
            self._record_facts(
                kind,
                f"SELECT s.cui AS cui FROM {stage} AS s WHERE NOT EXISTS (SELECT 1 FROM "
                "registration AS r WHERE r.reg_number = s.reg_number AND r.dup = s.dup) "
                f"AND {known}EXISTS (SELECT 1 FROM registration AS o WHERE o.cui = s.cui)",
                seen,
            )

    def _status_from_old_layout(self, snapshot: str) -> None:
        """The old layout carries status codes inline (``STARE_FIRMA``, comma-separated):
        the states of the registrations it lists are derived from them."""
        store = self.store
        rows = store.query(
            "SELECT reg_number, old_status_codes FROM registration "
            "WHERE old_status_codes IS NOT NULL"
        )
        pairs = {(reg, code) for reg, codes in rows for code in codes.split(",")}
        self._forget("status_codes")
        stage = store.recreate("status_code", stage=True)
        store.bulk_load(stage, ("reg_number", "code"), sorted(pairs))
        current = store.meta("status_snapshot")
        if store.is_empty("registration_status"):
            self._derive_status(stage, snapshot)
        elif current is not None and snapshot < current:
            log.warning("statuses of %s are older than those of %s: kept", snapshot, current)
        else:
            with store.transaction():
                self._states_replaced(stage, stage, snapshot, current)
        store.drop_table(stage)
        store.create_views()

    def status_codes(self, source: DelimitedFile, tick: Callable[[int], None] | None) -> None:
        snapshot = self._snapshot_text(source.path)
        current, previous = self.store.meta("status_snapshot"), self._previous("status_codes")
        if previous is not None and current is not None and snapshot >= current:
            with (
                _phase("status: only the lines changed since the previous file"),
                _collector_paused(),
            ):
                if self._status_changed(source, snapshot, current, previous):
                    return
        stage = self.store.recreate("status_code", stage=True)
        self._load(source, "status_codes", stage, ("reg_number", "code"), tick)
        self._refuse_shrink(
            source,
            f"SELECT COUNT(DISTINCT reg_number) FROM {stage}",
            "SELECT COUNT(*) FROM registration_status",
        )
        self._forget("status_codes")  # (after the refusals: they touch only the stage)
        self._derive_status(stage, snapshot, arrived=source)
        self.store.drop_table(stage)
        self.store.create_views()
        self._remember("status_codes", source.path)

    def _status_changed(
        self, source: DelimitedFile, snapshot: str, current: str, previous: Path
    ) -> bool:
        """A newer ``OD_STARE_FIRMA`` read only where it differs from the previous one: the
        codes of the registrations it changes, and their states derived again."""
        store = self.store
        changes = self._changed_lines(source, previous)
        if changes is None:
            return False
        added, removed = changes
        report = FileReport(source.report.file, keep=10**9)
        reader = DelimitedFile(source.path, report)
        former = DelimitedFile(previous, FileReport(str(previous), keep=0))
        with _phase("status: the changed lines read"):
            now = list(onrc.parse_status_records(reader, self._records(reader, added)))
            before = list(onrc.parse_status_records(former, self._records(former, removed)))
        with _phase("status: registrations changed staged"):
            keys = self._stage_keys(sorted({reg for reg, _ in now + before}))
        # Their codes as the register holds them (each state keeps its codes, repeats too),
        # less those of the lines gone, plus those of the lines come.
        with _phase("status: the codes of the registrations changed"):
            codes: Counter[tuple[str, str]] = Counter(
                (reg, code)
                for reg, listed in store.query(
                    "SELECT reg_number, codes FROM registration_status "
                    f"WHERE reg_number IN (SELECT reg_number FROM {keys})"
                )
                for code in (listed or "").split(",")
                if code
            )
        codes.subtract(before)
        codes.update(now)
        pairs = store.recreate("status_code", stage=True)
        store.bulk_load(
            pairs,
            ("reg_number", "code"),
            sorted(pair for pair, n in codes.items() for _ in range(max(n, 0))),
        )
        self._take_report("status_codes", source.report, report, former.report)
        with _phase("status: states derived again"), store.transaction():
            self._states_replaced(pairs, keys, snapshot, current)
            self._arrived(source)
        store.drop_table(pairs)
        store.drop_table(keys)
        store.create_views()
        self._remember("status_codes", source.path)
        return True

    def _states_replaced(self, pairs: str, keys: str, snapshot: str, current: str | None) -> None:
        """The states of the registrations in table ``keys`` derived again from their codes
        in table ``pairs`` (none there: no state), inside the caller's transaction; a change
        of codes recorded against a newer snapshot, a change of state for the name index."""
        store = self.store
        stage = "stage_registration_status"
        store.execute(f"DROP TABLE IF EXISTS {stage}")
        store.execute(
            f"CREATE TABLE {stage} AS {self._status_query(pairs)} "
            f"WHERE s.reg_number IN (SELECT reg_number FROM {keys}) GROUP BY s.reg_number"
        )
        if current is not None and snapshot > current:
            self._record_code_changes(stage, snapshot)
        store.execute(
            "INSERT INTO index_change (reg_number) "
            f"SELECT k.reg_number FROM (SELECT DISTINCT reg_number FROM {keys}) AS k "
            f"LEFT JOIN {stage} AS n ON n.reg_number = k.reg_number "
            "LEFT JOIN registration_status AS o ON o.reg_number = k.reg_number "
            f"WHERE o.status {store.distinct} n.status"
        )
        store.execute(
            f"DELETE FROM registration_status WHERE reg_number IN (SELECT reg_number FROM {keys})"
        )
        store.execute(
            f"INSERT INTO registration_status (reg_number, status, codes) "
            f"SELECT reg_number, status, codes FROM {stage}"
        )
        store.execute(f"DROP TABLE {stage}")
        if current is None or snapshot >= current:
            store.set_meta("status_snapshot", snapshot)

    def _status_query(self, pairs: str) -> str:
        """Each registration's state from its codes in table ``pairs`` (the worst category
        wins) and its codes; ends before ``GROUP BY``, for a ``WHERE`` to go in."""
        aggregate = "string_agg" if self.store.dialect == "postgresql" else "group_concat"
        cases = " ".join(f"WHEN {rank} THEN '{cat}'" for rank, cat in onrc.RANK_CATEGORY.items())
        return (
            "SELECT s.reg_number AS reg_number, "
            f"CASE MAX(COALESCE(l.rank, 0)) {cases} ELSE 'unknown' END AS status, "
            f"{aggregate}(s.code, ',' ORDER BY s.code) AS codes FROM {pairs} AS s "
            "LEFT JOIN status_label AS l ON l.code = s.code"
        )

    def _derive_status(
        self, pairs: str, snapshot: str, *, arrived: DelimitedFile | None = None
    ) -> None:
        """Each registration's state from all its status codes (table ``pairs``), as a new
        status table; against a newer snapshot, every change of codes is recorded. The
        table of ``arrived`` is recorded with the swap (:meth:`_arrived`)."""
        store = self.store
        store.drop_table("stage_registration_status")
        stage = store.recreate("registration_status", stage=True, unlogged=False)
        with _phase("status: derived from the codes"):
            store.execute(
                f"INSERT INTO {stage} (reg_number, status, codes) "
                f"{self._status_query(pairs)} GROUP BY s.reg_number ORDER BY 1"
            )
        current = store.meta("status_snapshot")
        if current is not None and snapshot < current:
            log.warning("statuses of %s are older than those of %s: kept", snapshot, current)
            store.drop_table(stage)
            return
        with _phase("status: changes recorded, table swapped"), store.transaction():
            if current is not None and snapshot > current:
                self._record_code_changes(stage, snapshot)
            if store.is_empty("registration_status"):
                # Every registration gets its first state: a name index is built anew.
                store.set_meta("register_id", uuid.uuid4().hex)
            else:  # what the name index must follow: changed states, and lost codes
                with _phase("status: changes for the name index"):
                    self._record_status_changes(stage)
            store.drop_table("registration_status")
            store.execute(f"ALTER TABLE {stage} RENAME TO registration_status")
            store.set_meta("status_snapshot", snapshot)
            if arrived is not None:
                self._arrived(arrived)
        store.create_indexes("registration_status")
        store.create_views()

    def _record_code_changes(self, stage: str, snapshot: str) -> None:
        """``status_change`` rows, dated ``snapshot``, for the registrations whose codes in
        the derived states of ``stage`` differ from those in ``registration_status``."""
        store = self.store
        store.execute(
            "INSERT INTO status_change "
            "(reg_number, snapshot, old_status, new_status, old_codes, new_codes) "
            f"SELECT n.reg_number, {store.mark}, o.status, n.status, o.codes, n.codes "
            f"FROM {stage} AS n JOIN registration_status AS o ON o.reg_number = n.reg_number "
            f"WHERE o.codes {store.distinct} n.codes",
            (snapshot,),
        )
        self._record_facts(
            "status",
            f"SELECT r.cui AS cui FROM {stage} AS n "
            "JOIN registration_status AS o ON o.reg_number = n.reg_number "
            f"JOIN registration AS r ON r.reg_number = n.reg_number "
            f"WHERE o.status {store.distinct} n.status",
            snapshot,
        )

    def _record_status_changes(self, stage: str) -> None:
        """``index_change`` rows for the registrations whose derived state differs between
        ``stage`` and ``registration_status``, or that have no code any more."""
        store = self.store
        # One full join, not a join and an anti-join: PostgreSQL hashes the tables once.
        store.execute(
            "INSERT INTO index_change (reg_number) "
            f"SELECT COALESCE(n.reg_number, o.reg_number) FROM {stage} AS n "
            "FULL JOIN registration_status AS o ON o.reg_number = n.reg_number "
            f"WHERE o.status {store.distinct} n.status"
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
        self._refuse_shrink(
            source, f"SELECT COUNT(*) FROM {stage}", f"SELECT COUNT(*) FROM {table}"
        )
        snapshot = self._snapshot_text(source.path)
        with self.store.transaction():
            if table == "caen_authorised" and self._newer(snapshot):
                with _phase("caen: changed codes recorded"):
                    self._record_caen_facts(stage, snapshot)
            self.store.execute(f"DROP TABLE {table}")
            self.store.execute(f"ALTER TABLE {stage} RENAME TO {table}")
        self.store.create_indexes(table)

    def _record_caen_facts(self, stage: str, snapshot: str) -> None:
        """The companies whose authorised CAEN codes differ between ``stage`` and the
        register: codes gained or lost, either way."""
        pair = "SELECT reg_number, code FROM {} EXCEPT SELECT reg_number, code FROM {}"
        self._record_facts(
            "caen",
            "SELECT r.cui AS cui FROM ("
            f"SELECT reg_number FROM ({pair.format(stage, 'caen_authorised')}) AS gained "
            f"UNION SELECT reg_number FROM ({pair.format('caen_authorised', stage)}) AS lost"
            ") AS d JOIN registration AS r ON r.reg_number = d.reg_number",
            snapshot,
        )

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
        self._refuse_shrink(
            source,
            f"SELECT COUNT(*) FROM {stage}",
            f"SELECT COUNT(*) FROM financial WHERE year = {year} AND family = '{family}'",
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
            if self.had_financials:
                self._record_facts(
                    "financial_year",
                    f"SELECT s.cui AS cui FROM {stage} AS s WHERE NOT EXISTS "
                    "(SELECT 1 FROM financial AS f WHERE f.cui = s.cui AND f.year = s.year)",
                    str(year),
                )
            self.store.execute(
                f"DELETE FROM financial WHERE year = {mark} AND family = {mark}", (year, family)
            )
            self.store.execute(f"INSERT INTO financial SELECT * FROM {stage} ORDER BY cui")
        self.store.drop_table(stage)

    # --- what a file may not do ---------------------------------------------------------
    def _refuse_shrink(self, source: DelimitedFile, new: str, old: str) -> None:
        """Stop when the rows ``new`` counts (SQL over the stage) are fewer than half of those
        ``old`` counts in the register (``--allow-shrink``: go on). A truncated download or
        a header alone must not replace what the register holds."""
        if self.allow_shrink:
            return
        before, after = self.store.scalar(old) or 0, self.store.scalar(new) or 0
        if before and after < before * SHRINK_FLOOR:  # run() drops the stage
            raise ShrinkRefused(
                f"{source.path.name}: {after:,} rows would replace {before:,} (under half); "
                "nothing changed (--allow-shrink imports it anyway)"
            )

    # --- a file read where it changed -----------------------------------------------------
    # The copy of the file a kind's rows came from is kept in ``files_dir`` under a token
    # the register records (meta ``file:<kind>``); an import that changes those rows any
    # other way forgets the token first, so a copy is only ever compared against while the
    # rows are still exactly what it says.
    def _previous(self, kind: str) -> Path | None:
        token = self.store.meta(f"file:{kind}")
        if self.files_dir is None or token is None:
            return None
        path = self.files_dir / f"{kind}-{token}.csv"
        return path if path.exists() else None

    def _forget(self, kind: str) -> None:
        self.store.delete_meta(f"file:{kind}")

    def _remember(self, kind: str, path: Path) -> None:
        if self.files_dir is None:
            return
        with _phase(f"{kind}: file kept to compare the next one with"):
            _, token = delta.cached_copy(path, self.files_dir, kind)
            self.store.set_meta(f"file:{kind}", token)
            for stale in self.files_dir.glob(f"{kind}-*"):
                if token not in stale.name:
                    stale.unlink(missing_ok=True)

    def _changed_lines(
        self, source: DelimitedFile, previous: Path
    ) -> tuple[list[tuple[int, list[bytes]]], list[tuple[int, list[bytes]]]] | None:
        """The runs of lines of ``source`` and of ``previous`` that differ; None when a read
        of those alone is not worth it (more than a fifth of the file) or cannot be exact
        (:func:`delta.runs`)."""
        with _phase(f"{source.path.name}: this file and the previous one read"):
            new, old = delta.read_lines(source.path), delta.read_lines(previous)
        if new.header != old.header:
            return None
        with _phase(f"{source.path.name}: lines compared"):
            added, removed = delta.changed(new, old)
        if len(added) + len(removed) > len(new) // 5:
            return None
        width, mark = len(source.header), source.delimiter.encode()
        with _phase(f"{source.path.name}: changed lines gathered"):
            new_runs = delta.runs(new, added, width, mark)
            old_runs = delta.runs(old, removed, width, mark)
        if new_runs is None or old_runs is None:
            return None
        log.info("%s: %d lines changed, %d gone", source.path.name, len(added), len(removed))
        return new_runs, old_runs

    def _records(
        self,
        reader: DelimitedFile,
        runs: list[tuple[int, list[bytes]]],
        transform: Callable[[str], str] | None = None,
    ) -> Iterator[tuple[int, list[str]]]:
        """The records of some runs of lines of a file, one a line."""
        for first, raw in runs:
            decoded = "\n".join(decode_line(line) for line in raw)
            if transform is not None:
                decoded = transform(decoded)
            yield from reader.records_of([decoded.split("\n")], first)

    def _stage_keys(self, reg_numbers: Iterable[str]) -> str:
        """A table of register numbers (repeats allowed) for the statements that follow."""
        keys = "stage_keys"
        self.store.drop_table(keys)
        self.store.execute(f"CREATE TABLE {keys} (reg_number TEXT NOT NULL)")
        self.store.bulk_load(keys, ("reg_number",), ((reg,) for reg in reg_numbers))
        return keys

    def _take_report(
        self, kind: str, report: FileReport, changed: FileReport, gone: FileReport
    ) -> None:
        """The report of a file read where it changed: the changed lines' problems, and its
        rows counted from the previous file's, less the rows of the lines it lost, plus
        those of the lines it gained."""
        before = self.store.query(
            "SELECT rows_read, rows_loaded FROM import_run "
            f"WHERE kind = {self.store.mark} ORDER BY id DESC LIMIT 1",
            (kind,),
        )
        read, loaded = before[0] if before else (0, 0)
        report.rows_read += read - gone.rows_read + changed.rows_read
        report.rows_loaded += (
            loaded
            - (gone.rows_read - gone.rows_rejected)
            + (changed.rows_read - changed.rows_rejected)
        )
        report.rejected.update(changed.rejected)
        report.warnings.update(changed.warnings)
        for problem in changed.examples:
            report.record(problem)

    # --- the snapshot a file belongs to -------------------------------------------------
    def _arrived(self, source: DelimitedFile) -> None:
        """Record, inside the caller's transaction, that the table ``source`` holds is in for
        its snapshot: the register's date moves if that completes a newer snapshot. A file
        that loaded no row (empty, a header alone) counts for nothing."""
        table = snapshots.table_of(source.path)
        if table is not None and source.report.rows_loaded:
            snapshots.record(self.store, snapshot=self._snapshot_text(source.path), table=table)

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
        except BaseException:
            self.store.drop_stages()  # a file that stops half-way leaves nothing behind
            raise
        finally:
            self.store.create_views()
            if log is not None:
                log.close()
        with self.store.transaction():
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
            self._arrived(source)
        return report


def import_paths(
    store: RegisterStore,
    paths: Iterable[Path],
    *,
    snapshot: date | None = None,
    reports_dir: Path | None = None,
    files_dir: Path | None = None,
    progress: Callable[[str, int | None, int], None] | None = None,
    workers: int | None = None,
    parallel_from_bytes: int = 16 << 20,
    allow_shrink: bool = False,
) -> ImportResult:
    """Import every recognised file under ``paths`` into ``store``, code tables first.

    ``progress(file_name, total_or_None, advance)`` is called as rows are loaded. Files of
    ``parallel_from_bytes`` or more are read by ``workers`` processes (default: every core).
    With ``files_dir``, the last ``OD_FIRME`` and ``OD_STARE_FIRMA`` imported are kept
    there, and the next of each is read only where it differs from them. A file that would
    replace a table with under half its rows raises :class:`ShrinkRefused`, that file
    changing nothing, unless ``allow_shrink``.
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
        files_dir=files_dir,
        progress=progress,
        workers=workers or default_workers(),
        parallel_from_bytes=parallel_from_bytes,
        allow_shrink=allow_shrink,
    )
    since = read.fact_position(store)
    results = [(item, importer.run(item)) for item in known]
    if results and store.dialect == "postgresql":
        # Statistics now, not when autovacuum gets round to the freshly loaded tables:
        # without them the planner reads those tables whole, and a sync's lookups take
        # twice as long.
        store.execute("ANALYZE")
    skipped = [f.path for f in found if f.kind == "unknown"]
    return ImportResult(
        results,
        skipped,
        store.meta("snapshot"),
        snapshots.partial(store),
        read.fact_counts(store, since),
        since,
    )
