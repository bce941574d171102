"""Named reads of the register: every question the rest of firmsync asks of it.

Matching, the sources, the CLI and the benchmarks call these; none of them writes SQL on
the register's tables, so the schema can change here (and in :mod:`firmsync.registry.schema`)
without reaching into other packages. Each function takes the :class:`RegisterStore` and
returns plain rows or values; parameters are bound by the driver.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from firmsync.identity import address
from firmsync.registry import snapshots

if TYPE_CHECKING:
    from firmsync.registry.store import RegisterStore

__all__ = [
    "FACT_COLUMNS",
    "FIGURE_COLUMNS",
    "active_with_financials",
    "all_names",
    "authorised_caen",
    "caen_titles",
    "delete_company",
    "examples",
    "fact_counts",
    "fact_position",
    "facts_changed",
    "facts_rows",
    "financial_rows",
    "highest_line",
    "index_changes",
    "index_position",
    "newest_registration",
    "registration_count",
    "registrations",
    "registrations_by_line",
    "registrations_numbered",
    "representatives",
    "stats",
    "status_labels",
]

# What the sources read of a registration (registration_view) and of a financial year.
FACT_COLUMNS = (
    "cui",
    "reg_number",
    "name",
    "euid",
    "legal_form",
    "registered_on",
    "status",
    "status_codes",
    "last_seen",
    *address.PARTS,
)
FIGURE_COLUMNS = (
    "cui",
    "year",
    "caen",
    "turnover",
    "net_profit",
    "net_loss",
    "employees",
    "total_revenue",
    "total_expenses",
    "equity",
    "share_capital",
    "total_debts",
    "fixed_assets",
    "current_assets",
    "cash",
)


def _in(store: RegisterStore, column: str, values: Sequence[Any]) -> str:
    return f"{column} IN ({store.marks(len(values))})"


def registration_count(store: RegisterStore) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM registration") or 0)


def stats(store: RegisterStore) -> dict[str, object]:
    """What ``firmsync registry stats`` shows: the register's date and the newer snapshots
    not all in yet, counts by status, CUI issues, financial years, the rejected rows of each
    file's last import by reason, status changes."""
    rejected: Counter[str] = Counter()
    for kind, problems in store.query(
        "SELECT kind, problems FROM import_run WHERE id IN "
        "(SELECT MAX(id) FROM import_run GROUP BY file)"
    ):
        for reason, count in json.loads(problems or "{}").get("rejected", {}).items():
            rejected[f"{kind}: {reason}"] += count
    return {
        "snapshot": store.meta("snapshot"),
        "partial_snapshots": [p.to_dict() for p in snapshots.partial(store)],
        "registrations": registration_count(store),
        "companies": store.scalar("SELECT COUNT(DISTINCT cui) FROM registration"),
        "by_status": dict(
            store.query(
                "SELECT status, COUNT(*) FROM registration_view GROUP BY status ORDER BY 2 DESC"
            )
        ),
        "cui_issues": dict(
            store.query(
                "SELECT cui_issue, COUNT(*) FROM registration WHERE cui_issue IS NOT NULL "
                "GROUP BY cui_issue ORDER BY 2 DESC"
            )
        ),
        "financial_years": {
            f"{year} {family}": n
            for year, family, n in store.query(
                "SELECT year, family, COUNT(*) FROM financial GROUP BY year, family "
                "ORDER BY year DESC, family"
            )
        },
        "rejected_rows": dict(rejected),
        "status_changes": store.scalar("SELECT COUNT(*) FROM status_change"),
    }


def financial_years(store: RegisterStore) -> list[int]:
    """The years the register holds financial statements of, oldest first."""
    return [int(year) for (year,) in store.query("SELECT DISTINCT year FROM financial ORDER BY 1")]


