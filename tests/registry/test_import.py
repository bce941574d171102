"""The importer on hand-written files in the real formats, with every documented quirk."""

from __future__ import annotations

from pathlib import Path

import pytest

from firmsync.registry.importer import import_paths, snapshot_of
from firmsync.registry.read import index_changes, index_position
from firmsync.registry.reader import EXCERPT_CHARS, FileReport
from firmsync.registry.store import RegisterStore
from firmsync.sources.register import facts_from_register, facts_from_register_many

from .snapshot import CNP, FIRME_LINES, FIRME_ROWS, STATUS_ROWS, write_snapshot

DATA_TABLES = (
    "registration",
    "registration_status",
    "status_change",
    "caen_authorised",
    "representative",
    "financial",
    "status_label",
    "caen_title",
)


def dump(store: RegisterStore) -> dict[str, list[tuple[object, ...]]]:
    return {t: sorted(map(tuple, store.query(f"SELECT * FROM {t}")), key=repr) for t in DATA_TABLES}


@pytest.fixture
def loaded(store: RegisterStore, tmp_path: Path):
    result = import_paths(store, [write_snapshot(tmp_path / "data")], reports_dir=tmp_path / "r")
    return store, result


def registration(store: RegisterStore, reg_number: str) -> dict[str, object]:
    columns = (
        "reg_number",
        "cui",
        "cui_issue",
        "name",
        "registered_on",
        "county",
        "locality",
        "street",
        "postal_code",
        "details",
        "status",
        "status_codes",
        "line",
        "dup",
    )
    rows = store.query(
        f"SELECT {', '.join(columns)} FROM registration_view WHERE reg_number = {store.mark}",
        (reg_number,),
    )
    assert len(rows) == 1, rows
    return dict(zip(columns, rows[0], strict=True))


def test_every_good_row_is_loaded_and_the_bad_one_reported_with_its_line(loaded, tmp_path) -> None:
    store, result = loaded
    reports = {item.path.name: report for item, report in result.files}
    firme = reports["OD_FIRME.CSV"]
    assert store.scalar("SELECT COUNT(*) FROM registration") == len(FIRME_LINES)
    assert firme.rows_loaded == len(FIRME_LINES)
    assert firme.rows_rejected == 1
    [problem] = [p for p in firme.examples if p.rejected]
    assert problem.line == 12 and "too many fields" in problem.reason
    assert "STRICAT" in problem.excerpt
    log = (tmp_path / "r" / "OD_FIRME.CSV.problems.txt").read_text()
    assert "OD_FIRME.CSV:12: rejected: too many fields" in log


def test_line_numbers_are_those_of_the_file(loaded) -> None:
    store, _ = loaded
    for reg_number, line in FIRME_LINES.items():
        assert registration(store, reg_number)["line"] == line


def test_unbalanced_quote_keeps_the_quote_and_swallows_nothing(loaded) -> None:
    store, _ = loaded
    row = registration(store, "J40/630/1992")
    assert row["name"] == '" CARDIOFORCE SRL'
    assert row["cui"] == "18547290"
    assert registration(store, "J12/2/2001")["name"] == '"LEMNLIND" SRL'


def test_row_broken_across_lines_is_rejoined(loaded) -> None:
    store, _ = loaded
    row = registration(store, "J22/7/1995")
    assert row["details"] == "ET. 2 CAMERA 3"
    assert row["registered_on"] is None  # a blank date stays blank


def test_diacritics_are_stored_comma_below(loaded) -> None:
    store, _ = loaded
    row = registration(store, "J40/630/1992")
    assert row["street"] == "Șos. VIRTUȚII"
    assert row["county"] == "București"  # "Municipiul Bucureşti" folded to the county
    assert row["locality"] == "București Sectorul 6"
    assert row["postal_code"] == "060787"  # leading spaces stripped
    text = repr(dump(store))
    assert "ş" not in text and "ţ" not in text


def test_dates_with_and_without_time(loaded) -> None:
    store, _ = loaded
    assert registration(store, "J40/630/1992")["registered_on"] == "1992-05-06"
    assert registration(store, "J2022000001360")["registered_on"] == "2022-10-28"
    assert registration(store, "J2025000123000")["registered_on"] is None


