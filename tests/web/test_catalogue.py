"""The Romanian catalogue is complete, spelled with comma-below ș ț, and compiled: the
committed .mo says what the .po says."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from ..surfaces import model_offences

WEB = Path(__file__).resolve().parents[2] / "src" / "firmsync" / "web"
PO = WEB / "locale" / "ro" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CEDILLA = re.compile("[şţŞŢ]")
KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$")


def entries(text: str) -> list[dict[str, str]]:
    """A .po file's entries: ``msgctxt``, ``msgid``, ``msgstr`` (continuation lines joined)
    and ``flags``; a plural one has ``msgid_plural`` and ``msgstr[n]`` instead of ``msgstr``."""
    found = []
    for block in text.split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith("#"):
                continue
            elif match := re.match(KEYWORD, line):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if entry.get("msgid"):
            found.append(entry)
    return found


def untranslated(text: str) -> list[str]:
    return [
        e["msgid"]
        for e in entries(text)
        if "fuzzy" in e["flags"] or not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]


def test_every_msgid_has_a_romanian_translation() -> None:
    found = entries(PO.read_text(encoding="utf-8"))
    assert len(found) > 50  # the parser read the file
    assert untranslated(PO.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_missing_or_fuzzy_translation() -> None:
    po = 'msgid "Companies"\nmsgstr "Companii"\n\n#, fuzzy\nmsgid "Next"\nmsgstr "Înainte"\n\n'
    po += 'msgid "Sign in"\nmsgstr ""\n'
    assert untranslated(po) == ["Next", "Sign in"]


def test_no_cedilla_in_the_romanian_catalogue() -> None:
    assert CEDILLA.findall(PO.read_text(encoding="utf-8").split("msgid", 1)[1]) == []


def test_the_compiled_catalogue_is_up_to_date() -> None:
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in entries(PO.read_text(encoding="utf-8")):
        if "msgid_plural" in entry:
            for n, form in ((1, "msgstr[0]"), (2, "msgstr[1]"), (20, "msgstr[2]")):
                got = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], n)
                assert got == entry[form], entry["msgid"]
            continue
        if "msgctxt" in entry:
            got = catalogue.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            got = catalogue.gettext(entry["msgid"])
        assert got == entry["msgstr"], entry["msgid"]


def test_no_web_module_touches_a_model_or_a_transaction() -> None:
    assert model_offences(WEB) == []
