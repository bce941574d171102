"""The 41 counties of Romania and Bucharest, as the register and ANAF name them.

The register's ``ADR_JUDET`` holds county *names* (``Bucureşti``, ``Municipiul Bucureşti``,
``Cluj``); ANAF and the old register numbers use the SIRUTA county code, which is also the
county part of an old register number (``J40/…`` is Bucharest).

>>> canonical('Municipiul Bucureşti')
'București'
>>> canonical('judetul satu-mare')
'Satu Mare'
>>> by_code(12)
'Cluj'
>>> canonical('Atlantis') is None
True
"""

from __future__ import annotations

import re

from firmsync.identity.text import fold

__all__ = ["COUNTIES", "by_code", "canonical", "canonical_or_given", "code_of"]

# (SIRUTA code, car plate, name) — reference: onrc-open-data.md §11.
COUNTIES: tuple[tuple[int, str, str], ...] = (
    (1, "AB", "Alba"),
    (2, "AR", "Arad"),
    (3, "AG", "Argeș"),
    (4, "BC", "Bacău"),
    (5, "BH", "Bihor"),
    (6, "BN", "Bistrița-Năsăud"),
    (7, "BT", "Botoșani"),
    (8, "BV", "Brașov"),
    (9, "BR", "Brăila"),
    (10, "BZ", "Buzău"),
    (11, "CS", "Caraș-Severin"),
    (12, "CJ", "Cluj"),
    (13, "CT", "Constanța"),
    (14, "CV", "Covasna"),
    (15, "DB", "Dâmbovița"),
    (16, "DJ", "Dolj"),
    (17, "GL", "Galați"),
    (18, "GJ", "Gorj"),
    (19, "HR", "Harghita"),
    (20, "HD", "Hunedoara"),
    (21, "IL", "Ialomița"),
    (22, "IS", "Iași"),
    (23, "IF", "Ilfov"),
    (24, "MM", "Maramureș"),
    (25, "MH", "Mehedinți"),
    (26, "MS", "Mureș"),
    (27, "NT", "Neamț"),
    (28, "OT", "Olt"),
    (29, "PH", "Prahova"),
    (30, "SM", "Satu Mare"),
    (31, "SJ", "Sălaj"),
    (32, "SB", "Sibiu"),
    (33, "SV", "Suceava"),
    (34, "TR", "Teleorman"),
    (35, "TM", "Timiș"),
    (36, "TL", "Tulcea"),
    (37, "VS", "Vaslui"),
    (38, "VL", "Vâlcea"),
    (39, "VN", "Vrancea"),
    (40, "B", "București"),
    (51, "CL", "Călărași"),
    (52, "GR", "Giurgiu"),
)

_NOISE = re.compile(r"^(MUNICIPIUL|JUDETUL|JUD\.?)\s+")


def _key(value: str) -> str:
    folded = _NOISE.sub("", fold(value).strip())
    return re.sub(r"[\s\-]+", " ", folded)


_BY_KEY = {_key(name): name for _, _, name in COUNTIES}
_BY_KEY.update({plate: name for _, plate, name in COUNTIES})
_BY_CODE = {code: name for code, _, name in COUNTIES}
_CODE_OF = {name: code for code, _, name in COUNTIES}


def canonical(value: str | None) -> str | None:
    """The county's name with its diacritics, from any spelling, plate or ``None``."""
    if not value:
        return None
    return _BY_KEY.get(_key(value))


def canonical_or_given(value: str | None) -> str | None:
    """The county's canonical name, or the value as given when it is not a county; ``None``
    for a blank.

    >>> canonical_or_given('JUD. IAŞI'), canonical_or_given('Ile-de-France'), canonical_or_given('')
    ('Iași', 'Ile-de-France', None)
    """
    return (canonical(value) or value) if value else None


def by_code(code: int) -> str | None:
    """The county for a SIRUTA code (the county part of an old register number)."""
    return _BY_CODE.get(code)


def code_of(name: str) -> int | None:
    """The SIRUTA code of a county, from any spelling."""
    county = canonical(name)
    return _CODE_OF.get(county) if county else None