def test_cui_problems_are_flagged_and_personal_codes_never_stored(loaded) -> None:
    store, _ = loaded
    pfa = registration(store, "F40/100/2010")
    assert (pfa["cui"], pfa["cui_issue"]) == (None, "personal_code")
    assert registration(store, "J2025000123000")["cui_issue"] == "empty"
    assert registration(store, "J35/5/2003")["cui_issue"] == "empty"
    bad = registration(store, "J35/6/1993")
    assert (bad["cui"], bad["cui_issue"]) == ("18547291", "wrong_check_digit")
    assert registration(store, "J2025000123000")["postal_code"] == "077190"
    assert CNP not in repr(dump(store))
    assert CNP not in repr(store.query("SELECT * FROM import_run"))


def test_status_is_derived_from_every_code(loaded) -> None:
    store, _ = loaded
    assert registration(store, "J40/630/1992")["status"] == "insolvency"
    assert registration(store, "J40/630/1992")["status_codes"] == "1048,1107"
    assert registration(store, "J03/1/2004")["status"] == "struck_off"
    assert registration(store, "J2022000001360")["status"] == "active"


def test_representatives_keep_name_and_role_only(loaded) -> None:
    store, _ = loaded
    rows = store.query("SELECT * FROM representative ORDER BY reg_number")
    assert rows == [
        ("J2022000001360", "IONESCU MARIA", "ADMINISTRATOR"),
        ("J40/630/1992", "CASA DE INSOLVENȚĂ X SPRL", "ADMINISTRATOR JUDICIAR"),
    ]
    assert "1953" not in repr(dump(store)) and "Slatina" not in repr(dump(store))


def test_financials_are_mapped_by_label(loaded) -> None:
    store, result = loaded
    rows = store.query(
        "SELECT cui, year, caen, turnover, net_profit, net_loss, employees, "
        "share_capital FROM financial ORDER BY cui, year"
    )
    assert rows == [
        ("18547290", 2024, "8621", 500, 0, 100, None, 11),
        ("66815090", 2024, "4120", 1000, 180, 0, 7, 200),
        ("66815090", 2025, "4120", 1200, 270, 0, 9, 200),
    ]
    reports = {item.path.name: report for item, report in result.files}
    assert reports["web_uu_an2024.txt"].rejected == {"CUI: not_a_number": 1}


def test_mf_labels_that_do_not_match_fail_loudly(store: RegisterStore, tmp_path: Path) -> None:
    root = write_snapshot(tmp_path / "data")
    description = root / "situatii_financiare_2025" / "web_uu_an2025.csv"
    description.write_text(description.read_text().replace("Cifra de afaceri netă", "Altceva"))
    with pytest.raises(ValueError, match="turnover"):
        import_paths(store, [root / "situatii_financiare_2025"])


def test_show_prefers_the_operating_registration(loaded) -> None:
    store, _ = loaded
    facts = facts_from_register(store, "66815090")
    assert facts is not None
    assert facts.reg_number == "J2022000001360"
    assert facts.status == "active"
    assert [r.reg_number for r in facts.registrations] == ["J2022000001360", "J03/1/2004"]
    assert facts.financials[0].year == 2025 and facts.financials[0].turnover == 1200
    assert facts.main_caen is not None and facts.main_caen.code == "4120"
    assert [(c.code, c.revision) for c in facts.caen_authorised] == [("4120", 2), ("4321", 2)]
    assert facts.caen_authorised[0].title == "Lucrări de construcții a clădirilor"
    assert facts.sources["financials"].source == "mf"
    assert facts.sources["name"].as_of == "2026-09-02"


def test_a_batch_reads_each_company_as_alone(loaded) -> None:
    """The sync reads the register for 100 CUIs at once: the same facts, company by company,
    with the unknown ones as None and each company's rows kept apart."""
    store, _ = loaded
    known = store.query("SELECT DISTINCT cui FROM registration WHERE cui IS NOT NULL")
    cuis = [*sorted(cui for (cui,) in known), "19"]
    batch = facts_from_register_many(store, cuis)
    assert list(batch) == cuis and batch["19"] is None
    assert batch == {cui: facts_from_register(store, cui) for cui in cuis}
    assert sum(f is not None and bool(f.representatives) for f in batch.values()) >= 1


def test_reimporting_the_same_snapshot_changes_nothing(loaded, tmp_path: Path) -> None:
    store, _ = loaded
    before = dump(store)
    import_paths(store, [write_snapshot(tmp_path / "again")])
    assert dump(store) == before


