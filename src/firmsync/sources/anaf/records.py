"""A v9 VAT-payer record (``found[]``) read into :class:`CompanyFacts`.

Every field of the record is read as anaf-api.md §2.3 documents it: absent values (``""``,
``" "``) become ``None``; cedilla letters become comma-below; the CAEN code and postal codes
get their lost leading zeros back; dates come in ISO or ``DD.MM.YYYY``; ``perioade_TVA`` is
a list (an object, as the doc draws it, is read too); the status is derived from the
registration text, the deregistration date and fiscal inactivity, since no single flag says
it. ``adresa_sediu_social`` is the registered office (``address``), ``adresa_domiciliu_fiscal``
the fiscal domicile (``fiscal_address``); phone and fax belong to the latter.
"""

from __future__ import annotations

from typing import Any

from firmsync.identity import counties
from firmsync.identity.text import fold
from firmsync.sources import values
from firmsync.sources.facts import (
    Address,
    Caen,
    CompanyFacts,
    EFactura,
    Flag,
    SourceStamp,
    Vat,
    VatPeriod,
)

__all__ = ["SOURCE", "facts_from_record", "legal_form_code", "status_of"]

SOURCE = "anaf"

# The registration text's first words → status, in the order they are tested: "DIZOLVARE
# FARA LICHIDARE" is a dissolution, not a liquidation.
_STAGES = (
    ("RADIERE", "struck_off"),
    ("FALIMENT", "bankruptcy"),
    ("DIZOLVARE", "dissolution"),
    ("LICHIDARE", "liquidation"),
    ("INSOLVENTA", "insolvency"),
    ("REORGANIZARE", "insolvency"),
    ("SUSPENDARE", "suspended"),
    ("INTRERUPERE", "suspended"),
    ("INREGISTRAT", "active"),
    ("TRANSFER", "active"),
    ("RELUARE", "active"),
    ("REACTIVARE", "active"),
)
_FORMS = (  # folded forma_juridica prefix → legal-form code
    ("SOCIETATE COMERCIALA CU RASPUNDERE LIMITATA", "SRL"),
    ("SOCIETATE CU RASPUNDERE LIMITATA", "SRL"),
    ("SOCIETATE COMERCIALA PE ACTIUNI", "SA"),
    ("SOCIETATE PE ACTIUNI", "SA"),
    ("SOCIETATE IN NUME COLECTIV", "SNC"),
    ("SOCIETATE COMERCIALA IN NUME COLECTIV", "SNC"),
    ("SOCIETATE IN COMANDITA SIMPLA", "SCS"),
    ("SOCIETATE COMERCIALA IN COMANDITA SIMPLA", "SCS"),
    ("SOCIETATE IN COMANDITA PE ACTIUNI", "SCA"),
    ("PERSOANA FIZICA AUTORIZATA", "PFA"),
    ("INTREPRINDERE INDIVIDUALA", "II"),
    ("INTREPRINDERE FAMILIALA", "IF"),
    ("SOCIETATE COOPERATIVA", "SCOOP"),
    ("REGIE AUTONOMA", "RA"),
)


def legal_form_code(value: Any) -> str | None:
    """The code of ANAF's spelled-out legal form; ``None`` when it is not one we know.

    >>> legal_form_code('SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ'), legal_form_code('')
    ('SRL', None)
    """
    spelled = values.text(value)
    if spelled is None:
        return None
    folded = " ".join(fold(spelled).replace(".", " ").split())
    return next((code for prefix, code in _FORMS if folded.startswith(prefix)), None)


def status_of(registration: Any, struck_off_on: Any, fiscally_inactive: Any) -> str:
    """The status from ``stare_inregistrare``, ``dataRadiere`` and ``statusInactivi``.

    >>> status_of('INREGISTRAT din data 25.02.2015', '', False)
    'active'
    >>> status_of('INREGISTRAT din data 25.02.2015', '', True)
    'inactive'
    >>> status_of('INREGISTRAT din data 25.02.2015', '2023-05-02', False)
    'struck_off'
    >>> status_of('DIZOLVARE FARA LICHIDARE(FUZIUNE) din data 01.02.2020', '', False)
    'dissolution'
    """
    said = fold(values.text(registration) or "")
    stage = next((status for word, status in _STAGES if said.startswith(word)), "unknown")
    if stage == "struck_off" or values.iso_date(struck_off_on):
        return "struck_off"
    if fiscally_inactive is True:
        return "inactive"
    return stage


