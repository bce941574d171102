"""The data portal's client: CKAN's ``package_search`` and ``package_show``, and downloads.

CKAN answers ``{"success": true, "result": …}``; a dataset (``package``) has a ``name``
(``firme-02-12-2026``), its ``organization`` and ``resources``, each with a ``url`` and the
``size`` in bytes. Resource URLs change with every snapshot, so they are always read from
the portal, never kept.

A request that fails transiently (a timeout, a refused or reset connection, a 5xx or 429
answer) is asked again after a backoff, then reported as :class:`Transient`. A download is
streamed to ``<name>.part`` and renamed only when whole: a long transfer can be cut and a
cut file still parses (onrc-open-data.md §1), so its bytes are compared with the ``size``
the portal gives (or, without one, with the ``Content-Length``), and a file that falls short
or runs over is downloaded again. HTTP ``Range`` is not relied on.

The base URL, the transport, the timeout, the backoff and the sleep are injectable: the tests
talk to the local fake (``firmsync dev fake-portal``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from firmsync import __version__
from firmsync.sources.errors import Blocked, Malformed, NotFound, SourceError, Transient, excerpt
from firmsync.sources.resilience import Backoff

__all__ = [
    "BASE_URL",
    "SOURCE",
    "USER_AGENT",
    "Dataset",
    "PortalClient",
    "Resource",
    "api_root",
    "dataset_from",
]

BASE_URL = "https://data.gov.ro"
SOURCE = "portal"
# Connecting should be quick; a read may wait on a portal that assembles a large answer.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
USER_AGENT = f"firmsync/{__version__} (+https://github.com/firmsync/firmsync)"
ROWS = 100  # datasets a package_search page
PAGES = 50  # at most this many pages of one search: a portal that pages forever is stopped
CHUNK = 1 << 20  # bytes written at a time
_API = "/api/3/action/"

log = logging.getLogger(__name__)


def api_root(url: str) -> str:
    """The portal's site URL, whether given as the site or as its API.

    >>> api_root("https://data.gov.ro/api/3/action/"), api_root("http://127.0.0.1:8083")
    ('https://data.gov.ro', 'http://127.0.0.1:8083')
    """
    root = url.strip().rstrip("/")
    for tail in ("/api/3/action", "/api/3", "/api"):
        root = root.removesuffix(tail)
    return root


@dataclass(frozen=True)
class Resource:
    """One file of a dataset, as CKAN lists it."""

    name: str
    url: str
    size: int | None  # bytes, as the portal gives it
    created: str  # ISO timestamp; "" when absent

    @property
    def file_name(self) -> str:
        """The file's name: the last part of its URL (``od_firme.csv``), else its name.

        >>> Resource("OD_FIRME.CSV", "https://x/download/od_firme.csv", 5, "").file_name
        'od_firme.csv'
        """
        tail = PurePosixPath(unquote(urlsplit(self.url).path)).name
        return tail or self.name.strip().rstrip(";")


@dataclass(frozen=True)
class Dataset:
    """A dataset (CKAN package): a snapshot, its code tables, or a year's statements."""

    name: str
    title: str
    organization: str | None
    modified: str  # metadata_modified, ISO
    license_id: str | None
    resources: tuple[Resource, ...]


def _size(value: Any) -> int | None:
    """CKAN gives ``size`` as a number, a numeric string, or nothing."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        size = int(float(value))
    except (TypeError, ValueError):
        return None
    return size if size >= 0 else None


def dataset_from(data: Any) -> Dataset:
    """A CKAN package object read (``ValueError`` naming what is wrong with it)."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise ValueError("a dataset without a name")
    organization = data.get("organization")
    resources = []
    for item in data.get("resources") or []:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ValueError(f"dataset {data['name']}: a resource without a url")
        resources.append(
            Resource(
                name=str(item.get("name") or ""),
                url=item["url"],
                size=_size(item.get("size")),
                created=str(item.get("created") or item.get("last_modified") or ""),
            )
        )
    return Dataset(
        name=data["name"],
        title=str(data.get("title") or ""),
        organization=organization.get("name") if isinstance(organization, dict) else None,
        modified=str(data.get("metadata_modified") or ""),
        license_id=data.get("license_id") or None,
        resources=tuple(resources),
    )