def test_a_newer_snapshot_updates_in_place_and_records_status_changes(loaded, tmp_path) -> None:
    store, _ = loaded
    firme = [
        row.replace("TRADECENTER SRL^66815090^J2022", "TRADECENTER GRUP SRL^66815090^J2022")
        for row in FIRME_ROWS
    ]
    firme.append(
        "NOUA SRL^2816464^J2026000000100^^ROONRC.J2026000000100^SRL^România^Cluj^"
        "Cluj-Napoca^^^^^^^^^^^"
    )
    status = [r for r in STATUS_ROWS if not r.startswith("J2022000001360")]
    status += ["J2022000001360^1049", "J2026000000100^1048"]
    import_paths(
        store, [write_snapshot(tmp_path / "newer", "02-10-2026", firme=firme, status=status)]
    )
    row = registration(store, "J2022000001360")
    assert row["name"] == "TRADECENTER GRUP SRL" and row["status"] == "dissolution"
    assert store.scalar("SELECT COUNT(*) FROM registration") == len(FIRME_LINES) + 1
    changes = store.query("SELECT reg_number, snapshot, old_status, new_status FROM status_change")
    assert changes == [("J2022000001360", "2026-10-02", "active", "dissolution")]
    assert store.meta("snapshot") == "2026-10-02"
    seen = store.query(
        f"SELECT first_seen, last_seen FROM registration_view WHERE reg_number = {store.mark}",
        ("J2022000001360",),
    )
    assert seen == [("2026-09-02", "2026-10-02")]


def test_the_name_index_changes_are_those_of_names_places_and_states(loaded, tmp_path) -> None:
    store, _ = loaded
    register, position = index_position(store)
    assert register is not None
    import_paths(store, [write_snapshot(tmp_path / "again")])
    import_paths(store, [write_snapshot(tmp_path / "same rows, newer", "02-10-2026")])
    assert index_position(store) == (register, position)  # nothing the index holds changed
    firme = [
        row.replace(
            "TRADECENTER SRL^66815090^J2022", "TRADECENTER GRUP SRL^66815090^J2022"
        ).replace("Cluj-Napoca^Str. ŞCOLII", "Dej^Str. ŞCOLII")  # moved: another locality
        for row in FIRME_ROWS
    ]
    firme.append("NOUA SRL^^J2026000000100^^^SRL^România^Cluj^Cluj-Napoca^^^^^^^^^^^")
    status = [r.replace("J35/6/1993^1048", "J35/6/1993^1084") for r in STATUS_ROWS]
    status.remove("J2025000123000^1048")  # no code left: its state becomes unknown
    import_paths(store, [write_snapshot(tmp_path / "later", "02-11-2026", firme=firme)])
    assert sorted(index_changes(store, position)) == [
        "J12/2/2001",
        "J2022000001360",
        "J2026000000100",
    ]
    _, position = index_position(store)
    statuses = write_snapshot(tmp_path / "states", "02-11-2026", status=status)
    import_paths(store, [statuses / "firme-02-11-2026" / "OD_STARE_FIRMA.CSV"])
    assert sorted(index_changes(store, position)) == ["J2025000123000", "J35/6/1993"]
    assert index_position(store)[0] == register


def test_an_older_snapshot_does_not_overwrite_a_newer_one(loaded, tmp_path: Path) -> None:
    store, _ = loaded
    firme = [
        row.replace("TRADECENTER SRL^66815090^J2022", "VECHI SRL^66815090^J2022")
        for row in FIRME_ROWS
    ]
    import_paths(store, [write_snapshot(tmp_path / "older", "02-08-2026", firme=firme)])
    assert registration(store, "J2022000001360")["name"] == "TRADECENTER SRL"


def test_duplicate_register_numbers_are_kept_and_reported(store, tmp_path: Path) -> None:
    firme = [FIRME_ROWS[2], FIRME_ROWS[2].replace("CARDIOFORCE", "CARDIO FORCE")]
    result = import_paths(store, [write_snapshot(tmp_path / "d", firme=firme)])
    rows = store.query("SELECT dup, name, line FROM registration ORDER BY dup")
    assert rows == [(0, '" CARDIOFORCE SRL', 2), (1, '" CARDIO FORCE SRL', 3)]
    report = next(r for item, r in result.files if item.path.name == "OD_FIRME.CSV")
    assert report.warnings == {"duplicate register number": 1}


