"""The console script, through its real entry point and JSON output."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from firmsync.cli import cli
from firmsync.identity import cnp

from .registry.snapshot import CNP, STATUS_ROWS, write_snapshot


@pytest.fixture
def runner(register_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    return CliRunner()


@pytest.fixture
def imported(runner: CliRunner, tmp_path: Path) -> CliRunner:
    result = runner.invoke(cli, ["registry", "import", str(write_snapshot(tmp_path / "data"))])
    assert result.exit_code == 0, result.output
    assert "OD_FIRME.CSV: 9 loaded, 1 rejected" in result.output
    assert "OD_FIRME.CSV:12: rejected: too many fields" in result.output
    return runner


def test_show_json_is_one_company_facts_object(imported: CliRunner) -> None:
    result = imported.invoke(cli, ["registry", "show", "RO 66815090", "--json"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["cui"] == "66815090"
    assert facts["reg_number"] == "J2022000001360"
    assert facts["status"] == "active"
    assert facts["address"]["county"] == "Tulcea"
    assert facts["vat"] is None and facts["phone"] is None
    assert [r["reg_number"] for r in facts["registrations"]] == ["J2022000001360", "J03/1/2004"]
    assert facts["representatives"] == [{"name": "IONESCU MARIA", "role": "ADMINISTRATOR"}]
    assert facts["sources"]["reg_number"] == {"source": "register", "as_of": "2026-09-02"}
    assert "" not in facts.values()


def test_show_handles_the_unbalanced_quote_and_the_broken_row(imported: CliRunner) -> None:
    quoted = json.loads(imported.invoke(cli, ["registry", "show", "18547290", "--json"]).output)
    assert quoted["name"] == '" CARDIOFORCE SRL' and quoted["status"] == "insolvency"
    broken = json.loads(imported.invoke(cli, ["registry", "show", "2816464", "--json"]).output)
    assert broken["address"]["details"] == "ET. 2 CAMERA 3"
    text = imported.invoke(cli, ["registry", "show", "2816464"]).output
    assert "ALFA BETA SRL" in text


def test_show_exit_codes(imported: CliRunner) -> None:
    unknown = imported.invoke(cli, ["registry", "show", "14399832"])
    assert unknown.exit_code == 1 and "not in the register" in unknown.output
    invalid = imported.invoke(cli, ["registry", "show", "x"])
    assert invalid.exit_code == 2 and "not_a_number" in invalid.output
    wrong_digit = imported.invoke(cli, ["registry", "show", "18547291"])
    assert wrong_digit.exit_code == 0 and "OMEGA VECHE SRL" in wrong_digit.output


def test_stats_json(imported: CliRunner) -> None:
    result = imported.invoke(cli, ["registry", "stats", "--json"])
    data = json.loads(result.output)
    assert data["snapshot"] == "2026-09-02" and data["partial_snapshots"] == []
    assert data["registrations"] == 9
    assert data["by_status"]["active"] == 6
    assert data["cui_issues"] == {"empty": 2, "personal_code": 1, "wrong_check_digit": 1}
    assert data["financial_years"] == {"2025 uu": 1, "2024 uu": 2}
    assert data["rejected_rows"]["registrations: too many fields"] == 1


def test_stats_show_a_snapshot_not_all_in_as_partial(imported: CliRunner, tmp_path: Path) -> None:
    newer = write_snapshot(tmp_path / "newer", "02-10-2026") / "firme-02-10-2026"
    result = imported.invoke(cli, ["registry", "import", str(newer / "OD_FIRME.CSV")])
    assert result.exit_code == 0, result.output
    lacks = "OD_STARE_FIRMA, OD_CAEN_AUTORIZAT, OD_REPREZENTANTI_LEGALI"
    assert (
        f"snapshot 2026-10-02 is partial (has OD_FIRME; lacks {lacks}): "
        "the register stays at 2026-09-02"
    ) in result.output
    data = json.loads(imported.invoke(cli, ["registry", "stats", "--json"]).output)
    assert data["snapshot"] == "2026-09-02"
    assert data["partial_snapshots"] == [
        {"snapshot": "2026-10-02", "tables": ["OD_FIRME"], "missing": lacks.split(", ")}
    ]
    text = imported.invoke(cli, ["registry", "stats"]).output.splitlines()
    assert text[:2] == [
        "Snapshot:       2026-09-02",
        f"Partial:        2026-10-02: has OD_FIRME; lacks {lacks}",
    ]
    facts = json.loads(imported.invoke(cli, ["registry", "show", "66815090", "--json"]).output)
    assert facts["sources"]["status"]["as_of"] == "2026-09-02"
    result = imported.invoke(cli, ["registry", "import", str(newer)])  # the rest of it
    assert "is partial" not in result.output
    data = json.loads(imported.invoke(cli, ["registry", "stats", "--json"]).output)
    assert (data["snapshot"], data["partial_snapshots"]) == ("2026-10-02", [])
    assert not any(
        line.startswith("Partial")
        for line in imported.invoke(cli, ["registry", "stats"]).output.splitlines()
    )


def test_make_sample_then_import(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sample"
    made = runner.invoke(cli, ["registry", "make-sample", "--companies", "300", "--out", str(out)])
    assert made.exit_code == 0, made.output
    assert "OD_FIRME.CSV: 300 rows" in made.output
    imported = runner.invoke(cli, ["registry", "import", str(out)])
    assert imported.exit_code == 0
    assert "OD_FIRME.CSV: 300 loaded, 0 rejected" in imported.output
    assert "README.md: not an official file" in imported.output


def test_company_facts_json_round_trip(imported: CliRunner) -> None:
    from firmsync.sources.facts import CompanyFacts

    data = json.loads(imported.invoke(cli, ["registry", "show", "66815090", "--json"]).output)
    assert CompanyFacts.from_dict(data).to_dict() == data


def test_import_builds_the_name_index_and_match_prints_json(imported: CliRunner) -> None:
    result = imported.invoke(cli, ["match", "Lemnlind S.R.L.", "--county", "Cluj", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"decision", "cui", "reg_number", "probability", "candidates"}
    first = data["candidates"][0]
    assert (first["cui"], first["reg_number"], first["county"]) == (
        "14399840",
        "J12/2/2001",
        "Cluj",
    )
    assert set(first) == {
        "cui",
        "reg_number",
        "name",
        "county",
        "locality",
        "status",
        "probability",
        "reasons",
    }
    assert "county agrees" in first["reasons"] and len(data["candidates"]) <= 5
    assert data["decision"] in ("linked", "review")
    if data["decision"] == "linked":
        assert (data["cui"], data["probability"]) == ("14399840", first["probability"])
    table = imported.invoke(cli, ["match", "--county", "Cluj", "Lemnlind"])
    assert table.exit_code == 0 and "14399840" in table.output


def test_match_without_an_index_says_how_to_build_it(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["match", "ALFA SRL"])
    assert result.exit_code == 1 and "firmsync match build" in result.output
    names = tmp_path / "names.csv"
    names.write_text("name\nALFA SRL\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    bulk = runner.invoke(cli, ["match", "--file", str(names), "--out", str(out)])
    assert bulk.exit_code == 1 and "firmsync match build" in bulk.output
    assert "Traceback" not in bulk.output


def test_bulk_match_file_on_two_processes(imported: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "Name,County\nLemnlind SRL,Cluj\nTradecenter,\nAlfa Beta SRL,Iași\nZQXWV NIMIC SRL,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = imported.invoke(
        cli, ["match", "--file", str(source), "--out", str(out), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == [
        "Lemnlind SRL",
        "Tradecenter",
        "Alfa Beta SRL",
        "ZQXWV NIMIC SRL",
    ]
    assert list(rows[0]) == ["name", "county", "decision", "cui", "reg_number", "probability"]
    assert rows[3]["decision"] == "none" and rows[3]["cui"] == ""
    for row in rows:
        assert row["decision"] in ("linked", "review", "none")
        assert (row["cui"] != "") == (row["decision"] == "linked")
    missing = tmp_path / "bad.csv"
    missing.write_text("firma\nALFA\n", encoding="utf-8")
    refused = imported.invoke(cli, ["match", "--file", str(missing), "--out", str(out)])
    assert refused.exit_code == 2 and "no 'name' column" in refused.output


def test_match_build_and_evaluate_on_a_sample(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sample"
    assert (
        runner.invoke(
            cli, ["registry", "make-sample", "--companies", "1500", "--out", str(out)]
        ).exit_code
        == 0
    )
    assert runner.invoke(cli, ["registry", "import", str(out)]).exit_code == 0
    built = runner.invoke(cli, ["match", "build"])
    assert built.exit_code == 0 and "name index: 1,500 registrations" in built.output
    result = runner.invoke(cli, ["match", "evaluate", "--present", "60", "--absent", "15"])
    assert result.exit_code == 0, result.output
    assert result.output.count("auto-link precision") == 2
    assert "# with county and locality" in result.output
    assert "queries: 60 present, 15 absent" in result.output


def test_an_import_of_no_names_leaves_the_name_index_as_it_was(
    imported: CliRunner, tmp_path: Path
) -> None:
    meta = tmp_path / "var" / "names" / "meta.json"
    built = meta.stat().st_mtime_ns
    financials = tmp_path / "data" / "situatii_financiare_2025"
    result = imported.invoke(cli, ["registry", "import", str(financials)])
    assert result.exit_code == 0, result.output
    assert "name index: unchanged" in result.output and meta.stat().st_mtime_ns == built
    statuses = tmp_path / "data" / "firme-02-09-2026" / "OD_STARE_FIRMA.CSV"
    result = imported.invoke(cli, ["registry", "import", str(statuses)])  # the same statuses
    assert "name index: unchanged" in result.output and meta.stat().st_mtime_ns == built
    struck_off = [r.replace("J35/6/1993^1048", "J35/6/1993^1084") for r in STATUS_ROWS]
    newer = write_snapshot(tmp_path / "newer", "02-10-2026", status=struck_off)
    statuses = newer / "firme-02-10-2026" / "OD_STARE_FIRMA.CSV"
    result = imported.invoke(cli, ["registry", "import", str(statuses)])
    assert "name index: 1 registrations updated" in result.output  # the index follows
    assert meta.stat().st_mtime_ns != built


def test_a_file_that_would_empty_a_table_is_refused_and_changes_nothing(
    imported: CliRunner, tmp_path: Path
) -> None:
    def stats() -> dict[str, object]:
        return json.loads(imported.invoke(cli, ["registry", "stats", "--json"]).output)

    before = stats()
    header_only = write_snapshot(tmp_path / "later", "02-10-2026", status=[])
    status = header_only / "firme-02-10-2026" / "OD_STARE_FIRMA.CSV"
    result = imported.invoke(cli, ["registry", "import", str(status)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Refused: paths: OD_STARE_FIRMA.CSV: 0 rows would replace 9 (under half); "
        "nothing changed (--allow-shrink imports it anyway)"
    )
    assert "Traceback" not in result.output
    assert stats() == before
    firme = header_only / "firme-02-10-2026" / "OD_FIRME.CSV"
    firme.write_text(firme.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert imported.invoke(cli, ["registry", "import", str(firme)]).exit_code == 2
    assert stats()["snapshot"] == before["snapshot"]  # the date stays where the rows are
    allowed = imported.invoke(cli, ["registry", "import", "--allow-shrink", str(status)])
    assert allowed.exit_code == 0, allowed.output
    assert stats()["by_status"] == {"unknown": before["registrations"]}


def test_what_the_command_writes_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import os
    import stat
    import subprocess
    import sys

    data = tmp_path / "var"
    env = {
        **os.environ,
        "FIRMSYNC_DATA_DIR": str(data),
        "FIRMSYNC_REGISTER_URL": f"sqlite:///{data}/registry.sqlite3",
    }
    firmsync = str(Path(sys.executable).with_name("firmsync"))
    snapshot = write_snapshot(tmp_path / "data")
    subprocess.run([firmsync, "registry", "import", str(snapshot)], env=env, check=True)
    written = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name == "registry.sqlite3" for p in written)
    assert any(p.parent.name == "import-reports" for p in written)
    assert any(p.parent.name == "register-files" for p in written)
    for path in [data, *written]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("OD_STARE_FIRMA.CSV", bytes(range(256)) * 40),  # random bytes
        ("OD_STARE_FIRMA.CSV", "COD_INMATRICULARE^COD\r\nJ40/1/2000^1048\r\n".encode("utf-16")),
        ("OD_FIRME.CSV", b"A^B^C\r\n1^2^3\r\n"),  # columns of another file
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_in_one_line(
    imported: CliRunner, tmp_path: Path, name: str, content: bytes
) -> None:
    from firmsync.registry.store import RegisterStore

    before = imported.invoke(cli, ["registry", "stats", "--json"]).output
    path = tmp_path / "bad" / name
    path.parent.mkdir()
    path.write_bytes(content)
    result = imported.invoke(cli, ["registry", "import", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Refused: paths: {name}: missing column(s)")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert imported.invoke(cli, ["registry", "stats", "--json"]).output == before
    import os

    store = RegisterStore(os.environ["FIRMSYNC_REGISTER_URL"])
    try:
        assert not [t for t in ("stage_status_code", "stage_registration") if store.has_table(t)]
    finally:
        store.close()


def test_a_personal_code_in_a_clicks_own_error_is_masked(runner: CliRunner) -> None:
    refused = runner.invoke(cli, ["registry", "import", CNP])  # no such file
    assert refused.exit_code == 2 and cnp.mask(CNP) in refused.output, refused.output
    assert CNP not in refused.output
