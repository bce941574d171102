"""A local ANAF: the v9 VAT-payer registry and ``/bilant``, as anaf-api.md documents them.

It answers with v9's envelope (no ``cod``/``message``) and ANAF's quirks — cedilla letters,
a CAEN code without its leading zero, Bucharest postal codes in five digits, the e-Factura
date as ``DD.MM.YYYY``, 404 with a ``found``/``notFound`` body when nothing was found, and
"no filing" as ``{}``, an empty body or ``"i": null`` in turn. It enforces one request per
``1/rate`` seconds across both services and 100 CUIs per request: a request that arrives too
soon is a violation (counted, and answered 429 as one library's tests model it).

Failures are injected by kind (:data:`FAILURES`), either queued (``fail_next``) or at random
at ``failure_rate``. Records are made up from the CUI unless given (``records``) or looked up
(``known``, e.g. in the register mirror), so every valid CUI is a company unless listed in
``absent``.
"""

from __future__ import annotations

import operator
import random
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from firmsync.identity import cui as cui_code
from firmsync.sources.fake.server import Answer, Request, Serving, hang, reset, serve

__all__ = ["FAILURES", "FakeAnaf", "made_up_record"]

FIREWALL_PAGE = (
    "<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
    "Please consult with your administrator.<br><br>Your support ID is: 1234567890123456789"
    "</body></html>"
)
MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html><head><title>Mentenanta sistem</title></head><body><h1>Sistemul este "
    "in mentenanta</h1></body></html>"
)
# Every transient way ANAF fails (anaf-api.md §7), and the one that blocks.
FAILURES = ("firewall", "maintenance", "server_error", "throttled", "timeout", "reset")

_COUNTIES = (
    ("IAŞI", "IS", 22, "Mun. Iaşi", "700398"),
    ("MUNICIPIUL BUCUREŞTI", "B", 40, "Sector 3", "30167"),
    ("CLUJ", "CJ", 12, "Mun. Cluj-Napoca", "400001"),
    ("TIMIŞ", "TM", 35, "Mun. Timişoara", "300011"),
)
_WORDS = ("ALFA", "NOVA", "TEHNO", "CONSTRUCŢII", "AGRO", "TRANS", "SOFT", "MEDICAL")