def test_old_layout_pipe_delimited_cp1250(store: RegisterStore, tmp_path: Path) -> None:
    header = (
        "DENUMIRE|CUI|COD_INMATRICULARE|EUID|STARE_FIRMA|ADRESA_COMPLETA|ADR_TARA|"
        "ADR_LOCALITATE|ADR_JUDET|ADR_DEN_STRADA|ADR_DEN_NR_STRADA|ADR_BLOC|ADR_SCARA|"
        "ADR_ETAJ|ADR_APARTAMENT|ADR_COD_POSTAL|ADR_SECTOR|ADR_COMPLETARE"
    )
    row = (
        "VECHE ŞI BUNĂ SRL|14399840|J12/2/2001|ROONRC.J12/2/2001|1048,1052|Cluj-Napoca|"
        "România|Cluj-Napoca|Cluj|Str. Şcolii|3||||| 400001||"
    )
    folder = tmp_path / "old-18-03-2025"
    folder.mkdir()
    (folder / "3firme_neradiate_cu_sediu_18-03-2025.csv").write_bytes(
        f"{header}\r\n{row}\r\n".encode("cp1250")
    )
    (folder / "5nomenclator_stari_firma.csv").write_bytes(
        "COD|DENUMIRE\r\n1048|funcţiune\r\n1052|lichidare\r\n".encode("cp1250")
    )
    import_paths(store, [folder])
    row_ = registration(store, "J12/2/2001")
    assert row_["name"] == "VECHE ȘI BUNĂ SRL"
    assert row_["street"] == "Str. Școlii" and row_["postal_code"] == "400001"
    assert row_["status"] == "liquidation" and row_["status_codes"] == "1048,1052"


def test_snapshot_date_from_the_dataset_name() -> None:
    assert str(snapshot_of(Path("/x/firme-02-09-2026/OD_FIRME.CSV"))) == "2026-09-02"
    assert snapshot_of(Path("/x/OD_FIRME.CSV")) is None


def test_a_personal_code_in_a_rejected_row_is_masked_everywhere(store, tmp_path) -> None:
    broken = [  # too many fields, and too few: rejected with the row's text as the excerpt
        f"POPESCU ION PFA^{CNP}^F40/101/2010^01/03/2010^^PFA^România^Cluj^Cluj^^^^^^^^^^^^^x",
        f"IONESCU DAN PFA^{CNP}^F40/102/2010",
    ]
    reports = tmp_path / "reports"
    result = import_paths(
        store,
        [write_snapshot(tmp_path / "data", firme=[*FIRME_ROWS, *broken])],
        reports_dir=reports,
    )
    problems = [str(p) for _, report in result.files for p in report.examples]
    assert any("F40/101/2010" in p and "too many fields" in p for p in problems)
    assert any("F40/102/2010" in p for p in problems)
    assert any(f"{CNP[0]}***********{CNP[-1]}" in p for p in problems)
    assert CNP not in repr(problems)
    assert all(CNP not in path.read_text(encoding="utf-8") for path in reports.iterdir())
    assert CNP not in repr(store.query("SELECT * FROM import_run"))
    # A register number or EUID of thirteen digits after its letter is no personal code.
    assert "J2022000001360" in repr(dump(store))


def test_a_personal_code_cut_by_the_excerpt_leaves_no_digits_behind() -> None:
    report = FileReport("OD_FIRME.CSV")
    report.reject(7, "too many fields", "x" * (EXCERPT_CHARS - 10) + f"^{CNP}^F40/100/2010")
    excerpt = report.examples[0].excerpt
    assert len(excerpt) == EXCERPT_CHARS and excerpt.endswith("^1********")


def test_a_row_with_a_nul_byte_is_rejected_and_the_rest_loaded(store, tmp_path) -> None:
    nul_row = "NUL\x00 SRL^^J12/77/2020^01/01/2020^^SRL^România^Cluj^Cluj-Napoca^^^^^^^^^^^"
    data = write_snapshot(
        tmp_path / "data",
        firme=[*FIRME_ROWS, nul_row],
        status=[*STATUS_ROWS, "J12/77/2020^10\x0048"],
    )
    result = import_paths(store, [data])
    reports = {item.path.name: report for item, report in result.files}
    for name in ("OD_FIRME.CSV", "OD_STARE_FIRMA.CSV"):
        assert reports[name].rejected["NUL byte in the row"] == 1, name
    problems = [str(p) for p in reports["OD_FIRME.CSV"].examples]
    assert any("NUL\\0 SRL" in p for p in problems)
    assert store.scalar("SELECT COUNT(*) FROM registration") == len(FIRME_LINES)
    assert not store.has_table("stage_registration")
