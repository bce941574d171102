"""The register kept current from the data portal: what is newer, fetched, then imported.

``firmsync registry update`` asks the portal (:mod:`firmsync.sources.portal`) for its newest
ONRC snapshot and the MF years it has, and compares them with what the register holds: its
date (:mod:`firmsync.registry.snapshots`: the newest snapshot all in) and the years of its
financial statements. Anything newer is downloaded into ``<data>/downloads/<dataset>/``,
every file checked against the size the portal lists, and only once all of them are whole is
anything imported, in one import as ``registry import`` does it (code tables first, the
snapshot's statuses last, the date moving only when its tables are all in). A download that
fails leaves the register as it was, and the files already whole are kept for the next try;
after a successful import the downloads are deleted, unless kept.

Which MF years: those the portal has and the register lacks, from the oldest year the
register holds on (a gap is filled, older years are not fetched unasked); a register without
any takes the newest :data:`MF_FIRST`.

One update runs at a time in the deployment (a lease, :mod:`firmsync.enrichment.lease`).
The worker runs it daily at ``FIRMSYNC_REGISTER_UPDATE`` (:func:`register_update_daily`),
the register recording when it was last tried and done, so that every node sees it.

This module imports no Django: the command starts as fast as ``registry import``.
"""

from __future__ import annotations

import datetime
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from firmsync import conf
from firmsync.crm.errors import Conflict, Invalid, Unavailable
from firmsync.enrichment.services.register import _store, register_import

if TYPE_CHECKING:
    from firmsync.matching.index import NameIndex
    from firmsync.registry.importer import ImportResult
    from firmsync.sources.portal.catalogue import PortalFile
    from firmsync.sources.portal.client import PortalClient

__all__ = [
    "MF_FIRST",
    "RETRY",
    "Fetch",
    "UpdatePlan",
    "UpdateResult",
    "next_check",
    "register_update",
    "register_update_daily",
    "update_plan",
    "update_schedule",
    "update_time",
]

MF_FIRST = 3  # MF years a register without any takes: the newest three
RETRY = datetime.timedelta(hours=1)  # after a daily check that found the portal out of reach
ZONE = "Europe/Bucharest"  # the time of day is the users'

# progress(file name, bytes done, bytes in all or None)
DownloadProgress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Fetch:
    """A dataset to download and import, and why."""

    dataset: str
    kind: str  # "snapshot", "code_tables" or "mf"
    label: str  # what it brings: "snapshot 2026-12-02", "MF 2025"
    files: tuple[PortalFile, ...]
    snapshot: datetime.date | None = None  # of a snapshot or its code tables

    @property
    def size(self) -> int | None:
        sizes = [f.resource.size for f in self.files]
        return None if None in sizes else sum(s for s in sizes if s is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "kind": self.kind,
            "label": self.label,
            "files": [{"name": f.name, "size": f.resource.size} for f in self.files],
            "size": self.size,
        }


@dataclass
class UpdatePlan:
    """What the portal has that the register lacks."""

    portal: str
    register_snapshot: str | None
    register_years: list[int]
    portal_snapshot: str | None
    portal_years: list[int]
    fetch: list[Fetch] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # newer, but not complete on the portal

    def to_dict(self) -> dict[str, Any]:
        return {
            "portal": self.portal,
            "register": {"snapshot": self.register_snapshot, "mf_years": self.register_years},
            "available": {"snapshot": self.portal_snapshot, "mf_years": self.portal_years},
            "newer": [f.to_dict() for f in self.fetch],
            "waiting": self.waiting,
        }


@dataclass
class UpdateResult:
    plan: UpdatePlan
    downloaded: int = 0  # bytes fetched
    reused: list[str] = field(default_factory=list)  # files whole from an earlier try
    imported: ImportResult | None = None
    index: NameIndex | None = None
    snapshot: str | None = None  # the register's date after the update
    kept: Path | None = None  # where the downloads are, when kept

    def to_dict(self) -> dict[str, Any]:
        imported = self.imported
        return {
            **self.plan.to_dict(),
            "updated": imported is not None,
            "snapshot": self.snapshot,
            "downloaded_bytes": self.downloaded,
            "reused": self.reused,
            "files": [
                {
                    "file": item.path.name,
                    "rows_loaded": report.rows_loaded,
                    "rows_rejected": report.rows_rejected,
                }
                for item, report in (imported.files if imported else [])
            ],
            "partial_snapshots": [p.to_dict() for p in imported.partial] if imported else [],
            "changes": imported.changes if imported else {},
            "downloads_kept": str(self.kept) if self.kept else None,
        }


def _portal_url(portal_url: str | None) -> str:
    url = (portal_url or conf.load().portal_url).strip()
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.netloc:
        raise Invalid("portal", f"{url!r} is not an http(s) URL of a data portal")
    return url


def _client(portal_url: str | None, client: PortalClient | None) -> PortalClient:
    from firmsync.sources.portal.client import PortalClient

    return client if client is not None else PortalClient(_portal_url(portal_url))