def examples(store: RegisterStore, count: int = 3) -> list[tuple[str, str]]:
    """``(cui, name)`` of ``count`` active companies with financial statements, then one CUI
    with several registrations: what the demo suggests trying."""
    active = store.query(
        "SELECT r.cui, r.name FROM registration_view AS r WHERE r.status = 'active' "
        f"AND r.cui IN (SELECT cui FROM financial) ORDER BY r.line LIMIT {store.mark}",
        (count,),
    )
    shared = store.query(
        "SELECT cui, MIN(name) FROM registration WHERE cui IS NOT NULL "
        "GROUP BY cui HAVING COUNT(*) > 1 ORDER BY cui LIMIT 1"
    )
    return [(str(cui), str(name)) for cui, name in active + shared]


def active_with_financials(store: RegisterStore) -> list[str]:
    """The CUIs of active companies with figures for the newest financial year, in order."""
    return [
        cui
        for (cui,) in store.query(
            "SELECT DISTINCT r.cui FROM registration_view AS r JOIN financial AS f "
            "ON f.cui = r.cui AND f.year = (SELECT MAX(year) FROM financial) "
            "WHERE r.status = 'active' ORDER BY r.cui"
        )
    ]


def newest_registration(store: RegisterStore, cui: str) -> tuple[str, str, str | None] | None:
    """``(name, reg_number, registered_on)`` of the CUI's operating registration first."""
    rows = store.query(
        "SELECT name, reg_number, registered_on FROM registration_view "
        f"WHERE cui = {store.mark} ORDER BY status = 'active' DESC LIMIT 1",
        (cui,),
    )
    return rows[0] if rows else None  # type: ignore[return-value]


def status_labels(store: RegisterStore) -> dict[str, str]:
    return dict(store.query("SELECT code, label FROM status_label"))


def facts_rows(store: RegisterStore, cuis: Sequence[str]) -> list[dict[str, Any]]:
    """Every registration of these CUIs, as :data:`FACT_COLUMNS`."""
    rows = store.query(
        f"SELECT {', '.join(FACT_COLUMNS)} FROM registration_view WHERE {_in(store, 'cui', cuis)}",
        cuis,
    )
    return [dict(zip(FACT_COLUMNS, row, strict=True)) for row in rows]


def authorised_caen(
    store: RegisterStore, reg_numbers: Sequence[str]
) -> list[tuple[str, str, int | None, str | None]]:
    """``(reg_number, code, revision, title)`` of the registrations' authorised activities."""
    return store.query(  # type: ignore[return-value]
        "SELECT a.reg_number, a.code, a.revision, t.title FROM caen_authorised AS a "
        "LEFT JOIN caen_title AS t ON t.code = a.code AND t.revision = a.revision "
        f"WHERE {_in(store, 'a.reg_number', reg_numbers)} ORDER BY a.code",
        reg_numbers,
    )


def representatives(
    store: RegisterStore, reg_numbers: Sequence[str]
) -> list[tuple[str, str, str | None]]:
    """``(reg_number, name, role)`` of the registrations' representatives."""
    return store.query(  # type: ignore[return-value]
        "SELECT reg_number, name, role FROM representative "
        f"WHERE {_in(store, 'reg_number', reg_numbers)} ORDER BY name",
        reg_numbers,
    )


def financial_rows(store: RegisterStore, cuis: Sequence[str]) -> list[dict[str, Any]]:
    """The CUIs' financial years as :data:`FIGURE_COLUMNS`, each CUI's newest first."""
    rows = store.query(
        f"SELECT {', '.join(FIGURE_COLUMNS)} FROM financial WHERE {_in(store, 'cui', cuis)} "
        "ORDER BY cui, year DESC, family",
        cuis,
    )
    return [dict(zip(FIGURE_COLUMNS, row, strict=True)) for row in rows]


def caen_titles(store: RegisterStore, codes: Sequence[str], revision: int = 2) -> dict[str, str]:
    if not codes:
        return {}
    return dict(
        store.query(
            f"SELECT code, title FROM caen_title WHERE revision = {store.mark} "
            f"AND {_in(store, 'code', codes)}",
            [revision, *codes],
        )
    )


def highest_line(store: RegisterStore) -> int:
    """The highest source line of a registration (lines number every row on every database)."""
    return int(store.scalar("SELECT MAX(line) FROM registration") or 0)


