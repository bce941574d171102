"""openapi.ro, the optional commercial source: company, balances and name search.

As openapi-ro.md documents it: key in ``x-api-key``; 200 found, 202 ("valid CIF, not in the
database") and 404 not found, 403 a bad key, 429 back off; errors as
``{"error": {"description": …}}``; missing balance values as ``{}``. It has one unstructured
address line (kept whole in ``address.details``, with the county and postal code beside
it), its ``stare`` text dates months by their Romanian names, and ``tva`` is the VAT
registration date when set. No representatives, e-Factura or share capital.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from firmsync.identity import counties
from firmsync.sources import values
from firmsync.sources.anaf.records import status_of
from firmsync.sources.errors import (
    Blocked,
    Malformed,
    NotFound,
    Transient,
    excerpt,
)
from firmsync.sources.facts import (
    Address,
    Caen,
    CompanyFacts,
    Financials,
    Flag,
    SourceStamp,
    Vat,
)
from firmsync.sources.resilience import Backoff

__all__ = ["BASE_URL", "SOURCE", "OpenApiRoClient", "facts_from_company", "financials_from"]

BASE_URL = "https://api.openapi.ro"
SOURCE = "openapi_ro"
TIMEOUT = 30.0

# Financials field ← key of a balance's ``data``.
_BALANCE = {
    "turnover": "cifra_de_afaceri_neta",
    "net_profit": "profit_net",
    "net_loss": "pierdere_neta",
    "employees": "numar_mediu_de_salariati",
    "total_revenue": "venituri_totale",
    "total_expenses": "cheltuieli_totale",
    "equity": "capitaluri_total",
    "total_debts": "datorii_total",
    "fixed_assets": "active_imobilizate_total",
    "current_assets": "active_circulante_total",
    "cash": "casa_si_conturi",
}


def _amount(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None or isinstance(value, dict | list | bool) or value == "":  # {}: no value
        return None
    try:
        return round(float(value))
    except (TypeError, ValueError):
        raise ValueError(f"balance field '{key}' is {value!r}, not a number") from None


def financials_from(balances: list[dict[str, Any]]) -> tuple[list[Financials], Caen | None]:
    """The yearly figures, newest first, and the newest year's CAEN class."""
    by_year: dict[int, Financials] = {}
    caen = None
    for item in sorted(balances, key=lambda b: int(b.get("year") or 0), reverse=True):
        data = item.get("data") if isinstance(item.get("data"), dict) else {}
        year = int(item["year"])
        if year in by_year:
            continue
        by_year[year] = Financials(year, **{f: _amount(data, k) for f, k in _BALANCE.items()})
        if caen is None and (code := values.caen_code(item.get("caen_code"))):
            caen = Caen(code, 2, values.text(data.get("caen_descriere")) or values.caen_title(code))
    return list(by_year.values()), caen


def facts_from_company(company: dict[str, Any], balances: list[dict[str, Any]]) -> CompanyFacts:
    """The facts of a company object and its balances (``ValueError`` naming a bad field)."""
    try:
        cui = str(int(str(company["cif"]).strip()))
    except (KeyError, ValueError):
        raise ValueError(f"field 'cif' is {company.get('cif')!r}, not a CUI") from None
    meta = company.get("meta") if isinstance(company.get("meta"), dict) else {}
    as_of = values.iso_date(meta.get("updated_at")) or values.iso_date(
        company.get("ultima_prelucrare")
    )
    stare = company.get("stare")
    status = "struck_off" if company.get("radiata") is True else status_of(stare, None, None)
    address = Address(
        county=counties.canonical_or_given(values.text(company.get("judet"))),
        postal_code=values.postal_code(company.get("cod_postal")),
        details=values.text(company.get("adresa")),
    )
    vat_since = values.iso_date(company.get("tva"))
    periods = company.get("tva_la_incasare") or []
    open_cash = [p for p in periods if isinstance(p, dict) and not values.text(p.get("pana_la"))]
    financials, caen = financials_from(balances)
    facts: dict[str, Any] = {
        "name": values.text(company.get("denumire")),
        "reg_number": values.text(company.get("numar_reg_com")),
        "registered_on": values.iso_date(stare),
        "status": status,
        "vat": Vat(vat_since is not None or bool(values.text(company.get("tva"))), vat_since),
        "vat_on_cash": Flag(bool(open_cash), values.iso_date(open_cash[0].get("de_la")))
        if isinstance(periods, list) and periods
        else Flag(False, None),
        "phone": values.text(company.get("telefon")),
        "fax": values.text(company.get("fax")),
        "address": address if any(vars(address).values()) else None,
        "main_caen": caen,
        "financials": financials,
    }
    stamp = SourceStamp(SOURCE, as_of)
    sources = {k: stamp for k, v in facts.items() if v not in (None, [])}
    sources["status"] = stamp
    return CompanyFacts(cui=cui, **facts, sources=sources)


