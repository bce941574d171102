"""``firmsync company import`` and ``company export``: a list in, the cards out, bad input
refused in one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from firmsync.cli import cli
from firmsync.registry.store import RegisterStore

from .conftest import CARDIOFORCE, TRADECENTER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def runner(register: RegisterStore, register_url: str, tmp_path: Path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("FIRMSYNC_REGISTER_URL", register_url)
    monkeypatch.setenv("FIRMSYNC_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()
    _ok(runner, "account", "create", "Acme", "--admin", "ana@acme.ro")
    return runner


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "clienti.csv"
    path.write_text(
        "Nr.;Firma;Cod fiscal;Oraș\n"
        f"1;Trade;RO {TRADECENTER};Tulcea\n"
        "2;Typo;18547291;\n"
        f"3;Trade again;{TRADECENTER};\n"
        f"4;Cardio;{CARDIOFORCE};București\n",
        encoding="utf-8-sig",
    )
    return path


def test_the_preview_changes_nothing_and_the_import_reports_each_row(
    runner: CliRunner, listing: Path
) -> None:
    preview = _ok(runner, "company", "import", "Acme", str(listing), "--preview")
    assert "Mapping: name ← 'Firma', cui_input ← 'Cod fiscal', locality ← 'Oraș'" in preview
    assert "line 4: duplicate of line 2" in preview
    assert "4 rows: 2 would be created, 1 duplicates, 1 invalid (nothing changed)" in preview
    exported = _ok(runner, "company", "export", "Acme")
    assert exported.count("\n") == 1  # the header alone: the preview created nothing

    shown = _ok(runner, "company", "import", "Acme", str(listing))
    lines = shown.splitlines()
    assert lines[0] == "Read as CSV, UTF-8 with BOM, ';'-separated."
    assert lines[2:] == [
        "line 3: invalid cui_input: 18547291 is not a valid CUI (the check digit is wrong); "
        "type x to stop syncing this card",
        "line 4: duplicate of line 2",
        "4 rows: 2 created, 1 duplicates, 1 invalid",
    ]
    again = json.loads(_ok(runner, "company", "import", "Acme", str(listing), "--json"))
    assert again["totals"] == {"rows": 4, "created": 0, "duplicate": 3, "invalid": 1}
    assert [row["duplicate_of_card"] is not None for row in again["rows"]] == [
        True,
        False,
        True,
        True,
    ]
    kept = _ok(runner, "company", "import", "Acme", str(listing), "--keep-duplicates")
    assert "4 rows: 3 created, 0 duplicates, 1 invalid" in kept
    assert re.search(r"^line 2: created \(card \d+\), a duplicate of card \d+$", kept, re.M)


def test_a_users_mapping_overrides_the_guess(runner: CliRunner, listing: Path) -> None:
    shown = _ok(
        runner,
        "company",
        "import",
        "Acme",
        str(listing),
        "--map",
        "notes=Nr.",
        "--map",
        "locality=",
        "--preview",
        "--json",
    )
    preview = json.loads(shown)
    assert preview["mapping"] == {"name": "Firma", "cui_input": "Cod fiscal", "notes": "Nr."}
    assert preview["rows"][0]["fields"]["notes"] == "1"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--map", "name"], "Refused: mapping: 'name': write field=Column (name=Denumire)"),
        (["--map", "name="], "Refused: mapping: no column for the card's name"),
        (["--map", "name=Nume"], "Refused: mapping: no column 'Nume' in the file"),
        (["--map", "name=Firma", "--map", "name=Oraș"], "Refused: mapping: name is mapped twice"),
    ],
)
def test_a_bad_mapping_is_refused_in_one_line(
    runner: CliRunner, listing: Path, args: list[str], line: str
) -> None:
    result = runner.invoke(cli, ["company", "import", "Acme", str(listing), *args])
    assert result.exit_code == 2 and result.stderr.startswith(line), result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_a_file_that_is_not_a_table_is_refused_in_one_line(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "photo.csv").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "empty.xlsx").write_bytes(b"")
    for name, says in (
        ("photo.csv", "binary data"),
        ("empty.xlsx", "the file is empty"),
        ("absent.csv", "no such file"),
    ):
        result = runner.invoke(cli, ["company", "import", "Acme", str(tmp_path / name)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("Refused: file: ") and says in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    unknown = runner.invoke(cli, ["company", "import", "Nobody", str(tmp_path / "photo.csv")])
    assert unknown.exit_code == 1 and unknown.stderr == "Error: no account named 'Nobody'\n"


def test_export_to_stdout_and_to_an_xlsx_file(
    runner: CliRunner, listing: Path, tmp_path: Path
) -> None:
    _ok(runner, "company", "import", "Acme", str(listing))
    result = runner.invoke(cli, ["company", "export", "Acme", "--romanian", "--semicolon"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"\xef\xbb\xbfID;Denumire;")
    assert "Trade;RO 66815090" in result.stdout
    path = tmp_path / "out.xlsx"
    shown = _ok(runner, "company", "export", "Acme", "--format", "xlsx", "-o", str(path))
    assert shown == f"2 cards written to {path}.\n"
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]][:3] == ["ID", "Name", "CUI"]
    assert sheet.max_row == 3 and list(tmp_path.glob(".*.part")) == []
    refused = runner.invoke(cli, ["company", "export", "Acme", "--format", "xlsx"])
    assert refused.exit_code == 2 and "-o FILE" in refused.stderr
    bad = runner.invoke(cli, ["company", "export", "Acme", "--state", "odd", "-o", str(path)])
    assert bad.exit_code == 2 and bad.stderr.startswith("Refused: state: must be one of")
    assert load_workbook(path).active.max_row == 3  # the earlier file is untouched
