"""The layers keep their stores: SQL on the register only in ``registry/``, the CRM's tables
only through the ORM (its migrations aside, and ``crm/rows.py``, which writes the ORM's key
lookups from the models' own metadata and returns model instances)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "firmsync"
SQL = re.compile(
    r"\b(SELECT\s+[\w*(]|INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE\s+\w+\s+SET|"
    r"DELETE\s+FROM|CREATE\s+(TABLE|INDEX))",
    re.IGNORECASE,
)
ORM_LOOKUPS = ("crm", "rows.py")
# Advisory locks are a lease, not a table: PostgreSQL offers them only as functions. Its
# statistics views are the server's account of the tables, read to keep their plans good.
ALLOWED = re.compile(r"pg_(try_)?advisory|FROM pg_stat_user_tables")


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals and f-strings' text, without docstrings."""
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    skip = docs | parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values)
            found.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and type(node.value) is str and id(node) not in skip:
            found.append((node.lineno, node.value))
    return found


def sql_outside_registry(package: Path) -> list[str]:
    offences = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if parts[0] == "registry" or "migrations" in parts or parts == ORM_LOOKUPS:
            continue
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if SQL.search(text) and not ALLOWED.search(text):
                offences.append(f"{'/'.join(parts)}:{line}: {text[:60]!r}")
    return offences


def test_no_sql_outside_registry() -> None:
    assert sql_outside_registry(PACKAGE) == []


def test_the_check_finds_sql_where_it_should_not_be(tmp_path: Path) -> None:
    (tmp_path / "matching").mkdir()
    (tmp_path / "registry").mkdir()
    (tmp_path / "matching" / "m.py").write_text(
        '"""SELECT * FROM docstrings is fine."""\nq = f"SELECT name FROM {t}"\n'
    )
    (tmp_path / "registry" / "r.py").write_text('q = "SELECT name FROM registration"\n')
    assert sql_outside_registry(tmp_path) == ["matching/m.py:2: 'SELECT name FROM  x '"]