class OpenApiRoClient:
    def __init__(
        self,
        key: str,
        base_url: str = BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = TIMEOUT,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.backoff, self.sleep = backoff or Backoff(attempts=4), sleep
        self.http = httpx.Client(
            base_url=base_url,
            transport=transport,
            timeout=timeout,
            headers={"x-api-key": key, "Accept": "application/json"},
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> OpenApiRoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, method: str, path: str, **kwargs: Any) -> Any:
        for failure in itertools.count():
            try:
                return self._once(method, path, **kwargs)
            except Transient:
                if failure + 1 >= self.backoff.attempts:
                    raise
                self.sleep(self.backoff.delay(failure))
        raise AssertionError("unreachable")

    def _once(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise Transient(SOURCE, "timed out") from None
        except httpx.TransportError as error:
            raise Transient(SOURCE, f"connection failed ({type(error).__name__})") from None
        status, body = response.status_code, response.content
        if status in (202, 404):
            raise NotFound(SOURCE, f"{path}: not in openapi.ro (HTTP {status})")
        if status in (401, 403):
            raise Blocked(SOURCE, f"the API key was refused (HTTP {status}): {_said(body)}")
        if status == 429 or status >= 500:
            raise Transient(SOURCE, f"HTTP {status}: {_said(body)}")
        if status != 200:
            raise Malformed(SOURCE, f"HTTP {status}: {_said(body)}")
        try:
            return response.json()
        except ValueError:
            raise Malformed(SOURCE, f"not JSON: {excerpt(body)}") from None

    def facts(self, cui: str) -> CompanyFacts:
        """The company and every balance it filed (``NotFound`` when openapi.ro lacks it)."""
        company = self._get("GET", f"/api/companies/{cui}")
        try:
            balances = self._get("GET", f"/api/companies/{cui}/balances")
        except NotFound:
            balances = []
        if not isinstance(company, dict) or not isinstance(balances, list):
            raise Malformed(SOURCE, f"unexpected shapes: {excerpt(str(company))}")
        try:
            return facts_from_company(company, balances)
        except (KeyError, TypeError, ValueError) as error:
            raise Malformed(SOURCE, str(error)) from None

    def search(
        self, text: str, *, county: str | None = None, struck_off: bool = False
    ) -> list[dict[str, str | None]]:
        """Companies whose names match ``text``: ``[{cui, name, county}]``."""
        body: dict[str, Any] = {"q": text, "include_radiata": struck_off}
        if county:
            body["judet"] = county
        found = self._get("POST", "/api/companies/search", json=body)
        items = found.get("data") if isinstance(found, dict) else None
        if not isinstance(items, list):
            raise Malformed(SOURCE, f"search answer without 'data': {excerpt(str(found))}")
        return [
            {
                "cui": str(item.get("cif")),
                "name": values.text(item.get("denumire")),
                "county": values.text(item.get("judet")),
            }
            for item in items
            if isinstance(item, dict)
        ]


def _said(body: bytes) -> str:
    """The error's description (``{"error": {"description": …}}``), or an excerpt."""
    try:
        data = json.loads(body)
        error = data.get("error")
        if isinstance(error, dict) and error.get("description"):
            return str(error["description"])
        return str(error or data.get("message") or excerpt(body))
    except (ValueError, AttributeError):
        return excerpt(body)