def _unavailable(url: str, error: Exception, snapshot: str | None) -> Unavailable:
    held = f"snapshot {snapshot}" if snapshot else "no snapshot"
    said = str(error).removeprefix("portal: ")
    return Unavailable(f"data portal {url}: {said}; the register is unchanged ({held})")


def _plan(client: PortalClient) -> UpdatePlan:
    from firmsync.registry import snapshots
    from firmsync.registry.read import financial_years
    from firmsync.sources.portal import catalogue

    store = _store()
    held, years = store.meta("snapshot"), financial_years(store)
    onrc = client.search("organization:onrc")
    mf = catalogue.mf_years(client.search("organization:mfp"))
    newest = catalogue.newest(onrc, "firme-")
    newest_date = catalogue.dated(newest.name) if newest else None
    plan = UpdatePlan(
        client.base_url,
        held,
        years,
        newest_date.isoformat() if newest_date else None,
        list(mf),
    )
    if newest is not None and newest_date is not None and (held or "") < newest_date.isoformat():
        dataset = client.show(newest.name)
        files = catalogue.files_of(dataset, catalogue.SNAPSHOT_KINDS)
        lacks = snapshots.missing(
            t for f in files if (t := snapshots.table_of(Path(f.name))) is not None
        )
        if lacks:
            plan.waiting.append(f"{dataset.name} (lacks {', '.join(lacks)})")
        else:
            plan.fetch.append(
                Fetch(
                    dataset.name, "snapshot", f"snapshot {newest_date}", tuple(files), newest_date
                )
            )
            tables = catalogue.code_tables_for(onrc, newest_date)
            if tables is not None:
                shown = client.show(tables.name)
                codes = catalogue.files_of(shown, catalogue.CODE_KINDS)
                if codes:
                    label = f"code tables {catalogue.dated(shown.name) or shown.name}"
                    plan.fetch.append(
                        Fetch(shown.name, "code_tables", label, tuple(codes), newest_date)
                    )
    wanted = (
        [y for y in mf if y not in years and y >= min(years)] if years else list(mf)[-MF_FIRST:]
    )
    for year in wanted:
        dataset = client.show(mf[year].name)
        files = catalogue.mf_files(dataset, year)
        if any(Path(f.name).suffix.lower() == ".txt" for f in files):
            plan.fetch.append(Fetch(dataset.name, "mf", f"MF {year}", tuple(files)))
        else:
            plan.waiting.append(f"{dataset.name} (no UU or BL/BS/SL file of {year})")
    return plan


def update_plan(*, portal_url: str | None = None, client: PortalClient | None = None) -> UpdatePlan:
    """What the portal has that the register lacks (``registry update --check``); nothing is
    downloaded. The portal out of reach: :class:`Unavailable`."""
    from firmsync.sources.errors import SourceError

    portal = _client(portal_url, client)
    try:
        return _plan(portal)
    except SourceError as error:
        raise _unavailable(portal.base_url, error, _store().meta("snapshot")) from None
    finally:
        if client is None:
            portal.close()


def _fetch(
    client: PortalClient,
    plan: UpdatePlan,
    folder: Path,
    result: UpdateResult,
    progress: DownloadProgress | None,
) -> list[Path]:
    """Every file of the plan whole under ``folder``; the dataset folders."""
    folders = []
    for fetch in plan.fetch:
        into = folder / fetch.dataset
        folders.append(into)
        for item in fetch.files:
            target = into / item.name
            size = item.resource.size
            if size is not None and target.is_file() and target.stat().st_size == size:
                result.reused.append(f"{fetch.dataset}/{item.name}")
                if progress:
                    progress(item.name, size, size)
                continue

            def tick(done: int, total: int | None, name: str = item.name) -> None:
                if progress:
                    progress(name, done, total)

            result.downloaded += client.download(item.resource, target, progress=tick)
    return folders