def _address(part: dict[str, Any], p: str) -> Address | None:
    """``adresa_sediu_social`` (prefix ``s``) or ``adresa_domiciliu_fiscal`` (``d``)."""
    county = values.text(part.get(f"{p}denumire_Judet"))
    address = Address(
        country=values.text(part.get(f"{p}tara")),
        county=(counties.canonical(county) or county) if county else None,
        locality=values.text(part.get(f"{p}denumire_Localitate")),
        street=values.text(part.get(f"{p}denumire_Strada")),
        number=values.text(part.get(f"{p}numar_Strada")),
        postal_code=values.postal_code(part.get(f"{p}cod_Postal")),
        details=values.text(part.get(f"{p}detalii_Adresa")),
    )
    return address if any(vars(address).values()) else None


def _periods(raw: Any) -> list[VatPeriod]:
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    periods = [
        VatPeriod(
            start=values.iso_date(item.get("data_inceput_ScpTVA")),
            end=values.iso_date(item.get("data_sfarsit_ScpTVA")),
            reason=values.text(item.get("mesaj_ScpTVA")),
        )
        for item in items
        if isinstance(item, dict)
    ]
    periods = [p for p in periods if p.start or p.end or p.reason]
    # Newest first, whatever order ANAF sent them in.
    return sorted(periods, key=lambda p: p.start or "", reverse=True)


def _section(record: dict[str, Any], name: str) -> dict[str, Any]:
    part = record.get(name)
    return part if isinstance(part, dict) else {}


def facts_from_record(record: dict[str, Any]) -> CompanyFacts:
    """The facts of one ``found[]`` record (raises ``KeyError``/``ValueError`` when it has
    no usable ``date_generale.cui``: the caller reports that as malformed)."""
    general = _section(record, "date_generale")
    vat_part = _section(record, "inregistrare_scop_Tva")
    cash = _section(record, "inregistrare_RTVAI")
    inactive = _section(record, "stare_inactiv")
    split = _section(record, "inregistrare_SplitTVA")
    cui = str(int(str(general["cui"]).strip()))
    as_of = values.iso_date(general.get("data"))

    periods = _periods(vat_part.get("perioade_TVA"))
    payer = vat_part.get("scpTVA") if isinstance(vat_part.get("scpTVA"), bool) else None
    open_period = next((p for p in periods if p.start and not p.end), None)
    vat = Vat(payer, open_period.start if payer and open_period else None, periods)
    caen = values.caen_code(general.get("cod_CAEN"))

    facts: dict[str, Any] = {
        "name": values.text(general.get("denumire")),
        "reg_number": values.text(general.get("nrRegCom")),
        "legal_form": legal_form_code(general.get("forma_juridica")),
        "registered_on": values.iso_date(general.get("data_inregistrare")),
        "status": status_of(
            general.get("stare_inregistrare"),
            inactive.get("dataRadiere"),
            inactive.get("statusInactivi"),
        ),
        "vat": vat if vat_part else None,
        "vat_on_cash": Flag(
            cash.get("statusTvaIncasare"), values.iso_date(cash.get("dataInceputTvaInc"))
        )
        if cash
        else None,
        "split_vat": Flag(
            split.get("statusSplitTVA"), values.iso_date(split.get("dataInceputSplitTVA"))
        )
        if split
        else None,
        "efactura": EFactura(
            general.get("statusRO_e_Factura")
            if isinstance(general.get("statusRO_e_Factura"), bool)
            else None,
            values.iso_date(general.get("data_inreg_Reg_RO_e_Factura")),
        ),
        "phone": values.text(general.get("telefon")),
        "fax": values.text(general.get("fax")),
        "address": _address(_section(record, "adresa_sediu_social"), "s"),
        "fiscal_address": _address(_section(record, "adresa_domiciliu_fiscal"), "d"),
        "main_caen": Caen(caen, 2, values.caen_title(caen)) if caen else None,
    }
    stamp = SourceStamp(SOURCE, as_of)
    sources = {key: stamp for key, value in facts.items() if value is not None and key != "status"}
    sources["status"] = stamp
    return CompanyFacts(cui=cui, **facts, sources=sources)
