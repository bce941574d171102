"""A v9 record read field by field: the reference's real sample, and each documented quirk."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from firmsync.sources.anaf.answers import vat_lists
from firmsync.sources.anaf.records import facts_from_record, legal_form_code, status_of
from firmsync.sources.errors import Malformed
from firmsync.sources.facts import Address, CompanyFacts, VatPeriod

DATA = Path(__file__).parent / "data"


@pytest.fixture
def envelope() -> dict[str, Any]:
    """NIMA SOFTWARE SRL as ANAF answered on 2024-12-12 (v8 envelope; v9 drops cod/message)."""
    return json.loads((DATA / "anaf_v8_nima_software.json").read_text())


@pytest.fixture
def record(envelope: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(envelope["found"][0])


def test_the_real_record_field_by_field(record: dict[str, Any]) -> None:
    facts = facts_from_record(record)
    assert facts.cui == "34150371"
    assert facts.name == "NIMA SOFTWARE SRL"
    assert facts.reg_number == "J22/314/2015"
    assert facts.legal_form == "SRL"
    assert facts.registered_on == "2015-02-25"
    assert facts.status == "active"
    assert facts.phone == "0743330190"
    assert facts.fax is None  # "" is no value
    # Two VAT periods, newest first; the closed one keeps its end and its legal basis.
    assert facts.vat is not None and facts.vat.payer is True
    assert facts.vat.since == "2021-01-13"
    assert facts.vat.periods[0] == VatPeriod("2021-01-13", None, None)
    assert facts.vat.periods[1].start == "2017-10-01"
    assert facts.vat.periods[1].end == "2020-12-02"
    assert facts.vat.periods[1].reason.startswith("Anularea înregistrarii în scopuri de TVA")
    assert facts.vat_on_cash is not None and facts.vat_on_cash.active is False
    assert facts.vat_on_cash.since is None
    assert facts.split_vat is not None and facts.split_vat.active is False
    # The undocumented enrolment date comes as DD.MM.YYYY.
    assert facts.efactura is not None and facts.efactura.registered is True
    assert facts.efactura.since == "2024-01-01"
    # Registered office: cedilla ş read as comma-below ș, county by its canonical name.
    assert facts.address == Address(
        county="Iași",
        locality="Mun. Iași",
        street="Str. Elena Doamna",
        number="20-22",
        postal_code="700398",
        details="BIROUL 28",
    )
    assert facts.fiscal_address == facts.address
    assert facts.main_caen is not None and facts.main_caen.code == "6311"
    assert facts.main_caen.title and "ş" not in facts.main_caen.title
    assert {stamp.source for stamp in facts.sources.values()} == {"anaf"}
    assert {stamp.as_of for stamp in facts.sources.values()} == {"2024-12-12"}
    assert "registrations" not in facts.sources  # ANAF does not say that


def test_no_cedilla_survives_anywhere(record: dict[str, Any]) -> None:
    text = facts_from_record(record).to_json()
    assert not {"ş", "ţ", "Ş", "Ţ"} & set(text)


def test_the_facts_round_trip_through_json(record: dict[str, Any]) -> None:
    facts = facts_from_record(record)
    assert CompanyFacts.from_dict(json.loads(facts.to_json())) == facts


def test_lost_leading_zeros_are_restored(record: dict[str, Any]) -> None:
    record["date_generale"]["cod_CAEN"] = "610"
    record["adresa_sediu_social"]["scod_Postal"] = "30167"  # Bucharest, five digits
    facts = facts_from_record(record)
    assert facts.main_caen is not None and facts.main_caen.code == "0610"
    assert facts.address is not None and facts.address.postal_code == "030167"


def test_blank_and_space_values_are_none(record: dict[str, Any]) -> None:
    record["adresa_sediu_social"]["sdenumire_Strada"] = " "
    record["date_generale"]["telefon"] = " "
    record["date_generale"]["cod_CAEN"] = ""
    facts = facts_from_record(record)
    assert facts.address is not None and facts.address.street is None
    assert facts.phone is None and facts.main_caen is None


def test_registered_office_and_fiscal_domicile_are_kept_apart(record: dict[str, Any]) -> None:
    record["adresa_domiciliu_fiscal"]["ddenumire_Localitate"] = "Sat Bârnova"
    facts = facts_from_record(record)
    assert facts.address is not None and facts.address.locality == "Mun. Iași"
    assert facts.fiscal_address is not None and facts.fiscal_address.locality == "Sat Bârnova"


def test_vat_periods_drawn_as_one_object_as_the_doc_does(record: dict[str, Any]) -> None:
    record["inregistrare_scop_Tva"]["perioade_TVA"] = record["inregistrare_scop_Tva"][
        "perioade_TVA"
    ][0]
    facts = facts_from_record(record)
    assert facts.vat is not None and [p.start for p in facts.vat.periods] == ["2021-01-13"]


def test_periods_are_ordered_whatever_order_they_come_in(record: dict[str, Any]) -> None:
    record["inregistrare_scop_Tva"]["perioade_TVA"].reverse()
    facts = facts_from_record(record)
    assert facts.vat is not None and facts.vat.since == "2021-01-13"
    assert [p.start for p in facts.vat.periods] == ["2021-01-13", "2017-10-01"]


def test_not_a_vat_payer_has_no_since(record: dict[str, Any]) -> None:
    record["inregistrare_scop_Tva"]["scpTVA"] = False
    facts = facts_from_record(record)
    assert facts.vat is not None and facts.vat.payer is False and facts.vat.since is None


def test_struck_off_while_not_fiscally_inactive(record: dict[str, Any]) -> None:
    record["stare_inactiv"]["dataRadiere"] = "2023-05-02"
    assert facts_from_record(record).status == "struck_off"


@pytest.mark.parametrize(
    ("text", "inactive", "status"),
    [
        ("INREGISTRAT din data 25.02.2015", True, "inactive"),
        ("TRANSFER(SOSIRE) din data 03.04.2019", False, "active"),
        ("RADIERE din data 12.01.2022", False, "struck_off"),
        ("DIZOLVARE FARA LICHIDARE(FUZIUNE) din data 01.02.2020", False, "dissolution"),
        ("LICHIDARE din data 01.02.2020", False, "liquidation"),
        ("", False, "unknown"),
    ],
)
def test_status_from_the_registration_text(text: str, inactive: bool, status: str) -> None:
    assert status_of(text, "", inactive) == status


def test_legal_forms_spelled_out() -> None:
    assert legal_form_code("SOCIETATE PE ACŢIUNI") == "SA"
    assert legal_form_code("PERSOANA FIZICA AUTORIZATA") == "PFA"
    assert legal_form_code("ASOCIATIE") is None


def test_a_record_without_a_cui_is_refused(record: dict[str, Any]) -> None:
    del record["date_generale"]["cui"]
    with pytest.raises(KeyError):
        facts_from_record(record)


# --- the envelope ---------------------------------------------------------------------------


def test_the_v8_envelope_with_cod_and_message(envelope: dict[str, Any]) -> None:
    found, not_found = vat_lists("anaf", envelope)
    assert [r["date_generale"]["cui"] for r in found] == [34150371] and not_found == set()


def test_the_v9_envelope_without_cod_and_every_not_found_shape() -> None:
    body = {"found": [], "notFound": [14399841, "12345678", {"cui": 1234}]}
    assert vat_lists("anaf", body) == ([], {"14399841", "12345678", "1234"})


@pytest.mark.parametrize(
    "body",
    [{"cod": 200, "message": "SUCCESS"}, {"found": {"a": 1}}, [], {"notFound": ["x"]}],
)
def test_envelopes_that_are_not_as_documented(body: Any) -> None:
    with pytest.raises(Malformed):
        vat_lists("anaf", body)