def _update(
    portal: PortalClient,
    keep: bool,
    now: datetime.datetime,
    download_progress: DownloadProgress | None = None,
    progress: Callable[[str, int | None, int], None] | None = None,
    names_progress: Callable[[int, int], None] | None = None,
) -> UpdateResult:
    from firmsync.registry.importer import snapshot_of
    from firmsync.sources.errors import SourceError

    held = _store().meta("snapshot")
    folder = conf.load().data_dir / "downloads"
    try:
        plan = _plan(portal)
        result = UpdateResult(plan, snapshot=held)
        if not plan.fetch:
            return result
        folders = _fetch(portal, plan, folder, result, download_progress)
    except SourceError as error:
        raise _unavailable(portal.base_url, error, held) from None
    # A snapshot dataset named in the old long form carries no date the importer reads.
    dated = next((f for f in plan.fetch if f.kind == "snapshot"), None)
    snapshot = None
    if dated is not None and snapshot_of(Path(dated.dataset)) != dated.snapshot:
        snapshot = dated.snapshot
    try:
        result.imported, result.index = register_import(
            folders, snapshot=snapshot, progress=progress, names_progress=names_progress
        )
    except Invalid as refused:
        raise Invalid(refused.field, f"{refused.message} (the downloads are in {folder})") from None
    result.snapshot = result.imported.snapshot
    last = {
        "at": now.isoformat(timespec="seconds"),
        "from": plan.register_snapshot,
        "to": result.snapshot,
        "brought": [f.label for f in plan.fetch],
        "changes": result.imported.changes,  # companies by kind of change of their facts
    }
    store = _store()
    with store.transaction():
        store.set_meta("update:last", json.dumps(last))
    if keep:
        result.kept = folder
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def register_update(
    *,
    portal_url: str | None = None,
    keep: bool = False,
    client: PortalClient | None = None,
    download_progress: DownloadProgress | None = None,
    progress: Callable[[str, int | None, int], None] | None = None,
    names_progress: Callable[[int, int], None] | None = None,
) -> UpdateResult:
    """Fetch what the portal has newer than the register and import it, all of it or
    nothing: a download that fails raises :class:`Unavailable` before anything is imported
    (the files already whole are kept for the next try). After a successful import the
    downloads are deleted, unless ``keep``. A file the import refuses (one that would
    shrink a table) raises :class:`Invalid`, the downloads kept for a look. One update runs
    at a time in the deployment: while another holds the lease, :class:`Conflict`."""
    from firmsync.enrichment.lease import REGISTER_UPDATE, configured_lease, renewed

    portal = _client(portal_url, client)
    lease = configured_lease(REGISTER_UPDATE)
    try:
        if not lease.acquire():
            raise Conflict("another register update is running; try again once it is done")
        with renewed(lease):
            now = datetime.datetime.now(datetime.UTC)
            return _update(portal, keep, now, download_progress, progress, names_progress)
    finally:
        if client is None:
            portal.close()


def update_time(setting: str) -> datetime.time | None:
    """When the daily check runs (``FIRMSYNC_REGISTER_UPDATE``), or None for ``off``.

    >>> update_time("03:30"), update_time("off")
    (datetime.time(3, 30), None)
    """
    if setting.strip().lower() == "off":
        return None
    try:
        hour, minute = setting.strip().split(":")
        return datetime.time(int(hour), int(minute))
    except ValueError:
        raise Invalid(
            "FIRMSYNC_REGISTER_UPDATE", f"{setting!r} is not a time of day (HH:MM) or off"
        ) from None


def _when(key: str) -> datetime.datetime | None:
    value = _store().meta(key)
    return datetime.datetime.fromisoformat(value) if value else None


def _mark(key: str, when: datetime.datetime) -> None:
    store = _store()
    with store.transaction():
        store.set_meta(key, when.isoformat(timespec="seconds"))


def next_check(now: datetime.datetime) -> datetime.datetime | None:
    """When the daily check runs next (None: ``off``): today's time of day if today's has
    not been done, else tomorrow's; a check that failed is tried again after
    :data:`RETRY`."""
    config = conf.load()
    at = update_time(config.register_update)
    if at is None or conf.is_demo(config):  # (a demo's register is a sample: kept)
        return None
    zone = ZoneInfo(ZONE)
    local = now.astimezone(zone)
    slot = datetime.datetime.combine(local.date(), at, tzinfo=zone)
    checked, attempted = _when("update:checked"), _when("update:attempted")
    if checked is not None and checked >= slot:
        return slot + datetime.timedelta(days=1)
    if attempted is not None and attempted >= slot:
        return max(slot, attempted + RETRY)
    return slot


def update_schedule(now: datetime.datetime) -> dict[str, Any]:
    """What ``registry stats`` shows of the updates: the last one that imported something
    (when, the register's date before and after, what it brought, the companies whose
    facts it changed by kind of change), the setting, and when
    the next daily check runs (None: ``off``, or a setting that is not a time, ``error``)."""
    last = _store().meta("update:last")
    setting = conf.load().register_update
    try:
        due, error = next_check(now), None
    except Invalid as refused:
        due, error = None, str(refused)
    return {
        "last": json.loads(last) if last else None,
        "setting": setting,
        "next_check": due.isoformat(timespec="minutes") if due else None,
        "error": error,
    }


def register_update_daily(
    *, now: datetime.datetime, client: PortalClient | None = None
) -> UpdateResult | None:
    """The worker's daily check (every minute it asks; this answers once a day): at the
    configured time of day, :func:`register_update` unless this day's check is done, one
    is running elsewhere (the lease), or it is ``off``. ``None``: nothing was run. A check
    whose portal was out of reach is tried again after :data:`RETRY`; one whose file the
    import refused waits for the next day (its downloads kept)."""
    from firmsync.enrichment.lease import REGISTER_UPDATE, configured_lease, renewed

    due = next_check(now)
    if due is None or now < due:
        return None
    lease = configured_lease(REGISTER_UPDATE)
    if not lease.acquire():
        return None
    portal = _client(None, client)
    try:
        with renewed(lease):
            again = next_check(now)  # another node may have done it in the meantime
            if again is None or now < again:
                return None
            _mark("update:attempted", now)
            try:
                result = _update(portal, False, now)
            except Invalid:
                _mark("update:checked", now)
                raise
            _mark("update:checked", now)
            return result
    finally:
        if client is None:
            portal.close()
