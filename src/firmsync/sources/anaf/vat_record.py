"""Every field of a v9 ``found[]`` record, typed (anaf-api.md §2.3).

Values are read as the reference documents them: ``""``/``" "`` are ``None``; text in NFC
with comma-below ș ț; dates ISO (the e-Factura enrolment date comes as ``DD.MM.YYYY``);
booleans only when they are booleans; CAEN and postal codes with lost leading zeros
restored; ``perioade_TVA`` a list (the doc's single object is read too). ANAF's own names
are given beside each field. :mod:`firmsync.sources.anaf.records` turns this into facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from firmsync.sources import values

__all__ = [
    "CashVat",
    "General",
    "Inactivity",
    "Place",
    "SplitVat",
    "VatPeriodRecord",
    "VatRecord",
    "VatRegistration",
    "read_record",
]


@dataclass(frozen=True)
class General:  # date_generale
    cui: str  # cui
    as_of: str | None  # data: the date the statuses are evaluated at
    name: str | None  # denumire
    address_line: str | None  # adresa: the fiscal domicile on one line
    reg_number: str | None  # nrRegCom
    phone: str | None  # telefon (fiscal domicile)
    fax: str | None  # fax (fiscal domicile)
    postal_code: str | None  # codPostal (fiscal domicile)
    authorising_act: str | None  # act
    registration_text: str | None  # stare_inregistrare
    registered_on: str | None  # data_inregistrare
    caen: str | None  # cod_CAEN
    iban: str | None  # iban
    efactura: bool | None  # statusRO_e_Factura
    efactura_since: str | None  # data_inreg_Reg_RO_e_Factura (undocumented, DD.MM.YYYY)
    tax_office: str | None  # organFiscalCompetent
    ownership: str | None  # forma_de_proprietate
    organisation: str | None  # forma_organizare (empty for a PFA)
    legal_form: str | None  # forma_juridica, spelled out


@dataclass(frozen=True)
class VatPeriodRecord:  # inregistrare_scop_Tva.perioade_TVA[]
    start: str | None  # data_inceput_ScpTVA
    end: str | None  # data_sfarsit_ScpTVA
    cancellation_recorded: str | None  # data_anul_imp_ScpTVA
    reason: str | None  # mesaj_ScpTVA


@dataclass(frozen=True)
class VatRegistration:  # inregistrare_scop_Tva
    payer: bool | None  # scpTVA
    periods: list[VatPeriodRecord] = field(default_factory=list)  # perioade_TVA


@dataclass(frozen=True)
class CashVat:  # inregistrare_RTVAI
    start: str | None  # dataInceputTvaInc
    end: str | None  # dataSfarsitTvaInc
    updated: str | None  # dataActualizareTvaInc
    published: str | None  # dataPublicareTvaInc
    act: str | None  # tipActTvaInc: Inregistrare / Radiere
    active: bool | None  # statusTvaIncasare


@dataclass(frozen=True)
class Inactivity:  # stare_inactiv
    inactivated: str | None  # dataInactivare
    reactivated: str | None  # dataReactivare
    published: str | None  # dataPublicare
    struck_off: str | None  # dataRadiere
    inactive: bool | None  # statusInactivi


@dataclass(frozen=True)
class SplitVat:  # inregistrare_SplitTVA
    start: str | None  # dataInceputSplitTVA
    cancelled: str | None  # dataAnulareSplitTVA
    active: bool | None  # statusSplitTVA


@dataclass(frozen=True)
class Place:  # adresa_sediu_social (prefix s) / adresa_domiciliu_fiscal (prefix d)
    street: str | None  # denumire_Strada
    number: str | None  # numar_Strada
    locality: str | None  # denumire_Localitate
    locality_code: str | None  # cod_Localitate: ANAF's code, not SIRUTA
    county: str | None  # denumire_Judet
    county_code: str | None  # cod_Judet: SIRUTA county number
    county_plate: str | None  # cod_JudetAuto
    country: str | None  # tara
    details: str | None  # detalii_Adresa
    postal_code: str | None  # cod_Postal


@dataclass(frozen=True)
class VatRecord:
    general: General
    vat: VatRegistration
    cash_vat: CashVat
    inactivity: Inactivity
    split_vat: SplitVat
    registered_office: Place  # adresa_sediu_social
    fiscal_domicile: Place  # adresa_domiciliu_fiscal


def _section(record: dict[str, Any], name: str) -> dict[str, Any]:
    part = record.get(name)
    return part if isinstance(part, dict) else {}


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _place(part: dict[str, Any], p: str) -> Place:
    text = values.text
    return Place(
        street=text(part.get(f"{p}denumire_Strada")),
        number=text(part.get(f"{p}numar_Strada")),
        locality=text(part.get(f"{p}denumire_Localitate")),
        locality_code=text(part.get(f"{p}cod_Localitate")),
        county=text(part.get(f"{p}denumire_Judet")),
        county_code=text(part.get(f"{p}cod_Judet")),
        county_plate=text(part.get(f"{p}cod_JudetAuto")),
        country=text(part.get(f"{p}tara")),
        details=text(part.get(f"{p}detalii_Adresa")),
        postal_code=values.postal_code(part.get(f"{p}cod_Postal")),
    )


def _periods(raw: Any) -> list[VatPeriodRecord]:
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    periods = [
        VatPeriodRecord(
            start=values.iso_date(item.get("data_inceput_ScpTVA")),
            end=values.iso_date(item.get("data_sfarsit_ScpTVA")),
            cancellation_recorded=values.iso_date(item.get("data_anul_imp_ScpTVA")),
            reason=values.text(item.get("mesaj_ScpTVA")),
        )
        for item in items
        if isinstance(item, dict)
    ]
    return [p for p in periods if p.start or p.end or p.reason]


def read_record(record: dict[str, Any]) -> VatRecord:
    """The typed record; ``KeyError``/``ValueError`` when ``date_generale.cui`` is unusable."""
    text, date = values.text, values.iso_date
    general = _section(record, "date_generale")
    cui = str(int(str(general["cui"]).strip()))
    vat = _section(record, "inregistrare_scop_Tva")
    cash = _section(record, "inregistrare_RTVAI")
    inactive = _section(record, "stare_inactiv")
    split = _section(record, "inregistrare_SplitTVA")
    return VatRecord(
        general=General(
            cui=cui,
            as_of=date(general.get("data")),
            name=text(general.get("denumire")),
            address_line=text(general.get("adresa")),
            reg_number=text(general.get("nrRegCom")),
            phone=text(general.get("telefon")),
            fax=text(general.get("fax")),
            postal_code=values.postal_code(general.get("codPostal")),
            authorising_act=text(general.get("act")),
            registration_text=text(general.get("stare_inregistrare")),
            registered_on=date(general.get("data_inregistrare")),
            caen=values.caen_code(general.get("cod_CAEN")),
            iban=text(general.get("iban")),
            efactura=_flag(general.get("statusRO_e_Factura")),
            efactura_since=date(general.get("data_inreg_Reg_RO_e_Factura")),
            tax_office=text(general.get("organFiscalCompetent")),
            ownership=text(general.get("forma_de_proprietate")),
            organisation=text(general.get("forma_organizare")),
            legal_form=text(general.get("forma_juridica")),
        ),
        vat=VatRegistration(_flag(vat.get("scpTVA")), _periods(vat.get("perioade_TVA"))),
        cash_vat=CashVat(
            start=date(cash.get("dataInceputTvaInc")),
            end=date(cash.get("dataSfarsitTvaInc")),
            updated=date(cash.get("dataActualizareTvaInc")),
            published=date(cash.get("dataPublicareTvaInc")),
            act=text(cash.get("tipActTvaInc")),
            active=_flag(cash.get("statusTvaIncasare")),
        ),
        inactivity=Inactivity(
            inactivated=date(inactive.get("dataInactivare")),
            reactivated=date(inactive.get("dataReactivare")),
            published=date(inactive.get("dataPublicare")),
            struck_off=date(inactive.get("dataRadiere")),
            inactive=_flag(inactive.get("statusInactivi")),
        ),
        split_vat=SplitVat(
            start=date(split.get("dataInceputSplitTVA")),
            cancelled=date(split.get("dataAnulareSplitTVA")),
            active=_flag(split.get("statusSplitTVA")),
        ),
        registered_office=_place(_section(record, "adresa_sediu_social"), "s"),
        fiscal_domicile=_place(_section(record, "adresa_domiciliu_fiscal"), "d"),
    )
