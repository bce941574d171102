"""The sample generator: official formats, every quirk, deterministic."""

from __future__ import annotations

import hashlib
from pathlib import Path

from firmsync.identity import cui
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import FIRME_HEADER, make_sample
from firmsync.registry.store import RegisterStore


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    a = make_sample(tmp_path / "a", companies=500, seed=7, workers=1)
    b = make_sample(tmp_path / "b", companies=500, seed=7, workers=2)
    c = make_sample(tmp_path / "c", companies=500, seed=8)
    assert digest(a.directory) == digest(b.directory) != digest(c.directory)


def test_the_files_are_in_the_official_format_with_every_quirk(tmp_path: Path) -> None:
    summary = make_sample(tmp_path / "s", companies=3000, seed=1)
    firme = (tmp_path / "s" / "firme-02-11-2026" / "OD_FIRME.CSV").read_bytes()
    assert firme.startswith(b"\xef\xbb\xbf" + FIRME_HEADER.encode() + b"\r\n")
    text = firme.decode("utf-8-sig")
    rows = [line.split("^") for line in text.split("\r\n")[1:] if line]
    assert summary.files["firme-02-11-2026/OD_FIRME.CSV"] == 3000
    assert any(r[0].startswith('" ') for r in rows), "unbalanced quote"
    assert any(r[0].startswith('"') and r[0].count('"') == 2 for r in rows), "quoted name"
    assert any(len(r) < 20 for r in rows), "row broken across lines"
    assert any(len(r[1]) == 13 for r in rows), "personal code in the CUI column"
    assert any(r[1] in ("", "0") for r in rows), "blank CUI"
    assert any(cui.classify(r[1])[1] == "wrong_check_digit" for r in rows if len(r) > 1)
    assert any("ş" in r[0] or "Ş" in r[0] for r in rows) and any("ș" in "".join(r) for r in rows)
    assert any(len(r) > 3 and len(r[3]) == 16 for r in rows), "date with HH:MM"
    assert any(len(r) > 3 and len(r[3]) == 19 for r in rows), "date with HH:MM:SS"
    assert any(len(r) > 15 and r[15].startswith(" ") for r in rows), "postal code with spaces"
    cuis = [r[1] for r in rows if len(r) > 1 and r[1] and r[1] != "0"]
    assert len(cuis) > len(set(cuis)), "a CUI with several registrations"
    struck_off = (tmp_path / "s" / "firme-02-11-2026" / "OD_STARE_FIRMA.CSV").read_text()
    assert 0.40 < struck_off.count("^1084") / 3000 < 0.58
    cp1250 = (tmp_path / "s" / "situatii_financiare_2024" / "web_uu_an2024.csv").read_bytes()
    assert b"Crean\xfee" in cp1250
    assert (tmp_path / "s" / "README.md").read_text().count("GENERATED SAMPLE DATA") == 1


def test_a_sample_imports_without_a_rejected_row(tmp_path: Path, store: RegisterStore) -> None:
    make_sample(tmp_path / "s", companies=2000, seed=2)
    result = import_paths(store, [tmp_path / "s"])
    assert result.rows_rejected == 0
    assert store.scalar("SELECT COUNT(*) FROM registration") == 2000
    assert store.scalar("SELECT COUNT(*) FROM registration_view WHERE status = 'unknown'") == 0
    assert store.scalar("SELECT COUNT(*) FROM financial") > 1000
