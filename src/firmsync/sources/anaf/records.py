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

import dataclasses
from typing import Any

from firmsync.identity import counties, names
from firmsync.identity.text import fold
from firmsync.sources import values
from firmsync.sources.anaf.vat_record import Place, read_record
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
# ANAF spells the company forms "SOCIETATE COMERCIALA …": the word is dropped and the rest
# read by the names' own table of spelled forms; cooperatives are not in that table.
_COOPERATIVE = ("SOCIETATE", "COOPERATIVA")


def legal_form_code(value: Any) -> str | None:
    """The code of ANAF's spelled-out legal form; ``None`` when it is not one we know.

    >>> legal_form_code('SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ'), legal_form_code('')
    ('SRL', None)
    """
    spelled = values.text(value)
    if spelled is None:
        return None
    words = tuple(w for w in fold(spelled).replace(".", " ").split() if w != "COMERCIALA")
    if words[:2] == _COOPERATIVE:
        return "SCOOP"
    return next((code for form, code in names.SPELLED_FORMS if words[: len(form)] == form), None)


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


def _address(place: Place) -> Address | None:
    address = Address(
        country=place.country,
        county=counties.canonical_or_given(place.county),
        locality=place.locality,
        street=place.street,
        number=place.number,
        postal_code=place.postal_code,
        details=place.details,
    )
    return address if any(vars(address).values()) else None


def facts_from_record(record: dict[str, Any]) -> CompanyFacts:
    """The facts of one ``found[]`` record (raises ``KeyError``/``ValueError`` when it has
    no usable ``date_generale.cui``: the caller reports that as malformed)."""
    read = read_record(record)
    general = read.general
    # Newest first, whatever order ANAF sent them in.
    periods = sorted(
        (VatPeriod(p.start, p.end, p.reason) for p in read.vat.periods),
        key=lambda p: p.start or "",
        reverse=True,
    )
    payer = read.vat.payer
    open_period = next((p for p in periods if p.start and not p.end), None)
    sections = {key for key, value in record.items() if isinstance(value, dict)}
    fiscal = _address(read.fiscal_domicile)
    if fiscal is not None and fiscal.postal_code is None and general.postal_code:
        fiscal = dataclasses.replace(fiscal, postal_code=general.postal_code)
    caen = general.caen
    facts: dict[str, Any] = {
        "name": general.name,
        "reg_number": general.reg_number,
        "legal_form": legal_form_code(general.legal_form),
        "registered_on": general.registered_on,
        "status": status_of(
            general.registration_text, read.inactivity.struck_off, read.inactivity.inactive
        ),
        "vat": Vat(payer, open_period.start if payer and open_period else None, periods)
        if "inregistrare_scop_Tva" in sections
        else None,
        "vat_on_cash": Flag(read.cash_vat.active, read.cash_vat.start)
        if "inregistrare_RTVAI" in sections
        else None,
        "split_vat": Flag(read.split_vat.active, read.split_vat.start)
        if "inregistrare_SplitTVA" in sections
        else None,
        "efactura": EFactura(general.efactura, general.efactura_since),
        "phone": general.phone,
        "fax": general.fax,
        "address": _address(read.registered_office),
        "fiscal_address": fiscal,
        "main_caen": Caen(caen, 2, values.caen_title(caen)) if caen else None,
    }
    stamp = SourceStamp(SOURCE, general.as_of)
    sources = {key: stamp for key, value in facts.items() if value is not None and key != "status"}
    sources["status"] = stamp
    return CompanyFacts(cui=general.cui, **facts, sources=sources)
