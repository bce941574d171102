"""The openapi.ro client against the local fake: fields, ``{}`` values, status codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from firmsync.sources.errors import Blocked, NotFound, Transient
from firmsync.sources.fake.openapi_ro import FakeOpenApiRo, made_up_company
from firmsync.sources.openapi_ro import OpenApiRoClient

CUI = "34150371"


@pytest.fixture
def fake() -> FakeOpenApiRo:
    return FakeOpenApiRo(key="k", hang_seconds=0.5)


@pytest.fixture
def url(fake: FakeOpenApiRo) -> Iterator[str]:
    with fake.serve() as server:
        yield server.url


@pytest.fixture
def client(url: str) -> Iterator[OpenApiRoClient]:
    # No test here makes the fake hang: a long timeout keeps a busy machine from turning
    # a slow local answer into a timeout the test did not ask for.
    with OpenApiRoClient("k", url, timeout=5.0, sleep=lambda _: None) as openapi:
        yield openapi


def test_a_company_with_its_balances(fake: FakeOpenApiRo, client: OpenApiRoClient) -> None:
    company = made_up_company(CUI) | {
        "denumire": "Nima Software S.R.L.",
        "adresa": "Str. Elena Doamna, 20-22, Iași",
        "cod_postal": "700398",
        "telefon": "0743330190",
        "tva": "2021-01-13",
        "tva_la_incasare": [{"tip": "I", "de_la": "2022-01-01", "pana_la": None}],
    }
    fake.companies[CUI] = company
    facts = client.facts(CUI)
    assert facts.cui == CUI and facts.name == "Nima Software S.R.L."
    assert facts.reg_number == company["numar_reg_com"]
    assert facts.registered_on == "2015-02-25"  # from "25 Februarie 2015"
    assert facts.status == "active"
    assert facts.vat is not None and facts.vat.payer and facts.vat.since == "2021-01-13"
    assert facts.vat_on_cash is not None and facts.vat_on_cash.active
    assert facts.vat_on_cash.since == "2022-01-01"
    assert facts.address is not None and facts.address.county == "Iași"
    assert facts.address.details == "Str. Elena Doamna, 20-22, Iași"
    assert facts.phone == "0743330190" and facts.fax is None
    # Balances newest first; {} is no value, 0 is zero.
    assert [f.year for f in facts.financials] == [2024, 2023]
    newest = facts.financials[0]
    assert newest.net_loss is None and newest.total_expenses is None and newest.equity == 0
    assert newest.turnover is not None and newest.employees is not None
    assert facts.main_caen is not None and facts.main_caen.code == "6201"
    assert {s.source for s in facts.sources.values()} == {"openapi_ro"}
    assert facts.sources["name"].as_of == "2026-11-20"


def test_struck_off_and_not_a_vat_payer(fake: FakeOpenApiRo, client: OpenApiRoClient) -> None:
    fake.companies[CUI] = made_up_company(CUI) | {"radiata": True, "tva": None}
    facts = client.facts(CUI)
    assert facts.status == "struck_off"
    assert facts.vat is not None and facts.vat.payer is False


@pytest.mark.parametrize("listed", ["absent", "unlisted"])
def test_404_and_202_are_not_found(
    listed: str, fake: FakeOpenApiRo, client: OpenApiRoClient
) -> None:
    getattr(fake, listed).add(CUI)
    with pytest.raises(NotFound):
        client.facts(CUI)


def test_a_wrong_key_is_blocked_with_the_providers_words(url: str) -> None:
    with OpenApiRoClient("wrong", url) as client, pytest.raises(Blocked, match="API key invalid"):
        client.facts(CUI)


def test_transient_failures_are_retried(fake: FakeOpenApiRo, client: OpenApiRoClient) -> None:
    fake.fail_next("throttled", "server_error", "reset")
    assert client.facts(CUI).cui == CUI


def test_a_failure_that_lasts_is_transient(fake: FakeOpenApiRo, client: OpenApiRoClient) -> None:
    fake.fail_next(*["server_error"] * 4)
    with pytest.raises(Transient, match="HTTP 502"):
        client.facts(CUI)


def test_name_search(fake: FakeOpenApiRo, client: OpenApiRoClient) -> None:
    fake.companies[CUI] = made_up_company(CUI) | {"denumire": "Nima Software S.R.L."}
    fake.companies["14399840"] = made_up_company("14399840") | {"judet": "București"}
    assert client.search("nima") == [{"cui": CUI, "name": "Nima Software S.R.L.", "county": "Iași"}]
    assert client.search("firma", county="București")[0]["cui"] == "14399840"
