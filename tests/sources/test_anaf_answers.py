"""Telling data from ANAF's firewall, maintenance and error pages; reading balance sheets."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from firmsync.sources.anaf.answers import decode
from firmsync.sources.anaf.balance import read_balance_sheet
from firmsync.sources.errors import Blocked, Malformed, Transient
from firmsync.sources.fake.anaf import FIREWALL_PAGE, MAINTENANCE_PAGE

JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html"}


@pytest.mark.parametrize("status", [200, 403])
def test_the_firewall_page_blocks_even_with_200(status: int) -> None:
    with pytest.raises(Blocked, match="firewall page") as caught:
        decode("anaf", status, HTML, FIREWALL_PAGE.encode())
    assert "support ID" in str(caught.value)  # an excerpt of the body


@pytest.mark.parametrize("status", [200, 404])
def test_the_maintenance_page_is_transient(status: int) -> None:
    with pytest.raises(Transient, match="maintenance"):
        decode("anaf", status, {}, MAINTENANCE_PAGE.encode())


def test_404_with_the_lists_is_an_answer() -> None:
    body = json.dumps({"found": [], "notFound": [14399841]}).encode()
    assert decode("anaf", 404, JSON, body) == {"found": [], "notFound": [14399841]}


def test_throttling_server_errors_and_refusals() -> None:
    with pytest.raises(Transient) as caught:
        decode("anaf", 429, {"retry-after": "3"}, b"")
    assert caught.value.retry_after == 3.0
    with pytest.raises(Transient, match="rate limit"):
        decode("anaf", 200, JSON, b'{"eroare":"Limita de 1 request/secunda","cod":429}')
    with pytest.raises(Transient, match="HTTP 503"):
        decode("anaf", 503, {}, b"Service Unavailable")
    with pytest.raises(Blocked):
        decode("anaf", 403, JSON, b'{"error": "forbidden"}')


def test_garbage_is_malformed_with_an_excerpt() -> None:
    with pytest.raises(Malformed, match=r'not JSON \(HTTP 200\): \{"found": \[\{"date'):
        decode("anaf", 200, JSON, b'{"found": [{"date_generale": {')
    with pytest.raises(Malformed, match="error 500: Eroare interna"):
        decode("anaf", 200, JSON, b'{"cod": 500, "message": "Eroare interna"}')


def test_an_empty_200_is_no_data() -> None:
    assert decode("anaf", 200, JSON, b"") is None


# --- balance sheets -------------------------------------------------------------------------

SAMPLE: dict[str, Any] = {  # anaf-api.md §3.2, the illustrative sample
    "an": 2024,
    "cui": 1234,
    "deni": "EXEMPLU COMERT SRL",
    "caen": 4690,
    "den_caen": "Comert cu ridicata nespecializat",
    "i": [
        {"indicator": "I13", "val_indicator": 250000, "val_den_indicator": "Cifra de afaceri neta"},
        {"indicator": "I1", "val_indicator": 10000, "val_den_indicator": "ACTIVE IMOBILIZATE - "},
        {"indicator": "I19", "val_indicator": 0, "val_den_indicator": "Pierdere  neta"},
        {"indicator": "I18", "val_indicator": 40000, "val_den_indicator": "Profit net"},
        {"indicator": "I20", "val_indicator": 3, "val_den_indicator": "Numar mediu de salariati"},
    ],
}


def test_the_sample_balance_sheet() -> None:
    sheet = read_balance_sheet(SAMPLE, year=2024, cui="1234")
    assert sheet is not None and sheet.family == "commercial" and sheet.caen == "4690"
    assert (sheet.year, sheet.cui, sheet.name) == (2024, "1234", "EXEMPLU COMERT SRL")
    assert sheet.caen_title == "Comert cu ridicata nespecializat"
    assert sheet.indicators == {"I13": 250000, "I1": 10000, "I19": 0, "I18": 40000, "I20": 3}
    figures = sheet.financials()
    assert figures is not None
    assert (figures.year, figures.turnover, figures.net_profit, figures.net_loss) == (
        2024,
        250000,
        40000,
        0,
    )
    assert (figures.employees, figures.fixed_assets, figures.cash) == (3, 10000, None)


def test_order_does_not_matter_and_the_lying_i19_label_is_ignored() -> None:
    body = json.loads(json.dumps(SAMPLE))
    body["i"][2] = {
        "indicator": "I19",
        "val_indicator": 7000,
        "val_den_indicator": "Pierdere bruta",
    }
    body["i"][3]["val_indicator"] = 0
    random.Random(3).shuffle(body["i"])
    figures = read_balance_sheet(body, year=2025, cui="1234").financials()  # type: ignore[union-attr]
    assert figures is not None and figures.net_loss == 7000 and figures.net_profit == 0


def test_an_int_caen_gets_its_zero_back() -> None:
    sheet = read_balance_sheet({**SAMPLE, "caen": 620}, year=2024, cui="1234")
    assert sheet is not None and sheet.caen == "0620"


def test_another_family_keeps_raw_indicators_and_no_figures() -> None:
    insurer = {
        **SAMPLE,
        "i": [
            {"indicator": "I13", "val_indicator": 5, "val_den_indicator": "Capital si rezerve"},
            {"indicator": "I33", "val_indicator": 120, "val_den_indicator": "Numar mediu"},
        ],
    }
    sheet = read_balance_sheet(insurer, year=2024, cui="1234")
    assert sheet is not None and sheet.family == "other"
    assert sheet.indicators == {"I13": 5, "I33": 120} and sheet.financials() is None


@pytest.mark.parametrize(
    "body",
    [None, "", {}, [], {**SAMPLE, "i": None}, {**SAMPLE, "i": []}, {**SAMPLE, "deni": " "}],
)
def test_every_way_of_saying_no_filing(body: Any) -> None:
    assert read_balance_sheet(body, year=2024, cui="1234") is None


def test_a_value_that_is_not_a_number_names_the_field() -> None:
    body = {**SAMPLE, "i": [{"indicator": "I13", "val_indicator": "abc"}]}
    with pytest.raises(ValueError, match="indicator value 'abc'"):
        read_balance_sheet(body, year=2024, cui="1234")
