"""Looking companies up by CUI in one source or in all of them, merged.

- ``register``: the local mirror (ONRC snapshot and MF financial statements);
- ``anaf``: the VAT-payer registry (all CUIs in batches of 100) and the balance sheets of
  the last five filing years;
- ``openapi``: openapi.ro (needs a key);
- ``all``: the register, ANAF (balance sheets only for the years of the last five the MF
  files lack: one request per CUI per year is dear) and openapi.ro when a key is set, merged
  by :mod:`firmsync.sources.merge`.

Each CUI ends as facts, as not found (no source knows it), or as the error of a source that
failed: a lookup that could not ask every source it was meant to is an error, never facts
passed off as complete.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from firmsync.registry.store import RegisterStore
from firmsync.sources.anaf.balance import SOURCE as BALANCE_SOURCE
from firmsync.sources.anaf.balance import BalanceSheet
from firmsync.sources.anaf.client import VatResult
from firmsync.sources.errors import NotFound, SourceError
from firmsync.sources.facts import Caen, CompanyFacts, SourceStamp
from firmsync.sources.merge import merge
from firmsync.sources.openapi_ro import OpenApiRoClient
from firmsync.sources.register import facts_from_register_many

__all__ = ["CHOICES", "Anaf", "Looked", "Providers", "filing_years", "lookup"]

CHOICES = ("all", "register", "anaf", "openapi")
YEARS = 5


class Anaf(Protocol):
    """What a lookup asks of ANAF: :class:`~firmsync.sources.anaf.client.AnafClient` itself,
    or the deployment's fetcher that sends its requests (and may answer :class:`Deferred`)."""

    def vat(self, cuis: Iterable[str], *, on: datetime.date | None = None) -> VatResult: ...

    def balance_sheets(self, cui: str, years: Iterable[int]) -> list[BalanceSheet]: ...


@dataclass
class Providers:
    register: RegisterStore | None = None
    anaf: Anaf | None = None
    openapi: OpenApiRoClient | None = None


@dataclass(frozen=True)
class Looked:
    """What became of one CUI: facts (``error`` None), not found (both None), or a source's
    error — with, for ``all``, the facts of the sources that did answer (incomplete)."""

    cui: str
    facts: CompanyFacts | None = None
    error: SourceError | None = None

    @property
    def complete(self) -> bool:
        return self.error is None and self.facts is not None


def filing_years(today: datetime.date, count: int = YEARS) -> list[int]:
    """The last ``count`` years whose balance sheets are filed, newest first: year N's are
    due by the end of May N+1.

    >>> filing_years(datetime.date(2026, 11, 28)), filing_years(datetime.date(2026, 3, 1), 2)
    ([2025, 2024, 2023, 2022, 2021], [2024, 2023])
    """
    latest = today.year - 1 if today.month >= 6 else today.year - 2
    return list(range(latest, latest - count, -1))


def _with_balance_sheets(anaf: Anaf, facts: CompanyFacts, years: Iterable[int]) -> CompanyFacts:
    sheets = anaf.balance_sheets(facts.cui, years)
    financials = [f for f in (sheet.financials() for sheet in sheets) if f is not None]
    if not financials:
        return facts
    sources = dict(facts.sources)
    for figures in financials:
        sources[f"financials/{figures.year}"] = SourceStamp(BALANCE_SOURCE, f"{figures.year}-12-31")
    sources["financials"] = sources[f"financials/{financials[0].year}"]
    main_caen = facts.main_caen
    if main_caen is None and sheets[0].caen:
        main_caen = Caen(sheets[0].caen, 2)
        sources["main_caen"] = SourceStamp(BALANCE_SOURCE, f"{sheets[0].year}-12-31")
    return dataclasses.replace(facts, financials=financials, main_caen=main_caen, sources=sources)


def _from_anaf(
    anaf: Anaf,
    cuis: list[str],
    years_for: dict[str, list[int]],
    on: datetime.date,
) -> dict[str, Looked]:
    answer = anaf.vat(cuis, on=on)
    looked: dict[str, Looked] = {}
    for cui in cuis:
        if cui in answer.failed:
            looked[cui] = Looked(cui, error=answer.failed[cui])
        elif cui in answer.not_found:
            looked[cui] = Looked(cui)
        else:
            try:
                facts = _with_balance_sheets(anaf, answer.found[cui], years_for.get(cui, []))
            except SourceError as error:
                looked[cui] = Looked(cui, error=error)
                continue
            looked[cui] = Looked(cui, facts)
    return looked


def _from_openapi(openapi: OpenApiRoClient, cui: str) -> Looked:
    try:
        return Looked(cui, openapi.facts(cui))
    except NotFound:
        return Looked(cui)
    except SourceError as error:
        return Looked(cui, error=error)


def lookup(
    cuis: list[str],
    source: str,
    providers: Providers,
    *,
    today: datetime.date | None = None,
    fill_years: int = YEARS,
) -> list[Looked]:
    """What ``source`` (one of :data:`CHOICES`) says of each canonical CUI, in order.

    ``fill_years``: of the last filing years, how many the balance-sheet API is asked for
    when the register lacks them (the sync engine asks for the newest only: a refresh needs
    the latest figures, and every year costs a request per company)."""
    if source not in CHOICES:
        raise ValueError(f"source must be one of {', '.join(CHOICES)}, not {source!r}")
    today = today or datetime.date.today()
    recent = filing_years(today)[:fill_years]
    wanted = list(dict.fromkeys(cuis))
    register: dict[str, CompanyFacts | None] = {}
    if source == "register" and providers.register is None:
        raise ValueError("no register to look in: import one with `firmsync registry import`")
    if providers.register is not None and source in ("register", "all"):
        register = facts_from_register_many(providers.register, wanted)
    if source == "register":
        return [Looked(cui, register[cui]) for cui in cuis]
    anaf_looked: dict[str, Looked] = {}
    if source in ("anaf", "all"):
        if providers.anaf is None:
            raise ValueError("no ANAF client configured")
        years_for = {}
        for cui in wanted:
            have = {f.year for f in (register.get(cui) or CompanyFacts(cui)).financials}
            years_for[cui] = [year for year in recent if year not in have]
        anaf_looked = _from_anaf(providers.anaf, wanted, years_for, today)
        if source == "anaf":
            return [anaf_looked[cui] for cui in cuis]
    if source == "openapi":
        if providers.openapi is None:
            raise ValueError("openapi.ro needs a key: set FIRMSYNC_OPENAPI_KEY")
        return [_from_openapi(providers.openapi, cui) for cui in cuis]
    merged: dict[str, Looked] = {}
    for cui in wanted:
        parts = [anaf_looked[cui]]
        if providers.openapi is not None:
            parts.append(_from_openapi(providers.openapi, cui))
        failed = next((p.error for p in parts if p.error is not None), None)
        found = [f for f in (register.get(cui), *(p.facts for p in parts)) if f is not None]
        # With a failed source, the facts of the others come back beside its error: the
        # caller may use them, marked as such, but they are not the complete picture.
        merged[cui] = Looked(cui, merge(cui, found) if found else None, failed)
    return [merged[cui] for cui in cuis]
