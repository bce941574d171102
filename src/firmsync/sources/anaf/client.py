"""ANAF's client: the VAT-payer registry in batches of 100, and balance sheets by year.

Every request waits for the client's pace (:mod:`firmsync.sources.anaf.pace`); in a
deployment one client sends at a time, the fetcher's. A request that fails transiently is
asked again after a backoff, while the other batches go on; a firewall page counts towards
the circuit breaker, and while it is open nothing is sent; an answer in a shape the
reference does not document is reported with an excerpt and not asked again. Whatever a
CUI ends with — facts, not found, or its error — is in the :class:`VatResult`; a CUI is
never reported found with facts from a failed request.

The base URL, the transport, the pace, the clock and the sleep are injectable: the tests and
the benchmark talk to the local fake (``firmsync dev fake-anaf``).
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from firmsync.sources.anaf.answers import decode, vat_lists
from firmsync.sources.anaf.balance import BalanceSheet, read_balance_sheet
from firmsync.sources.anaf.pace import IntervalPace, Pace
from firmsync.sources.anaf.records import SOURCE, facts_from_record
from firmsync.sources.errors import Blocked, Malformed, SourceError, Transient, excerpt
from firmsync.sources.facts import CompanyFacts
from firmsync.sources.resilience import Backoff, Breaker

__all__ = ["BASE_URL", "BATCH", "AnafClient", "VatResult"]

BASE_URL = "https://webservicesp.anaf.ro"
VAT_PATH = "/api/PlatitorTvaRest/v9/tva"
BALANCE_PATH = "/bilant"
BATCH = 100  # CUIs per VAT request: ANAF's limit
TIMEOUT = 30.0
CIRCUIT_OPEN = "circuit open after repeated firewall pages"
# ANAF's firewall challenges crawler-like requests; OCA's client sends a browser's agent.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) firmsync/1.0"


@dataclass
class VatResult:
    found: dict[str, CompanyFacts] = field(default_factory=dict)
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)  # the record as received
    not_found: set[str] = field(default_factory=set)
    failed: dict[str, SourceError] = field(default_factory=dict)
    requests: int = 0


@dataclass(order=True)
class _Batch:
    not_before: float
    order: int
    cuis: list[str] = field(compare=False)
    failures: int = field(default=0, compare=False)


class AnafClient:
    def __init__(
        self,
        base_url: str = BASE_URL,
        *,
        pace: Pace | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = TIMEOUT,
        backoff: Backoff | None = None,
        breaker: Breaker | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.pace = pace or IntervalPace(rate=1.0)
        self.backoff = backoff or Backoff()
        self.breaker = breaker or Breaker(clock=clock)
        self.clock, self.sleep, self.rng = clock, sleep, rng or random.Random()
        # Keep-alive off: ANAF resets pooled connections left idle between paced requests.
        self.http = httpx.Client(
            base_url=base_url,
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> AnafClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one request -------------------------------------------------------------------
    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        """One paced request; its decoded JSON, or the classified error."""
        if not self.breaker.closed():
            raise Blocked(SOURCE, CIRCUIT_OPEN)
        self.pace.wait()
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TimeoutException as error:
            raise Transient(SOURCE, f"timed out ({type(error).__name__})") from None
        except httpx.TransportError as error:  # resets, refused connections, broken answers
            raise Transient(SOURCE, f"connection failed ({type(error).__name__})") from None
        headers = {k.lower(): v for k, v in response.headers.items()}
        try:
            data = decode(SOURCE, response.status_code, headers, response.content)
        except Blocked:
            self.breaker.failed()
            raise
        self.breaker.passed()
        return data

    def _delay(self, failures: int, error: SourceError) -> float:
        """How long to wait before asking again: the backoff's, or longer if ANAF said so."""
        delay = self.backoff.delay(failures, self.rng)
        if isinstance(error, Transient) and error.retry_after:
            delay = max(delay, error.retry_after)
        return delay

    # --- the VAT-payer registry ----------------------------------------------------------
    def vat(self, cuis: Iterable[str], *, on: datetime.date | None = None) -> VatResult:
        """What the VAT-payer registry says of each CUI (canonical digits) as of ``on``."""
        day = (on or datetime.date.today()).isoformat()
        wanted = list(dict.fromkeys(cuis))
        result = VatResult()
        order = itertools.count()
        queue = [
            _Batch(0.0, next(order), wanted[i : i + BATCH]) for i in range(0, len(wanted), BATCH)
        ]
        heapq.heapify(queue)
        while queue:
            batch = heapq.heappop(queue)
            if (wait := batch.not_before - self.clock()) > 0:
                self.sleep(wait)
            if not self.breaker.closed():  # blocked: every CUI left waits for a later call
                error = Blocked(SOURCE, CIRCUIT_OPEN)
                for left in (batch, *queue):
                    result.failed.update(dict.fromkeys(left.cuis, error))
                break
            body = [{"cui": int(c), "data": day} for c in batch.cuis]
            result.requests += 1
            try:
                found, not_found = vat_lists(SOURCE, self._send("POST", VAT_PATH, json=body))
                self._keep(batch.cuis, found, not_found, result)
            except (Transient, Blocked) as error:
                batch.failures += 1
                if batch.failures >= self.backoff.attempts:
                    result.failed.update(dict.fromkeys(batch.cuis, error))
                    continue
                batch.not_before = self.clock() + self._delay(batch.failures - 1, error)
                heapq.heappush(queue, batch)
            except SourceError as error:
                result.failed.update(dict.fromkeys(batch.cuis, error))
        return result

    def _keep(
        self, asked: list[str], found: list[dict[str, Any]], not_found: set[str], result: VatResult
    ) -> None:
        """Store one answer; nothing of it if any record cannot be read (all or nothing)."""
        facts: dict[str, CompanyFacts] = {}
        raw: dict[str, dict[str, Any]] = {}
        for record in found:
            try:
                read = facts_from_record(record)
            except (KeyError, TypeError, ValueError) as error:
                raise Malformed(
                    SOURCE, f"unreadable record ({error!r}): {excerpt(str(record))}"
                ) from None
            facts[read.cui], raw[read.cui] = read, record
        missing = set(asked) - facts.keys() - not_found
        if missing:  # neither found nor not found: the answer is incomplete
            raise Malformed(SOURCE, f"the answer leaves out {len(missing)} of the CUIs asked")
        result.found.update(facts)
        result.raw.update(raw)
        result.not_found.update(not_found & set(asked))

    # --- balance sheets ------------------------------------------------------------------
    def balance_sheet(self, cui: str, year: int) -> BalanceSheet | None:
        """The year's balance sheet (``None``: no filing), retried on transient failures."""
        for failures in itertools.count():
            try:
                data = self._send("GET", BALANCE_PATH, params={"an": year, "cui": cui})
                return read_balance_sheet(data, year=year, cui=cui)
            except ValueError as error:
                raise Malformed(SOURCE, f"balance sheet {year}: {error}") from None
            except (Transient, Blocked) as error:
                if failures + 1 >= self.backoff.attempts or not self.breaker.closed():
                    raise
                self.sleep(self._delay(failures, error))
        raise AssertionError("unreachable")

    def balance_sheets(self, cui: str, years: Iterable[int]) -> list[BalanceSheet]:
        """The sheets filed for ``years``, newest first (years with no filing left out)."""
        found = (self.balance_sheet(cui, year) for year in sorted(set(years), reverse=True))
        return [sheet for sheet in found if sheet is not None]