class PortalClient:
    def __init__(
        self,
        base_url: str = BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = TIMEOUT,
        backoff: Backoff | None = None,
        download_backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = api_root(base_url)
        self.backoff = backoff or Backoff(base=1.0, cap=30.0, attempts=3)
        # A file that came short is asked again soon: the next transfer is a new chance.
        self.download_backoff = download_backoff or Backoff(base=0.2, cap=30.0, attempts=4)
        self.sleep, self.rng = sleep, rng or random.Random()
        self.http = httpx.Client(
            base_url=self.base_url + _API,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the API -------------------------------------------------------------------------
    def _retried(self, what: str, attempt: Callable[[], Any]) -> Any:
        """``attempt()`` again after a backoff while it fails transiently."""
        for failures in range(self.backoff.attempts):
            try:
                return attempt()
            except Transient as error:
                if failures + 1 >= self.backoff.attempts:
                    raise Transient(
                        SOURCE,
                        f"{what}: {error.args[0].removeprefix(SOURCE + ': ')}"
                        f" ({self.backoff.attempts} tries)",
                    ) from None
                log.info("%s failed (%s); asking again", what, error)
                self.sleep(self.backoff.delay(failures, self.rng))
        raise AssertionError("unreachable")

    def _action(self, action: str, params: dict[str, Any]) -> Any:
        """One API call's ``result``, or the classified error."""
        try:
            response = self.http.get(action, params=params)
        except httpx.TimeoutException as error:
            raise Transient(SOURCE, f"{self.base_url} timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:  # refused, reset, broken answers
            raise Transient(
                SOURCE, f"{self.base_url} out of reach ({type(error).__name__})"
            ) from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise Transient(SOURCE, f"{self.base_url} answered {status} {response.reason_phrase}")
        if status == 403:
            raise Blocked(SOURCE, f"{self.base_url} refused us (403)")
        try:
            data = response.json()
        except ValueError:
            raise Malformed(SOURCE, f"{action}: not JSON: {excerpt(response.content)}") from None
        if status == 404 or (isinstance(data, dict) and data.get("success") is False):
            error = data.get("error") if isinstance(data, dict) else None
            message = error.get("message") if isinstance(error, dict) else None
            if status == 404:
                raise NotFound(SOURCE, f"{action} {params}: {message or 'not found'}")
            raise Malformed(SOURCE, f"{action}: {message or excerpt(response.content)}")
        if status != 200 or not isinstance(data, dict) or "result" not in data:
            raise Malformed(SOURCE, f"{action}: {status} {excerpt(response.content)}")
        return data["result"]

    def search(self, query: str, *, rows: int = ROWS) -> list[Dataset]:
        """Every dataset ``package_search`` finds for ``query`` (``organization:onrc``),
        ``rows`` a page."""
        found: list[Dataset] = []
        for page in range(PAGES):
            params = {"q": query, "rows": rows, "start": page * rows}
            result = self._retried(
                f"package_search {query}", lambda p=params: self._action("package_search", p)
            )
            try:
                results = result["results"]
                found.extend(dataset_from(item) for item in results)
            except (KeyError, TypeError, ValueError) as error:
                raise Malformed(SOURCE, f"package_search: {error}") from None
            if len(results) < rows or len(found) >= int(result.get("count") or 0):
                break
        return found

    def show(self, name: str) -> Dataset:
        """One dataset with its resources, as they are now (``package_show``)."""
        result = self._retried(
            f"package_show {name}", lambda: self._action("package_show", {"id": name})
        )
        try:
            return dataset_from(result)
        except ValueError as error:
            raise Malformed(SOURCE, f"package_show {name}: {error}") from None

    # --- downloads -----------------------------------------------------------------------
    def _chunks(self, url: str) -> Iterator[tuple[int | None, bytes]]:
        """The body of ``url`` in pieces, each with the ``Content-Length`` announced (``None``
        when the body is sent compressed: the length is then not the file's)."""
        try:
            with self.http.stream("GET", url) as response:
                status = response.status_code
                if status == 404:
                    raise NotFound(SOURCE, f"{url}: 404 (gone from the portal)")
                if status == 403:
                    raise Blocked(SOURCE, f"{url}: refused (403)")
                if status != 200:
                    raise Transient(SOURCE, f"{url}: {status} {response.reason_phrase}")
                announced = _size(response.headers.get("content-length"))
                if response.headers.get("content-encoding", "identity") != "identity":
                    announced = None
                for chunk in response.iter_bytes(CHUNK):
                    yield announced, chunk
        except httpx.TimeoutException as error:
            raise Transient(SOURCE, f"{url}: timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:  # refused, reset, or cut before its length
            raise Transient(SOURCE, f"{url}: cut off ({type(error).__name__})") from None

    def download(
        self,
        resource: Resource,
        target: Path,
        *,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> int:
        """``resource`` saved as ``target``, whole; its size. ``progress(done, total)`` as
        bytes arrive (``done`` starts again at 0 when the file is downloaded again)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        for failures in range(self.download_backoff.attempts):
            written, expected = 0, resource.size
            try:
                with part.open("wb") as out:
                    if progress:
                        progress(0, expected)
                    for announced, chunk in self._chunks(resource.url):
                        expected = resource.size if resource.size is not None else announced
                        out.write(chunk)
                        written += len(chunk)
                        if progress:
                            progress(written, expected)
                if expected is None or written == expected:
                    part.replace(target)
                    return written
                error: SourceError = Transient(
                    SOURCE,
                    f"{resource.file_name}: {written:,} bytes where the portal lists {expected:,}",
                )
            except Transient as failed:
                error = failed
            except BaseException:
                part.unlink(missing_ok=True)
                raise
            part.unlink(missing_ok=True)
            if failures + 1 >= self.download_backoff.attempts:
                message = error.args[0].removeprefix(SOURCE + ": ")
                raise Transient(SOURCE, f"{message} ({self.download_backoff.attempts} tries)")
            log.warning("%s; downloading it again", error)
            self.sleep(self.download_backoff.delay(failures, self.rng))
        raise AssertionError("unreachable")
