"""A local openapi.ro, answering as openapi-ro.md documents: title-cased names, one address
line, ``stare`` with a Romanian month name, ``{}`` for missing balance values; 403 for a bad
key, 404 (or 202, for CUIs in ``unlisted``) for an unknown company. Failures are queued with
``fail_next`` (``server_error``, ``throttled``, ``timeout``, ``reset``)."""

from __future__ import annotations

import re
import threading
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from firmsync.identity import cui as cui_code
from firmsync.sources.fake.server import Answer, Request, Serving, hang, reset, serve

__all__ = ["FakeOpenApiRo", "made_up_company"]

_COMPANY = re.compile(r"^/api/companies/(\d+)(/balances(?:/(\d{4}))?)?$")


def made_up_company(cui: str) -> dict[str, Any]:
    n = zlib.crc32(cui.encode())
    return {
        "cif": cui,
        "denumire": f"Firma {cui[-4:]} S.R.L.",
        "adresa": f"Str. Lungă, {n % 90 + 1}, Iași",
        "judet": "Iași",
        "cod_postal": "700398",
        "telefon": None,
        "fax": None,
        "numar_reg_com": f"J22/{n % 9000 + 1}/2015",
        "act_autorizare": None,
        "stare": "INREGISTRAT din data 25 Februarie 2015",
        "radiata": False,
        "tva": "2015-03-01" if n % 2 else None,
        "tva_la_incasare": [],
        "impozit_profit": None,
        "impozit_micro": "2016-01-01",
        "accize": None,
        "ultima_prelucrare": "2026-11-20",
        "ultima_declaratie": "2026-10-25",
        "meta": {"updated_at": "2026-11-20T06:12:44.000000Z", "last_changed_at": None},
    }


def made_up_balances(cui: str) -> list[dict[str, Any]]:
    items = []
    for year in (2023, 2024):
        n = zlib.crc32(f"{cui}/{year}".encode())
        data: dict[str, Any] = {
            "cifra_de_afaceri_neta": n % 1_000_000,
            "profit_net": n % 50_000,
            "pierdere_neta": {},  # openapi.ro's "no value"
            "numar_mediu_de_salariati": n % 30,
            "venituri_totale": n % 1_000_000 + 100,
            "cheltuieli_totale": {},
            "capitaluri_total": 0,
            "datorii_total": n % 10_000,
            "active_imobilizate_total": {},
            "active_circulante_total": n % 70_000,
            "casa_si_conturi": n % 20_000,
            "caen_descriere": "Activități de realizare a soft-ului la comandă",
            "cif": int(cui),
        }
        items.append(
            {
                "balance_type": "WEB_AN",
                "caen_code": "6201",
                "cif": cui,
                "data": data,
                "meta": {"updated_at": f"{year + 1}-06-07T10:00:00Z"},
                "year": year,
            }
        )
    return items


@dataclass
class FakeOpenApiRo:
    key: str = "test-key"
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    balances: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    unlisted: set[str] = field(default_factory=set)  # answered 202, as in 2016
    hang_seconds: float = 3.0
    requests: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: deque[str] = deque()

    def fail_next(self, *kinds: str) -> None:
        self._queued.extend(kinds)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Serving:
        return serve(self.handle, host, port)

    def handle(self, request: Request) -> Answer:
        with self._lock:
            self.requests[request.path] += 1
            kind = self._queued.popleft() if self._queued else None
        if request.headers.get("x-api-key") != self.key:
            return Answer.of({"error": {"description": "API key invalid"}}, 403)
        if kind == "server_error":
            return Answer(502, b"Bad Gateway", "text/plain")
        if kind == "throttled":
            return Answer.of({"error": {"description": "Too many requests"}}, 429)
        if kind == "timeout":
            return hang(self.hang_seconds)
        if kind == "reset":
            return reset()
        if request.path == "/api/companies/search" and request.method == "POST":
            return self._search(request)
        match = _COMPANY.match(request.path)
        if not match or request.method != "GET":
            return Answer.of({"error": {"description": "Not found"}}, 404)
        cui, balances, year = match.groups()
        if cui in self.unlisted:
            return Answer.of({"error": {"description": "CIF-ul nu a fost găsit"}}, 202)
        company = self._company(cui)
        if company is None:
            return Answer.of({"error": {"description": "Company not found"}}, 404)
        if not balances:
            return Answer.of(company)
        items = self.balances.get(cui) or made_up_balances(cui)
        if year:
            items = [b for b in items if b["year"] == int(year)]
            if not items:
                return Answer.of({"error": {"description": "Balance not found"}}, 404)
            return Answer.of(items[0])
        return Answer.of(items)

    def _company(self, cui: str) -> dict[str, Any] | None:
        if cui in self.companies:
            return self.companies[cui]
        if cui in self.absent or not cui_code.is_valid(cui):
            return None
        return made_up_company(cui)

    def _search(self, request: Request) -> Answer:
        try:
            asked = request.json()
            text = str(asked["q"]).lower()
        except (ValueError, KeyError, TypeError):
            return Answer.of({"error": {"description": "q is required"}}, 400)
        county = asked.get("judet")
        found = [
            {"cif": c["cif"], "denumire": c["denumire"], "judet": c["judet"], "url": ""}
            for c in self.companies.values()
            if text in c["denumire"].lower() and (not county or c["judet"] == county)
        ]
        return Answer.of({"data": found})
