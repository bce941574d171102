"""A small ONRC + MF snapshot written by hand, real format, one quirk per row or more."""

from __future__ import annotations

from pathlib import Path

from firmsync.registry.sample import FIRME_HEADER, MF_HEADER, REPRESENTATIVES_HEADER

CNP = "1850101410014"  # a valid personal numeric code where a CUI belongs: never stored

FIRME_ROWS = [
    # A CUI with two registrations: struck-off old one, operating new one.
    "TRADECENTER SRL^66815090^J03/1/2004^28/07/2004^ROONRC.J03/1/2004^SRL^România^Argeş^"
    "Curtea de Argeş^B-dul MARE^85^D19^2^0^73^110743^^^^",
    "TRADECENTER SRL^66815090^J2022000001360^28/10/2022 10:05^ROONRC.J2022000001360^SRL^"
    "România^Tulcea^Tulcea^Calea AVRAM^121^^^^^828889^^^^",
    # An unbalanced quote: must not swallow the next rows.
    '" CARDIOFORCE SRL^18547290^J40/630/1992^06/05/1992 13:27:41^ROONRC.J40/630/1992^SRL^'
    "România^Municipiul Bucureşti^Bucureşti Sectorul 6^Şos. VIRTUŢII^14^^^^^  060787^6^^^",
    # Literal balanced quotes, cedilla diacritics.
    '"LEMNLIND" SRL^14399840^J12/2/2001^01/02/2001^ROONRC.J12/2/2001^SRL^România^Cluj^'
    "Cluj-Napoca^Str. ŞCOLII^3^^^^^400001^^^www.lemnlind.ro^",
    # A row broken across two lines inside ADR_COMPLETARE.
    "ALFA BETA SRL^2816464^J22/7/1995^^ROONRC.J22/7/1995^SRL^România^Iaşi^Iaşi^Str. GĂRII^"
    "9^^^^^700001^^ET. 2\r\nCAMERA 3^^",
    # A sole trader with a CNP in the CUI column.
    f"POPESCU ION PERSOANĂ FIZICĂ AUTORIZATĂ^{CNP}^F40/100/2010^01/03/2010^"
    "ROONRC.F40/100/2010^PFA^România^Bucureşti^Bucureşti Sectorul 1^Str. UNIRII^1^^^^^"
    "010101^1^^^",
    # Blank and zero CUIs, a wrong check digit, a postal code that lost its leading zero.
    "GAMA SRL^^J2025000123000^^ROONRC.J2025000123000^SRL^România^Ilfov^Voluntari^^^^^^^77190^^^^",
    "DELTA SRL^0^J35/5/2003^13/03/2003^ROONRC.J35/5/2003^SRL^România^Timiş^Timişoara^^^^^^^^^^^",
    "OMEGA VECHE SRL^18547291^J35/6/1993^13/03/1993^ROONRC.J35/6/1993^SRL^România^Timiş^"
    "Timişoara^^^^^^^^^^^",
    # Malformed: too many fields. Rejected with its line number, not fatal.
    "STRICAT SRL^123^J01/1/2000^^^^^^^^^^^^^^^^^^^^^^^^",
]
FIRME_LINES = {  # register number → the line its record starts on (header is line 1)
    "J03/1/2004": 2,
    "J2022000001360": 3,
    "J40/630/1992": 4,
    "J12/2/2001": 5,
    "J22/7/1995": 6,
    "F40/100/2010": 8,
    "J2025000123000": 9,
    "J35/5/2003": 10,
    "J35/6/1993": 11,
}
STATUS_ROWS = [
    "J03/1/2004^1084",
    "J2022000001360^1048",
    "J40/630/1992^1048",
    "J12/2/2001^1048",
    "J22/7/1995^1048",
    "F40/100/2010^1048",
    "J2025000123000^1048",
    "J35/5/2003^1084",
    "J35/6/1993^1048",
    "J40/630/1992^1107",  # not adjacent: insolvency overrides operating
]
STATUS_LABELS = [
    "1048^funcţiune",
    "1084^radiată",
    "1107^insolvenţă",
    "1085^sediu expirat",
    "1049^dizolvare",
]
CAEN_ROWS = [
    "J2022000001360^4120^2",
    "J2022000001360^4321^Versiunea 2008",
    "J40/630/1992^8621^2",
    "J2025000123000^6210^3",
]
REPRESENTATIVE_ROWS = [
    "J2022000001360^IONESCU MARIA^ADMINISTRATOR^02/06/1953^Slatina^Olt^România^Tulcea^"
    "Tulcea^România",
    "J40/630/1992^CASA DE INSOLVENŢĂ X SPRL^ADMINISTRATOR JUDICIAR^^^^^^^",
    "J12/2/2001^FARA REPREZENTANT^^^^^^^^",
]
MF_DESCRIPTION = [
    "Active imobilizate - total;I1",
    "Active circulante - total;I2",
    "Stocuri;I3",
    "Creanţe;I4",
    "Casa şi conturi la bănci;I5",
    "Cheltuieli în avans;I6",
    "Datorii;I7",
    "Venituri în avans;I8",
    "Provizioane;I9",
    "Capitaluri - total;I10",
    "Capital subscris vărsat;I11",
    "Patrimoniul regiei;I12",
    "Cifra de afaceri netă;I13",
    "Venituri totale;I14",
    "Cheltuieli totale;I15",
    "Profit brut;I16",
    "Pierdere brută;I17",
    "Profit net;I18",
    "Pierdere netă;I19",
    "Număr mediu de salariaţi;I20",
]
MF_ROWS = {
    2024: [
        "66815090,4120,100,200,10,20,30,5,150,0,0,155,200,0,1000,1100,900,200,0,180,0,7",
        "RO 18547290,8621,1,2,3,4,5,6,7,8,9,10,11,0,500,600,700,0,100,0,100,-",
        "x1,4120,1,2,3,4,5,6,7,8,9,10,11,0,500,600,700,0,100,0,100,3",
    ],
    2025: ["66815090,4120,110,210,11,21,31,6,160,0,0,165,200,0,1200,1300,1000,300,0,270,0,9"],
}


