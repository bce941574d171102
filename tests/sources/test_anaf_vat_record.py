"""Every field of the reference's real v9 record, read and typed."""

from __future__ import annotations

import json
from pathlib import Path

from firmsync.sources.anaf.vat_record import (
    CashVat,
    General,
    Inactivity,
    Place,
    SplitVat,
    VatPeriodRecord,
    VatRecord,
    VatRegistration,
    read_record,
)

RECORD = json.loads((Path(__file__).parent / "data" / "anaf_v8_nima_software.json").read_text())[
    "found"
][0]

PLACE = Place(
    street="Str. Elena Doamna",
    number="20-22",
    locality="Mun. Iași",  # cedilla ş → comma-below ș
    locality_code="230",
    county="IAȘI",
    county_code="22",
    county_plate="IS",
    country=None,
    details="BIROUL 28",
    postal_code="700398",
)


def test_every_field_of_the_real_record() -> None:
    assert read_record(RECORD) == VatRecord(
        general=General(
            cui="34150371",
            as_of="2024-12-12",
            name="NIMA SOFTWARE SRL",
            address_line="JUD. IAȘI, MUN. IAȘI, STR. ELENA DOAMNA, NR.20-22, BIROUL 28, ET.3",
            reg_number="J22/314/2015",
            phone="0743330190",
            fax=None,
            postal_code="700398",
            authorising_act=None,
            registration_text="INREGISTRAT din data 25.02.2015",
            registered_on="2015-02-25",
            caen="6311",
            iban=None,
            efactura=True,
            efactura_since="2024-01-01",
            tax_office="Administrația Județeană a Finanțelor Publice Iași",
            ownership="PROPR.PRIVATA-CAPITAL PRIVAT AUTOHTON",
            organisation="PERSOANA JURIDICA",
            legal_form="SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ",
        ),
        vat=VatRegistration(
            payer=True,
            periods=[
                VatPeriodRecord("2021-01-13", None, None, None),
                VatPeriodRecord(
                    "2017-10-01",
                    "2020-12-02",
                    "2020-12-29",
                    RECORD["inregistrare_scop_Tva"]["perioade_TVA"][1]["mesaj_ScpTVA"],
                ),
            ],
        ),
        cash_vat=CashVat(None, None, None, None, None, False),
        inactivity=Inactivity(
            inactivated="2020-12-02",
            reactivated="2020-12-18",
            published="2020-12-11",
            struck_off=None,
            inactive=False,
        ),
        split_vat=SplitVat(None, None, False),
        registered_office=PLACE,
        fiscal_domicile=PLACE,
    )


def test_every_documented_key_is_read() -> None:
    """A key the reader does not know would be a silent format change: none is left."""
    read = repr(read_record(RECORD))
    for section, fields in RECORD.items():
        for key, value in fields.items():
            if isinstance(value, str) and value.strip() and key != "mesaj_ScpTVA":
                # dates are re-formatted; every other non-blank text appears as read
                if key.startswith("data") or key == "adresa":
                    continue
                assert value.replace("ş", "ș").replace("Ş", "Ș").replace("ţ", "ț") in read, (
                    section,
                    key,
                )


def test_cash_vat_and_split_vat_when_set() -> None:
    record = json.loads(json.dumps(RECORD))
    record["inregistrare_RTVAI"] |= {
        "dataInceputTvaInc": "2019-01-01",
        "dataSfarsitTvaInc": "2019-12-31",
        "dataActualizareTvaInc": "2020-01-05",
        "dataPublicareTvaInc": "2020-01-06",
        "tipActTvaInc": "Radiere",
        "statusTvaIncasare": False,
    }
    record["inregistrare_SplitTVA"] |= {
        "dataInceputSplitTVA": "2018-01-01",
        "dataAnulareSplitTVA": "2020-02-01",
        "statusSplitTVA": False,
    }
    read = read_record(record)
    assert read.cash_vat == CashVat(
        "2019-01-01", "2019-12-31", "2020-01-05", "2020-01-06", "Radiere", False
    )
    assert read.split_vat == SplitVat("2018-01-01", "2020-02-01", False)


def test_a_boolean_that_is_not_one_is_none() -> None:
    record = json.loads(json.dumps(RECORD))
    record["inregistrare_scop_Tva"]["scpTVA"] = "true"
    assert read_record(record).vat.payer is None
