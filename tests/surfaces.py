"""What the surfaces (CLI, API, web) may not do: touch a model, a manager or a transaction
themselves; only services and selectors do."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "firmsync"
# What only services may touch: the CRM's models and transactions.
FORBIDDEN_IMPORTS = ("firmsync.crm.models", "firmsync.enrichment.models", "django.db.transaction")


def model_offences(folder: Path) -> list[str]:
    """Each place a module of ``folder`` imports a model or a transaction, or uses a
    model's manager."""
    offences = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
                if any(n.startswith(FORBIDDEN_IMPORTS) or n.endswith(".models") for n in names):
                    offences.append(f"{path.name}:{node.lineno} imports {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr == "objects":
                offences.append(f"{path.name}:{node.lineno} uses a model manager")
    return offences