def _write(path: Path, header: str, rows: list[str], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((header + "\r\n" + "".join(r + "\r\n" for r in rows)).encode(encoding))
    return path


def write_snapshot(
    root: Path,
    stamp: str = "02-09-2026",
    *,
    firme: list[str] | None = None,
    status: list[str] | None = None,
) -> Path:
    onrc, codes = root / f"firme-{stamp}", root / f"nomenclatoare-{stamp}"
    _write(onrc / "OD_FIRME.CSV", FIRME_HEADER, FIRME_ROWS if firme is None else firme)
    _write(
        onrc / "OD_STARE_FIRMA.CSV",
        "COD_INMATRICULARE^COD",
        STATUS_ROWS if status is None else status,
    )
    _write(
        onrc / "OD_CAEN_AUTORIZAT.CSV",
        "COD_INMATRICULARE^COD_CAEN_AUTORIZAT^VER_CAEN_AUTORIZAT",
        CAEN_ROWS,
    )
    _write(onrc / "OD_REPREZENTANTI_LEGALI.CSV", REPRESENTATIVES_HEADER, REPRESENTATIVE_ROWS)
    _write(codes / "N_STARE_FIRMA.CSV", "COD^DENUMIRE", STATUS_LABELS)
    _write(codes / "N_VERSIUNE_CAEN.CSV", "COD^DESCRIERE", ["2^Versiunea 2008", "3^Versiunea 2025"])
    _write(
        codes / "N_CAEN.CSV",
        "SECTIUNEA^SUBSECTIUNEA^DIVIZIUNEA^GRUPA^CLASA^DENUMIRE^VERSIUNE_CAEN",
        [
            "F^^^^^CONSTRUCŢII^2",
            "F^^41^412^4120^Lucrări de construcţii a clădirilor^2",
            "F^^43^432^4321^Lucrări de instalaţii electrice^2",
            "Q^^86^862^8621^Activităţi de asistenţă medicală generală^2",
            "J^^62^621^6210^Activităţi de realizare a soft-ului la comandă^3",
        ],
    )
    for year, rows in MF_ROWS.items():
        folder = root / f"situatii_financiare_{year}"
        _write(folder / f"web_uu_an{year}.txt", MF_HEADER, rows, encoding="utf-8")
        # One year's description file is in cp1250, as some published ones are.
        (folder / f"web_uu_an{year}.csv").write_bytes(
            "\r\n".join(MF_DESCRIPTION).encode("cp1250" if year == 2024 else "utf-8")
        )
    return root
