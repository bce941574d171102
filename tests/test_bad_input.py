"""Every bad input: one line, a non-zero exit, nothing changed (issue 16).

Each case runs a command line through the console script's own function
(:func:`firmsync.cli.main`) against a data folder with an imported register and a CRM with
two accounts, the add-on on for one, synced cards and a token. It checks the exit code (2 bad
input, 1 not found or exists already: :data:`firmsync.cli.edge.EXIT`), one line on stderr and
nothing on stdout, no traceback, and a digest of every row of every table of the CRM and of
the register, taken before and after. A case that types a personal numeric code (CNP) also
checks that the code is shown masked, never whole.

The CRM is made once for the module and each case runs in a transaction rolled back after
it; what a case wrongly wrote is still seen by the digest, which reads through the same
connection before the rollback.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import random
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from firmsync.cli import main
from firmsync.identity import cui as cui_id
from firmsync.registry.sample import FIRME_HEADER
from firmsync.registry.store import RegisterStore

from .conftest import fresh_register_url
from .registry.snapshot import write_snapshot

pytestmark = pytest.mark.django_db

CNP = "1850304410011"  # a valid personal numeric code, typed where a CUI belongs
CNP_BAD_CHECK = "1850304410012"  # 13 digits like a CNP, its check digit wrong
TRADECENTER = "66815090"  # in the test snapshot
RANDOM = random.Random(16).randbytes(4096)
STATUS_HEADER = "COD_INMATRICULARE^COD"


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(*args: str) -> Ran:
    """``firmsync ARGS`` as the console script runs it: its exit code and what it printed. An
    exception that escapes is printed as the interpreter prints it, with exit code 1."""
    runner = CliRunner()
    umask = os.umask(0o077)  # main() sets the command's; the test process gets its own back
    os.umask(umask)
    with runner.isolation() as (stdout, stderr, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except Exception:
            traceback.print_exc()  # what the interpreter prints for an uncaught exception
            code = 1
        finally:
            os.umask(umask)
            sys.stdout.flush()  # (what print() left in the streams' buffers)
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return Ran(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def ok(*args: str) -> str:
    ran = run(*args)
    assert ran.code == 0, ran.output
    return ran.stdout


# --- the checksums ---------------------------------------------------------------------------


def _digest(rows: list[tuple[Any, ...]]) -> str:
    digest = hashlib.sha256(str(len(rows)).encode())
    for line in sorted(repr(row) for row in rows):
        digest.update(b"\n" + line.encode())
    return digest.hexdigest()


def crm_checksum() -> dict[str, str]:
    """A digest of every row of every table of the CRM (Django's ``default`` database), by
    table: a difference names the table."""
    from django.db import connection

    quote = connection.ops.quote_name
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            digests[f"crm {table}"] = _digest([tuple(row) for row in cursor.fetchall()])
    return digests


def register_checksum(url: str, data: Path) -> dict[str, str]:
    """A digest of every row of every table of the register, by table; and of the files the
    next import reads where they differ (``register-files``) and of the name index's
    description of itself."""
    store = RegisterStore(url, create=False)
    try:
        if store.dialect == "postgresql":
            tables = store.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        else:
            tables = store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        digests = {
            f"register {table}": _digest(store.query(f'SELECT * FROM "{table}"'))
            for (table,) in tables
        }
    finally:
        store.close()
    for path in [*(data / "register-files").rglob("*"), data / "names" / "meta.json"]:
        if path.is_file():
            digests[f"file {path.relative_to(data)}"] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return digests


# --- the world the cases run in --------------------------------------------------------------


@dataclass
class World:
    register_url: str
    data: Path
    ids: dict[str, str] = field(default_factory=dict)

    def checksums(self) -> dict[str, str]:
        return crm_checksum() | register_checksum(self.register_url, self.data)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: Any,
) -> Iterator[World]:
    """An imported register and its name index; accounts Acme (professional, the add-on
    on, three synced cards and one typed with ``x`` after) and Mic (standard, one card); a
    token. Made outside the cases' transactions, removed when the module is done."""
    root = tmp_path_factory.mktemp("bad-input")
    with fresh_register_url(root) as url, pytest.MonkeyPatch.context() as env:
        env.setenv("FIRMSYNC_REGISTER_URL", url)
        env.setenv("FIRMSYNC_DATA_DIR", str(root / "var"))
        env.setenv("FIRMSYNC_SOURCES", "register")
        env.delenv("FIRMSYNC_OPENAPI_KEY", raising=False)
        assert "9 loaded" in ok("registry", "import", str(write_snapshot(root / "snapshot")))
        with django_db_blocker.unblock():
            ok("account", "create", "Acme", "--plan", "professional", "--admin", "ana@acme.ro")
            ok("account", "create", "Mic", "--admin", "bo@mic.ro")
            trade = ok("company", "add", "Acme", "--name", "Trade", "--cui", TRADECENTER)
            ok("company", "add", "Acme", "--name", "Lemn", "--cui", "RO 14399840")
            ok("company", "add", "Acme", "--name", "Alfa Beta SRL", "--county", "Iași")
            ok("company", "add", "Mic", "--name", "Cardio", "--cui", "18547290")
            ok("addon", "activate", "Acme")
            assert "3 cards: 3 synced" in ok("sync", "run", "--account", "Acme")
            ok("company", "add", "Acme", "--name", "Oprit", "--cui", "x")
            ok("token", "create", "ana@acme.ro", "--name", "CI")
            from firmsync.crm.models import ApiToken, Company

            last_card = Company.objects.order_by("-pk").first()
            last_token = ApiToken.objects.order_by("-pk").first()
            assert last_card is not None and last_token is not None
            ids = {
                "trade": trade.split()[1].rstrip(":"),
                "no_card": str(last_card.pk + 1000),
                "no_token": str(last_token.pk + 1000),
            }
        try:
            yield World(url, root / "var", ids)
        finally:
            from django.core.management import call_command

            with django_db_blocker.unblock():
                call_command("flush", interactive=False, verbosity=0)


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    code: int
    says: str  # a fragment of the one line
    files: dict[str, bytes] = field(default_factory=dict)


def case(
    name: str, *args: str, code: int = 2, says: str, files: dict[str, bytes] | None = None
) -> Any:
    return pytest.param(Case(args, code, says, files or {}), id=name)


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Clienti"
    book.active.append(["Denumire", "CUI"])
    book.active.append(["Alfa SRL", "18547290"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _crlf(*lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode("utf-8")


LONG = "N" * 301
REGISTER = "registry", "import"
LIST = "company", "import", "Acme"
ADD = "company", "add", "Acme"
SETTINGS = "addon", "settings", "Acme"
LOOKUP = "lookup", "--source", "register"
CASES = [
    # The register's files: refused whole, in one line, before a row is read.
    case(
        "register-random-bytes",
        *REGISTER,
        "{dir}/OD_FIRME.CSV",
        says="OD_FIRME.CSV: missing column(s)",
        files={"OD_FIRME.CSV": RANDOM},
    ),
    case(
        "register-utf16",
        *REGISTER,
        "{dir}/OD_STARE_FIRMA.CSV",
        says="OD_STARE_FIRMA.CSV: missing column(s)",
        files={"OD_STARE_FIRMA.CSV": f"{STATUS_HEADER}\r\nJ40/1/2000^1048\r\n".encode("utf-16")},
    ),
    case(
        "register-empty-file",
        *REGISTER,
        "{dir}/OD_FIRME.CSV",
        says="OD_FIRME.CSV: missing column(s)",
        files={"OD_FIRME.CSV": b""},
    ),
    case(
        "register-header-only",
        *REGISTER,
        "{dir}/OD_STARE_FIRMA.CSV",
        says="0 rows would replace 9 (under half)",
        files={"OD_STARE_FIRMA.CSV": _crlf(STATUS_HEADER)},
    ),
    case(
        "register-firme-header-only",
        *REGISTER,
        "{dir}/OD_FIRME.CSV",
        says="0 rows would replace 9 (under half)",
        files={"OD_FIRME.CSV": _crlf(FIRME_HEADER)},
    ),
    case(
        "register-wrong-columns",
        *REGISTER,
        "{dir}/OD_FIRME.CSV",
        says="OD_FIRME.CSV: missing column(s) DENUMIRE",
        files={"OD_FIRME.CSV": _crlf("A^B^C", "1^2^3")},
    ),
    case(
        "register-wrong-delimiter",
        *REGISTER,
        "{dir}/OD_STARE_FIRMA.CSV",
        says="OD_STARE_FIRMA.CSV: missing column(s)",
        files={"OD_STARE_FIRMA.CSV": _crlf("COD_INMATRICULARE,COD", "J40/630/1992,1048")},
    ),
    case(
        "register-folder-of-nothing-known",
        *REGISTER,
        "{dir}",
        says="no official files found",
        files={"notes.txt": b"hello\n", "OTHER.CSV": _crlf("A^B", "1^2")},
    ),
    case("register-empty-folder", *REGISTER, "{dir}", says="no official files found"),
    case("register-no-such-path", *REGISTER, "{dir}/absent", says="absent: no such file"),
    case(
        "register-mf-without-its-description",
        *REGISTER,
        "{dir}/web_uu_an2024.txt",
        says="no column-description file beside it",
        files={"web_uu_an2024.txt": b"CUI,CAEN,I1\n1,2,3\n"},
    ),
    # A client list (company import): refused whole, no card made.
    case(
        "list-random-bytes",
        *LIST,
        "{dir}/clients.csv",
        says="binary data, not a text table",
        files={"clients.csv": RANDOM},
    ),
    case(
        "list-broken-utf16",
        *LIST,
        "{dir}/clients.csv",
        says="starts as UTF-16 but is not",
        files={"clients.csv": codecs.BOM_UTF16_LE + "Denumire;CUI".encode("utf-16-le") + b"\x00"},
    ),
    case(
        "list-empty-file",
        *LIST,
        "{dir}/clients.csv",
        says="the file is empty",
        files={"clients.csv": b""},
    ),
    case(
        "list-header-only",
        *LIST,
        "{dir}/clients.csv",
        says="a header but no rows under it",
        files={"clients.csv": _crlf("Denumire;CUI")},
    ),
    case(
        "list-wrong-columns",
        *LIST,
        "{dir}/clients.csv",
        says="no column for the card's name",
        files={"clients.csv": _crlf("Foo;Bar", "1;2")},
    ),
    case(
        "list-wrong-delimiter",
        *LIST,
        "{dir}/clients.csv",
        says="no column for the card's name",
        files={"clients.csv": _crlf("Denumire^CUI", "Alfa SRL^18547290")},
    ),
    case(
        "list-no-header",
        *LIST,
        "{dir}/clients.csv",
        says="no header: the first line holds data",
        files={"clients.csv": _crlf("Alfa SRL;18547290", "Beta SRL;14399840")},
    ),
    case(
        "list-xls",
        *LIST,
        "{dir}/clients.xls",
        says="Excel 97-2003",
        files={"clients.xls": b"\xd0\xcf\x11\xe0" + RANDOM},
    ),
    case(
        "list-not-an-xlsx",
        *LIST,
        "{dir}/clients.xlsx",
        says="not an XLSX workbook",
        files={"clients.xlsx": RANDOM},
    ),
    case(
        "list-unknown-sheet",
        *LIST,
        "{dir}/clients.xlsx",
        "--sheet",
        "Nope",
        says="no sheet 'Nope'",
        files={"clients.xlsx": _xlsx()},
    ),
    case(
        "list-pdf",
        *LIST,
        "{dir}/clients.pdf",
        says="not a CSV or XLSX file",
        files={"clients.pdf": b"%PDF-1.4\n" + RANDOM},
    ),
    case("list-a-folder", *LIST, "{dir}", says="not a file"),
    case("list-no-such-file", *LIST, "{dir}/absent.csv", says="no such file"),
    case(
        "list-map-without-equals",
        *LIST,
        "{dir}/clients.csv",
        "--map",
        "name",
        says="write field=Column",
        files={"clients.csv": _crlf("Denumire;CUI", "Alfa SRL;18547290")},
    ),
    case(
        "list-map-to-a-missing-column",
        *LIST,
        "{dir}/clients.csv",
        "--map",
        "name=Nume",
        says="no column 'Nume' in the file",
        files={"clients.csv": _crlf("Denumire;CUI", "Alfa SRL;18547290")},
    ),
    case(
        "list-map-a-synchronised-field",
        *LIST,
        "{dir}/clients.csv",
        "--map",
        "legal_name=Denumire",
        says="'legal_name' is not a field a list fills",
        files={"clients.csv": _crlf("Denumire;CUI", "Alfa SRL;18547290")},
    ),
    case(
        "list-unknown-account",
        "company",
        "import",
        "Nimeni",
        "{dir}/clients.csv",
        code=1,
        says="no account named 'Nimeni'",
        files={"clients.csv": _crlf("Denumire;CUI", "Alfa SRL;18547290")},
    ),
    # A card by hand.
    case("add-empty-name", *ADD, "--name", "", says="name: a card needs a name"),
    case("add-blank-name", *ADD, "--name", "  \t ", says="name: a card needs a name"),
    case("add-long-name", *ADD, "--name", LONG, says="name: at most 300 characters, not 301"),
    case(
        "add-long-locality",
        *ADD,
        "--name",
        "Ok",
        "--locality",
        "L" * 121,
        says="locality: at most 120 characters",
    ),
    case("add-long-country", *ADD, "--name", "Ok", "--country", "ROU", says="country: at most 2"),
    case("add-long-cui", *ADD, "--name", "Ok", "--cui", "1" * 41, says="cui_input: at most 40"),
    case(
        "add-cui-check-digit",
        *ADD,
        "--name",
        "Ok",
        "--cui",
        "18547291",
        says="18547291 is not a valid CUI (the check digit is wrong); type x",
    ),
    case(
        "add-cui-check-digit-with-ro",
        *ADD,
        "--name",
        "Ok",
        "--cui",
        "RO 1854 7291",
        says="not a valid CUI (the check digit is wrong)",
    ),
    case("add-cnp", *ADD, "--name", "Ok", "--cui", CNP, says="not a valid CUI"),
    case("add-cnp-bad-check", *ADD, "--name", "Ok", "--cui", CNP_BAD_CHECK, says="not a valid"),
    case(
        "add-unknown-account",
        "company",
        "add",
        "Nimeni",
        "--name",
        "Ok",
        code=1,
        says="no account named 'Nimeni'",
    ),
    # Cards by id.
    case("show-unknown-card", "company", "show", "{no_card}", code=1, says="no card"),
    case("show-card-beyond-any-id", "company", "show", "9" * 20, code=1, says="no card"),
    case("delete-unknown-card", "company", "delete", "{no_card}", code=1, says="no card"),
    case("link-unknown-card", "company", "link", "{no_card}", TRADECENTER, code=1, says="no card"),
    case("link-bad-cui", "company", "link", "{trade}", "18547291", says="not a valid CUI"),
    case("link-cnp", "company", "link", "{trade}", CNP, says="not a valid CUI"),
    case(
        "link-not-a-candidate",
        "company",
        "link",
        "{trade}",
        "14399840",
        says="not one of the card's candidates",
    ),
    # Export.
    case(
        "export-xlsx-to-stdout",
        "company",
        "export",
        "Acme",
        "--format",
        "xlsx",
        says="output: an XLSX is written to a file",
    ),
    case(
        "export-unknown-state",
        "company",
        "export",
        "Acme",
        "--state",
        "gata",
        says="state: must be one of",
    ),
    case(
        "export-into-a-missing-folder",
        "company",
        "export",
        "Acme",
        "-o",
        "{dir}/absent/out.csv",
        says="output:",
    ),
    case(
        "export-onto-a-folder",
        "company",
        "export",
        "Acme",
        "-o",
        "{dir}",
        says="a folder; name the file to write",
    ),
    # Usage and syncing.
    case("usage-month-13", "usage", "Acme", "--month", "2026-13", says="month: must be YYYY-MM"),
    case("usage-month-00", "usage", "Acme", "--month", "2026-00", says="month: must be YYYY-MM"),
    case("usage-month-words", "usage", "Acme", "--month", "abc", says="month: must be YYYY-MM"),
    case("usage-month-year-0", "usage", "Acme", "--month", "0000-01", says="month:"),
    case("usage-unknown-account", "usage", "Nimeni", code=1, says="no account named"),
    # click's own checks of the command line: one line too, naming the option.
    case("sync-batch-not-a-number", "sync", "run", "--batch", "abc", says="'--batch'"),
    case("company-show-not-an-id", "company", "show", "abc", says="'CARD_ID'"),
    case(
        "account-plan-unknown",
        "account",
        "create",
        "Z",
        "--admin",
        "z@z.ro",
        "--plan",
        "gold",
        says="'--plan'",
    ),
    case(
        "registry-import-bad-snapshot",
        *REGISTER,
        "{dir}",
        "--snapshot",
        "2026-13-01",
        says="'--snapshot'",
    ),
    case("company-add-missing-name", *ADD, says="'--name'"),
    case("unknown-command", "registri", "stats", says="registri"),
    case("sync-batch-0", "sync", "run", "--batch", "0", says="batch: must be 1 to 1,000 cards"),
    case("sync-batch-negative", "sync", "run", "--batch", "-1", says="batch: must be 1 to 1,000"),
    case("sync-batch-huge", "sync", "run", "--batch", "100000", says="batch: must be 1 to 1,000"),
    case("sync-unknown-account", "sync", "run", "--account", "Nimeni", code=1, says="no account"),
    # The add-on.
    case("activate-unknown-account", "addon", "activate", "Nimeni", code=1, says="no account"),
    case("activate-standard-plan", "addon", "activate", "Mic", says="needs the Professional plan"),
    case(
        "deactivate-standard-plan",
        "addon",
        "deactivate",
        "Mic",
        "--yes",
        says="needs the Professional plan",
    ),
    case(
        "deactivate-unknown-account",
        "addon",
        "deactivate",
        "Nimeni",
        "--yes",
        code=1,
        says="no account",
    ),
    case("refresh-days-0", *SETTINGS, "--refresh-days", "0", says="refresh_days: must be from 1"),
    case("refresh-days-31", *SETTINGS, "--refresh-days", "31", says="refresh_days: must be from"),
    case("cap-negative", *SETTINGS, "--cap", "-1", says="monthly_cap:"),
    case("cap-huge", *SETTINGS, "--cap", "99999999999999999999", says="monthly_cap:"),
    case("cap-and-no-cap", *SETTINGS, "--cap", "5", "--no-cap", says="cap:"),
    case("settings-unknown-account", "addon", "settings", "Nimeni", code=1, says="no account"),
    # Accounts, members and tokens.
    case("account-empty-name", "account", "create", " ", "--admin", "a@b.ro", says="name:"),
    case(
        "account-long-name",
        "account",
        "create",
        "A" * 201,
        "--admin",
        "a@b.ro",
        says="name: at most 200 characters",
    ),
    case(
        "account-bad-email",
        "account",
        "create",
        "Nou",
        "--admin",
        "nu-e-adresa",
        says="email: 'nu-e-adresa' is not an e-mail address",
    ),
    case(
        "account-long-email",
        "account",
        "create",
        "Nou",
        "--admin",
        "e" * 200 + "@acme.ro",
        says="email: at most",
    ),
    case(
        "account-exists",
        "account",
        "create",
        "Acme",
        "--admin",
        "ana@acme.ro",
        code=1,
        says="exists already",
    ),
    case("member-bad-email", "account", "add-member", "Acme", "x", says="is not an e-mail address"),
    case(
        "member-twice",
        "account",
        "add-member",
        "Acme",
        "ana@acme.ro",
        code=1,
        says="is a member of 'Acme' already",
    ),
    case("token-empty-email", "token", "create", "", says="email:"),
    case("token-not-a-member", "token", "create", "ion@acme.ro", code=1, says="is not a member"),
    case(
        "token-member-of-another-account",
        "token",
        "create",
        "ana@acme.ro",
        "--account",
        "Mic",
        code=1,
        says="is not a member of 'Mic'",
    ),
    case("token-long-name", "token", "create", "ana@acme.ro", "--name", LONG, says="name: at most"),
    case("token-revoke-unknown", "token", "revoke", "{no_token}", code=1, says="no token"),
    case("token-list-unknown-account", "token", "list", "--account", "Nimeni", code=1, says="no"),
    # The register by CUI and by name.
    case("registry-show-letters", "registry", "show", "x", says="'x' is not a valid CUI"),
    case("registry-show-check-digit", "registry", "show", "18547292", says="wrong_check_digit"),
    case("registry-show-cnp", "registry", "show", CNP, says="personal_code"),
    case("registry-show-too-long", "registry", "show", "12345678901", says="invalid_length"),
    case(
        "registry-update-portal-not-a-url",
        "registry",
        "update",
        "--portal",
        "data.gov.ro",
        says="is not an http(s) URL of a data portal",
    ),
    case(
        "registry-update-check-portal-ftp",
        "registry",
        "update",
        "--check",
        "--portal",
        "ftp://data.gov.ro",
        says="is not an http(s) URL of a data portal",
    ),
    case("lookup-letters", *LOOKUP, "x", says="'x' is not a valid CUI"),
    case("lookup-check-digit", *LOOKUP, "14399841", says="check digit is wrong"),
    case("lookup-cnp-bad-check", *LOOKUP, CNP_BAD_CHECK, says="not a valid CUI"),
    case("lookup-one-bad-of-two", *LOOKUP, TRADECENTER, "123", says="'123' is not a valid CUI"),
    case("lookup-all-sources-empty", "lookup", "", says="is not a valid CUI"),
    case(
        "lookup-openapi-without-key",
        "lookup",
        "--source",
        "openapi",
        TRADECENTER,
        says="openapi.ro needs a key",
    ),
    case("match-empty-name", "match", "", says="name: type a company name"),
    case("match-blank-name", "match", "   ", "--county", "Cluj", says="name: type a company"),
    case(
        "match-file-random-bytes",
        "match",
        "--file",
        "{dir}/names.csv",
        "--out",
        "{dir}/out.csv",
        says="file:",
        files={"names.csv": RANDOM},
    ),
    case(
        "match-file-without-names",
        "match",
        "--file",
        "{dir}/names.csv",
        "--out",
        "{dir}/out.csv",
        says="no 'name' column",
        files={"names.csv": _crlf("firma", "ALFA")},
    ),
]


@pytest.mark.parametrize("bad", CASES)
def test_a_bad_input_is_refused_in_one_line_and_changes_nothing(
    bad: Case, world: World, tmp_path: Path
) -> None:
    for name, content in bad.files.items():
        (tmp_path / name).write_bytes(content)
    args = [arg.format(dir=tmp_path, **world.ids) for arg in bad.args]
    before = world.checksums()

    ran = run(*args)

    assert "Traceback" not in ran.output, ran.output
    assert ran.code == bad.code, ran.output
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and ran.stdout == "", ran.output
    assert lines[0].startswith("Refused: " if bad.code == 2 else "Error: "), lines[0]
    assert bad.says in lines[0], lines[0]
    for code in (CNP, CNP_BAD_CHECK):
        if code in bad.args:
            assert code not in ran.output and cui_id.shown(code) in ran.output, ran.output
    after = world.checksums()
    assert [t for t in sorted(before.keys() | after.keys()) if before.get(t) != after.get(t)] == []
    assert not (tmp_path / "out.csv").exists()  # match --file wrote no half file


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40