def made_up_record(cui: str, day: str, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """A v9 ``found[]`` record for ``cui`` (deterministic), with ``known`` facts put in."""
    n = zlib.crc32(cui.encode())
    county, plate, code, locality, postal = _COUNTIES[n % len(_COUNTIES)]
    known = known or {}
    payer = n % 3 != 0
    name = known.get("name") or f"{_WORDS[n % 8]} {_WORDS[(n >> 3) % 8]} {cui[-3:]} SRL"
    registered = known.get("registered_on") or f"{2000 + n % 24}-0{1 + n % 9}-1{n % 9}"
    since = f"{registered[:4]}-{registered[5:7]}-{registered[8:10]}"
    y, m, d = since.split("-")
    caen = ("0111", "4120", "6201", "0610")[n % 4]
    return {
        "date_generale": {
            "cui": int(cui),
            "data": day,
            "denumire": name.replace("Ș", "Ş").replace("Ț", "Ţ"),
            "adresa": f"JUD. {county}, {locality.upper()}, STR. PRINCIPALĂ, NR.{n % 90 + 1}",
            "nrRegCom": known.get("reg_number") or f"J{code}/{n % 9000 + 1}/{y}",
            "telefon": f"07{n % 10**8:08d}" if n % 2 else "",
            "fax": "",
            "codPostal": postal,
            "act": "",
            "stare_inregistrare": f"INREGISTRAT din data {d}.{m}.{y}",
            "data_inregistrare": since,
            "cod_CAEN": caen.lstrip("0"),  # ANAF drops the leading zero
            "iban": "",
            "statusRO_e_Factura": payer,
            "data_inreg_Reg_RO_e_Factura": "01.01.2024" if payer else "",
            "organFiscalCompetent": f"Administraţia Judeţeană a Finanţelor Publice {plate}",
            "forma_de_proprietate": "PROPR.PRIVATA-CAPITAL PRIVAT AUTOHTON",
            "forma_organizare": "PERSOANA JURIDICA",
            "forma_juridica": "SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ",
        },
        "inregistrare_scop_Tva": {
            "scpTVA": payer,
            "perioade_TVA": [
                {
                    "data_inceput_ScpTVA": since,
                    "data_sfarsit_ScpTVA": "",
                    "data_anul_imp_ScpTVA": "",
                    "mesaj_ScpTVA": "",
                }
            ]
            if payer
            else [],
        },
        "inregistrare_RTVAI": {
            "dataInceputTvaInc": "",
            "dataSfarsitTvaInc": "",
            "dataActualizareTvaInc": "",
            "dataPublicareTvaInc": "",
            "tipActTvaInc": "",
            "statusTvaIncasare": False,
        },
        "stare_inactiv": {
            "dataInactivare": "",
            "dataReactivare": "",
            "dataPublicare": "",
            "dataRadiere": "",
            "statusInactivi": False,
        },
        "inregistrare_SplitTVA": {
            "dataInceputSplitTVA": "",
            "dataAnulareSplitTVA": "",
            "statusSplitTVA": False,
        },
        "adresa_sediu_social": _address("s", county, plate, code, locality, postal, n),
        "adresa_domiciliu_fiscal": _address("d", county, plate, code, locality, postal, n),
    }


def _address(p: str, county: str, plate: str, code: int, locality: str, postal: str, n: int):
    return {
        f"{p}denumire_Strada": "Str. Principală",
        f"{p}numar_Strada": str(n % 90 + 1),
        f"{p}denumire_Localitate": locality,
        f"{p}cod_Localitate": str(n % 900),
        f"{p}denumire_Judet": county,
        f"{p}cod_Judet": str(code),
        f"{p}cod_JudetAuto": plate,
        f"{p}tara": "",
        f"{p}detalii_Adresa": "",
        f"{p}cod_Postal": postal,
    }


def made_up_balance_sheet(cui: str, year: int) -> dict[str, Any]:
    n = zlib.crc32(f"{cui}/{year}".encode())
    turnover = n % 5_000_000
    profit = turnover // 10 if n % 4 else 0
    loss = 0 if profit else turnover // 20
    labels = {
        "I1": ("ACTIVE IMOBILIZATE - TOTAL ", n % 300_000),
        "I2": ("ACTIVE CIRCULANTE - TOTAL, din care", n % 200_000),
        "I5": ("Casa şi conturi la bănci", n % 50_000),
        "I7": ("DATORII ", n % 150_000),
        "I10": ("CAPITALURI - TOTAL, din care:", n % 100_000),
        "I11": ("Capital subscris vărsat", 200),
        "I13": ("Cifra de afaceri netă", turnover),
        "I14": ("VENITURI TOTALE", turnover + 1000),
        "I15": ("CHELTUIELI TOTALE", turnover - profit + loss + 1000),
        "I18": ("Profit net", profit),
        # Some 2025 filings label the net loss "Pierdere bruta": the fake does so every year.
        "I19": ("Pierdere  bruta", loss),
        "I20": ("Numar mediu de salariati", n % 40),
    }
    items = [
        {"indicator": code, "val_indicator": value, "val_den_indicator": label}
        for code, (label, value) in labels.items()
    ]
    random.Random(n).shuffle(items)  # ANAF's order is not stable
    return {
        "an": year,
        "cui": int(cui),
        "deni": f"FIRMA {cui} SRL",
        "caen": 620 if n % 2 else 4690,  # an int: 0620 arrives as 620
        "den_caen": "Activitati de realizare a soft-ului la comanda",
        "i": items,
    }


_NO_FILING = (b"{}", b"", b'{"an": 0, "cui": 0, "deni": null, "i": null}')


@dataclass
class FakeAnaf:
    rate: float = 1.0  # requests per second, for both services together
    batch: int = 100
    failure_rate: float = 0.0  # share of requests failing, each time with a kind at random
    failures: tuple[str, ...] = FAILURES  # the kinds drawn from
    hang_seconds: float = 3.0  # how long a "timeout" holds the request
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    sheets: dict[tuple[str, int], Any] = field(default_factory=dict)  # None: no filing
    absent: set[str] = field(default_factory=set)
    filed_years: tuple[int, ...] = ()  # years with a made-up sheet; () means every year
    known: Callable[[str], dict[str, Any] | None] | None = None
    seed: int = 0
    # What happened, for the tests and the benchmark:
    requests: int = 0
    violations: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    served: Counter[str] = field(default_factory=Counter)  # CUI → VAT answers delivered
    arrivals: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: deque[str] = deque()
        self._rng = random.Random(self.seed)
        self._last = float("-inf")
        self._no_filing = 0

    def fail_next(self, *kinds: str) -> None:
        """The next requests fail, one kind each, in this order."""
        for kind in kinds:
            if kind not in FAILURES and kind not in ("malformed", "no_cod"):
                raise ValueError(f"unknown failure {kind!r}; one of {', '.join(FAILURES)}")
        self._queued.extend(kinds)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "violations": self.violations,
                "injected": dict(self.injected),
                "cuis_served": len(self.served),
                "most_served": max(self.served.values(), default=0),
                "closest": round(  # seconds between the two closest arrivals
                    min(map(operator.sub, self.arrivals[1:], self.arrivals), default=0), 4
                ),
            }

    # --- the HTTP side ------------------------------------------------------------------
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Serving:
        return serve(self.handle, host, port)

    def handle(self, request: Request) -> Answer:
        if request.path == "/__stats":
            return Answer.of(self.stats())
        if request.path.endswith("/PlatitorTvaRest/v9/tva") and request.method == "POST":
            return self._paced(request, self._vat)
        if request.path == "/bilant" and request.method == "GET":
            return self._paced(request, self._balance)
        return Answer(404, b"<html><title>404 Not Found</title></html>", "text/html")

    def _paced(self, request: Request, answer: Callable[[Request], Answer]) -> Answer:
        with self._lock:
            now = time.monotonic()
            self.requests += 1
            self.arrivals.append(now)
            too_soon = now - self._last < 1 / self.rate
            self._last = now
            if too_soon:
                self.violations += 1
            kind = self._queued.popleft() if self._queued else None
            if kind is None and self._rng.random() < self.failure_rate:
                kind = self._rng.choice(self.failures)
            if kind:
                self.injected[kind] += 1
        if too_soon:
            return Answer.of(
                {"eroare": "Limita de 1 request/secunda a fost depasita", "cod": 429}, 429
            )
        if kind:
            return self._failure(kind)
        return answer(request)

    def _failure(self, kind: str) -> Answer:
        if kind == "firewall":
            return Answer(200, FIREWALL_PAGE.encode(), "text/html")
        if kind == "maintenance":
            return Answer(404, MAINTENANCE_PAGE.encode(), "text/html; charset=utf-8")
        if kind == "server_error":
            return Answer(503, b"Service Unavailable", "text/plain")
        if kind == "throttled":
            return Answer.of({"eroare": "Limita de 1 request/secunda a fost depasita", "cod": 429})
        if kind == "timeout":
            return hang(self.hang_seconds)
        if kind == "malformed":
            return Answer(
                200, b'{"found": [{"date_generale": {"denumire": "X"}}', "application/json"
            )
        if kind == "no_cod":
            return Answer.of({"cod": 500, "message": "Eroare interna"})
        return reset()

    def _vat(self, request: Request) -> Answer:
        try:
            asked = request.json()
            cuis = [str(int(item["cui"])) for item in asked]
            day = str(asked[0]["data"]) if asked else ""
        except (ValueError, TypeError, KeyError, IndexError):
            return Answer.of({"cod": 400, "message": "Date de intrare invalide"}, 400)
        if len(cuis) > self.batch:
            return Answer.of(
                {"cod": 400, "message": f"Numarul maxim de CUI-uri este {self.batch}"}, 400
            )
        found, not_found = [], []
        for cui in cuis:
            record = self._record(cui, day)
            (found.append(record) if record else not_found.append(int(cui)))

        def delivered() -> None:
            with self._lock:
                self.served.update(cuis)

        # v9: no cod/message; 404 (with the lists) when nothing was found, as reported live.
        return Answer.of(
            {"found": found, "notFound": not_found}, 200 if found else 404, delivered=delivered
        )

    def _made_up(self, cui: str) -> bool:
        """Whether a CUI with no given record is a company: valid and not listed absent."""
        return cui not in self.absent and cui_code.is_valid(cui)

    def _record(self, cui: str, day: str) -> dict[str, Any] | None:
        if cui in self.records:
            return self.records[cui]
        if not self._made_up(cui):
            return None
        known = self.known(cui) if self.known else None
        return made_up_record(cui, day, known)

    def _balance(self, request: Request) -> Answer:
        try:
            cui, year = str(int(request.query["cui"])), int(request.query["an"])
        except (KeyError, ValueError):
            return Answer.of({"cod": 400, "message": "Parametri invalizi"}, 400)
        if (cui, year) in self.sheets:
            sheet = self.sheets[cui, year]
        elif self._made_up(cui) and (not self.filed_years or year in self.filed_years):
            sheet = made_up_balance_sheet(cui, year)
        else:
            sheet = None
        if sheet is None:
            with self._lock:
                self._no_filing += 1
                body = _NO_FILING[self._no_filing % len(_NO_FILING)]
            return Answer(200, body)
        return Answer.of(sheet)