def registrations_by_line(
    store: RegisterStore, lines: Sequence[int]
) -> list[tuple[int, str, str, str, str | None, str | None]]:
    """``(line, reg_number, cui, name, county, locality)`` of the active registrations with a
    CUI among those source ``lines``."""
    return store.query(  # type: ignore[return-value]
        "SELECT line, reg_number, cui, name, county, locality FROM registration_view "
        f"WHERE {_in(store, 'line', lines)} AND status = 'active' AND cui IS NOT NULL",
        lines,
    )


def all_names(store: RegisterStore) -> Iterator[str]:
    """Every registration's name."""
    for batch in store.batches("SELECT name FROM registration"):
        for (name,) in batch:
            yield name


def registrations(
    store: RegisterStore, columns: Sequence[str], *, size: int = 50_000
) -> Iterator[list[tuple[Any, ...]]]:
    """``columns`` of every registration (``registration_view``), in batches of ``size``."""
    return store.batches(f"SELECT {', '.join(columns)} FROM registration_view", size=size)


def delete_company(store: RegisterStore, cui: str) -> None:
    """Every registration of ``cui`` (the matcher's training holds companies out this way);
    a name index that follows the register drops them too."""
    store.execute(
        "INSERT INTO index_change (reg_number) "
        f"SELECT reg_number FROM registration WHERE cui = {store.mark}",
        (cui,),
    )
    store.execute(f"DELETE FROM registration WHERE cui = {store.mark}", (cui,))


def index_position(store: RegisterStore) -> tuple[str | None, int]:
    """``(register_id, last change)``: which register this is (a new one gets a new id) and
    the id of the newest ``index_change`` (0 if none): what a name index is built from."""
    return store.meta("register_id"), int(store.scalar("SELECT MAX(id) FROM index_change") or 0)


def index_changes(store: RegisterStore, after: int) -> list[str]:
    """The register numbers whose indexed columns changed since change ``after``."""
    return [
        reg_number
        for (reg_number,) in store.query(
            f"SELECT DISTINCT reg_number FROM index_change WHERE id > {store.mark}", (after,)
        )
    ]


def fact_position(store: RegisterStore) -> int:
    """The id of the newest ``fact_change`` (0 if none): the cards due for the changes an
    import records are those after it."""
    return int(store.scalar("SELECT MAX(id) FROM fact_change") or 0)


def fact_counts(store: RegisterStore, after: int, upto: int | None = None) -> dict[str, int]:
    """The companies whose facts changed after change ``after`` (up to ``upto``), counted
    by kind of change (``FACT_KINDS``)."""
    bound = "" if upto is None else f" AND id <= {store.mark}"
    rows = store.query(
        f"SELECT kind, COUNT(DISTINCT cui) FROM fact_change WHERE id > {store.mark}{bound} "
        "GROUP BY kind",
        (after,) if upto is None else (after, upto),
    )
    return {kind: int(count) for kind, count in sorted(rows)}


def facts_changed(
    store: RegisterStore, cuis: Sequence[str], after: int, upto: int
) -> dict[str, set[str]]:
    """Of ``cuis``, those whose facts changed after change ``after`` up to ``upto``, with
    the kinds of their changes."""
    changed: dict[str, set[str]] = {}
    if not cuis:
        return changed
    for cui, kind in store.query(
        f"SELECT DISTINCT cui, kind FROM fact_change WHERE id > {store.mark} "
        f"AND id <= {store.mark} AND {_in(store, 'cui', cuis)}",
        (after, upto, *cuis),
    ):
        changed.setdefault(cui, set()).add(kind)
    return changed


def registrations_numbered(
    store: RegisterStore, columns: Sequence[str], reg_numbers: Sequence[str], *, size: int = 500
) -> Iterator[list[tuple[Any, ...]]]:
    """``columns`` of the registrations (``registration_view``) with these register numbers,
    every ``dup`` of each, in batches of at most ``size`` register numbers."""
    for start in range(0, len(reg_numbers), size):
        part = reg_numbers[start : start + size]
        yield store.query(
            f"SELECT {', '.join(columns)} FROM registration_view "
            f"WHERE {_in(store, 'reg_number', part)}",
            part,
        )
