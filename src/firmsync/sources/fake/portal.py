"""A local data portal (CKAN, as data.gov.ro runs it) serving the datasets in a folder.

Each folder under the root named as a dataset is one: ``firme-DD-MM-YYYY`` and
``nomenclatoare-DD-MM-YYYY`` of organisation ``onrc``, ``situatii_financiare_YYYY`` of
``mfp``; each file in it is a resource. ``/api/3/action/package_search`` (``q`` with
``organization:NAME`` and ``name:PREFIX*`` terms, ``rows``, ``start``) and ``package_show``
answer in CKAN's shapes, with resource ``url``\\ s pointing at the fake itself (their ids
change when a file changes, as the portal's do with every snapshot) and ``size`` in bytes.
MF resources are as untidy as the portal's: names without extension, a trailing ``;``,
descriptions named ``… specificatie``, a stray test file.

Scenarios: ``ok``; ``truncated``, the first download of each file cut at half its length
with a ``Content-Length`` that says so (a cut transfer that still parses); ``slow``,
downloads at ``rate`` bytes a second and answers a moment late; ``down``, 503 for
everything. ``/__stats`` counts the requests.

:func:`make_portal_sample` writes what it serves for a demo: a sample snapshot, the next
month's (:mod:`firmsync.registry.sample_next`) and two years of financial statements.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from firmsync.sources.fake.server import Answer, Request, Serving, serve

__all__ = ["SCENARIOS", "FakePortal", "make_portal_sample"]

SCENARIOS = ("ok", "truncated", "slow", "down")
FIRST, SECOND = date(2026, 11, 2), date(2026, 12, 2)  # the sample's two snapshots
YEARS = (2024, 2025)  # the sample's years of financial statements
_NAMESPACE = uuid.UUID("6f1c3e1a-8c43-4d8e-9a55-1f0e2b7d9c11")
_STRAY = "test.txt"  # a test resource left in an MF dataset, as the portal has
_API = "/api/3/action/"
_DOWNLOAD = "/download/"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(map(str, parts))))


def _organization(name: str) -> str | None:
    lower = name.lower()
    if lower.startswith(("firme-", "nomenclatoare-")):
        return "onrc"
    if lower.startswith("situatii_financiare"):
        return "mfp"
    return None


def _stamp(name: str) -> str:
    """When a dataset was published: its date at 10:00, or mid-July after an MF year."""
    tail = name.rsplit("_", 1)[-1]
    if tail.isdigit() and len(tail) == 4:
        return f"{int(tail) + 1}-07-15T10:00:00.000000"
    day, month, year = name.rsplit("-", 3)[-3:]
    return f"{year}-{month}-{day}T10:00:00.000000"


def _title(name: str) -> str:
    if name.startswith("situatii_financiare"):
        return f"Situații financiare {name.rsplit('_', 1)[-1]}"
    day, month, year = name.rsplit("-", 3)[-3:]
    if name.startswith("nomenclatoare-"):
        return f"Nomenclatoare ONRC {day}.{month}.{year}"
    return f"Firme înregistrate la Registrul Comerțului până la data de {day}.{month}.{year}"


def _resource_name(dataset: str, path: Path, position: int) -> str:
    """As the portal names them: ONRC files by their upper-case name, MF files without
    extension (the second one with a trailing ``;``), descriptions as ``… specificatie``."""
    if _organization(dataset) != "mfp":
        return path.name.upper()
    stem = path.stem.upper()
    if path.suffix.lower() == ".csv":
        return f"{stem} specificatie"
    return f"{stem};" if position % 2 else stem


@dataclass
class FakePortal:
    root: Path
    scenario: str = "ok"
    rate: float = 1 << 20  # bytes a second in the ``slow`` scenario
    delay: float = 0.2  # seconds an API answer takes in the ``slow`` scenario
    requests: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}")
        self._lock = threading.Lock()
        self._served: Counter[str] = Counter()  # downloads begun, by resource id

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Serving:
        return serve(self.handle, host, port)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self.requests)

    # --- what it holds ---------------------------------------------------------------------
    def _files(self, folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))

    def _folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return [p for p in sorted(self.root.iterdir()) if p.is_dir() and _organization(p.name)]

    def _package(self, folder: Path, site: str) -> dict[str, Any]:
        name = folder.name
        package_id = _id(name)
        stamp = _stamp(name)
        files = self._files(folder)
        resources = []
        for position, path in enumerate(files):
            stat = path.stat()
            resource_id = _id(name, path.name, stat.st_size, stat.st_mtime_ns)
            resources.append(
                {
                    "id": resource_id,
                    "package_id": package_id,
                    "name": _resource_name(name, path, position),
                    "description": "",
                    "format": path.suffix.lstrip(".").upper(),
                    "mimetype": "text/csv" if path.suffix.lower() == ".csv" else "text/plain",
                    "url": f"{site}/dataset/{package_id}/resource/{resource_id}"
                    f"{_DOWNLOAD}{path.name.lower()}",
                    "url_type": "upload",
                    "size": stat.st_size,
                    "created": stamp,
                    "last_modified": stamp,
                    "position": position,
                    "state": "active",
                }
            )
        if _organization(name) == "mfp":
            resources.append(
                {
                    "id": _id(name, _STRAY),
                    "package_id": package_id,
                    "name": "test",
                    "format": "TXT",
                    "url": f"{site}/dataset/{package_id}/resource/{_id(name, _STRAY)}"
                    f"{_DOWNLOAD}{_STRAY}",
                    "url_type": "upload",
                    "size": 4,
                    "created": stamp,
                    "position": len(resources),
                    "state": "active",
                }
            )
        organization = _organization(name)
        return {
            "id": package_id,
            "name": name,
            "title": _title(name),
            "type": "dataset",
            "state": "active",
            "private": False,
            "license_id": "CC-BY-4.0",
            "license_title": "Creative Commons Attribution 4.0",
            "metadata_created": stamp,
            "metadata_modified": stamp,
            "organization": {
                "id": _id("organization", organization),
                "name": organization,
                "title": "Oficiul Național al Registrului Comerțului"
                if organization == "onrc"
                else "Ministerul Finanțelor",
                "type": "organization",
            },
            "num_resources": len(resources),
            "resources": resources,
            "tags": [],
        }

    # --- answers -----------------------------------------------------------------------------
    def handle(self, request: Request) -> Answer:
        if request.path.startswith(_API):
            with self._lock:
                self.requests[request.path.removeprefix(_API)] += 1
        if request.path == "/__stats":
            return Answer.of(self.stats())
        if self.scenario == "down":
            return Answer(503, b"<html><h1>503 Service Unavailable</h1></html>", "text/html")
        if self.scenario == "slow" and request.path.startswith(_API):
            time.sleep(self.delay)
        site = f"http://{request.headers.get('host', '127.0.0.1')}"
        if request.path == _API + "package_search":
            return self._search(request, site)
        if request.path == _API + "package_show":
            return self._show(request, site)
        if _DOWNLOAD in request.path:
            return self._download(request)
        return self._error(404, "Not Found Error", "Not found")

    @staticmethod
    def _error(status: int, kind: str, message: str) -> Answer:
        body = {"help": "", "success": False, "error": {"__type": kind, "message": message}}
        return Answer.of(body, status)

    @staticmethod
    def _ok(result: Any, action: str) -> Answer:
        help_url = f"https://data.gov.ro/api/3/action/help_show?name={action}"
        return Answer.of({"help": help_url, "success": True, "result": result})

    def _search(self, request: Request, site: str) -> Answer:
        try:
            rows = min(int(request.query.get("rows", 10)), 1000)
            start = int(request.query.get("start", 0))
        except ValueError:
            return self._error(409, "Validation Error", "rows and start must be integers")
        organization, prefixes, words = None, [], []
        for term in request.query.get("q", "").split():
            key, _, value = term.partition(":")
            if key == "organization" and value:
                organization = value
            elif key == "name" and value:
                prefixes.append(value.rstrip("*").lower())
            else:
                words.append(term.lower())
        matched = [
            folder
            for folder in self._folders()
            if (organization is None or _organization(folder.name) == organization)
            and all(folder.name.lower().startswith(p) for p in prefixes)
            and all(w in folder.name.lower() for w in words)
        ]
        matched.sort(key=lambda f: _stamp(f.name), reverse=True)  # metadata_modified desc
        page = [self._package(f, site) for f in matched[start : start + rows]]
        result = {
            "count": len(matched),
            "facets": {},
            "results": page,
            "sort": "score desc, metadata_modified desc",
            "search_facets": {},
        }
        return self._ok(result, "package_search")

    def _show(self, request: Request, site: str) -> Answer:
        wanted = request.query.get("id", "")
        for folder in self._folders():
            if wanted in (folder.name, _id(folder.name)):
                return self._ok(self._package(folder, site), "package_show")
        return self._error(404, "Not Found Error", "Not found")

    def _download(self, request: Request) -> Answer:
        parts = request.path.split("/")  # /dataset/<id>/resource/<id>/download/<file>
        if len(parts) != 7 or parts[1] != "dataset" or parts[3] != "resource":
            return Answer(404, b"Not Found", "text/plain")
        for folder in self._folders():
            if _id(folder.name) != parts[2]:
                continue
            if parts[4] == _id(folder.name, _STRAY):
                return Answer(200, b"test", "text/plain")
            for path in self._files(folder):
                stat = path.stat()
                if _id(folder.name, path.name, stat.st_size, stat.st_mtime_ns) == parts[4]:
                    return self._file(parts[4], path, stat.st_size)
        return Answer(404, b"Not Found", "text/plain")

    def _file(self, resource_id: str, path: Path, size: int) -> Answer:
        with self._lock:
            self._served[resource_id] += 1
            first = self._served[resource_id] == 1
            self.requests["downloads"] += 1
        length = None
        if self.scenario == "truncated" and first and size > 1:
            length = size // 2
            with self._lock:
                self.requests["truncated"] += 1
        rate = self.rate if self.scenario == "slow" else None
        kind = "text/csv" if path.suffix.lower() == ".csv" else "text/plain"
        return Answer(200, file=path, length=length, rate=rate, content_type=kind)


def make_portal_sample(root: Path, *, companies: int, seed: int = 1) -> dict[str, Any]:
    """What the fake portal serves for a demo, written under ``root``: snapshot ``FIRST``
    and the next month's, ``SECOND``, with their code tables, and MF ``YEARS``. Returns
    the next month's changes (register numbers by kind)."""
    from firmsync.registry.sample import make_sample
    from firmsync.registry.sample_next import next_snapshot

    make_sample(root, companies=companies, seed=seed, snapshot=FIRST, years=YEARS)
    first = root / f"firme-{FIRST:%d-%m-%Y}"
    summary = next_snapshot(first, root, snapshot=SECOND, seed=seed)
    return {
        "renamed": summary.renamed,
        "moved": summary.moved,
        "struck_off": summary.struck_off,
        "new": summary.new,
    }
