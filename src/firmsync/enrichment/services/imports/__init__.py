"""A client list in and out: a user's CSV or XLSX as new cards, the account's cards as one.

``tables`` reads the file (:func:`read_table`), ``mapping`` says which column fills which
field (:func:`guess_mapping`, :func:`mapping_with`), ``rows`` previews and imports
(:func:`import_preview`, :func:`import_cards`, :func:`import_outcomes`), ``export`` writes
(:func:`export_cards`). ``docs/imports.md`` has the formats, limits and columns.
"""

from __future__ import annotations

from firmsync.enrichment.services.imports.export import (
    EXPORT_COLUMNS,
    FORMATS,
    export_cards,
    export_header,
)
from firmsync.enrichment.services.imports.mapping import (
    FIELDS,
    check_mapping,
    guess_mapping,
    mapping_with,
)
from firmsync.enrichment.services.imports.rows import (
    Outcome,
    Preview,
    import_cards,
    import_outcomes,
    import_preview,
    totals_of,
)
from firmsync.enrichment.services.imports.tables import (
    MAX_BYTES,
    MAX_ROWS,
    Table,
    TableRow,
    read_table,
)

__all__ = [
    "EXPORT_COLUMNS",
    "FIELDS",
    "FORMATS",
    "MAX_BYTES",
    "MAX_ROWS",
    "Outcome",
    "Preview",
    "Table",
    "TableRow",
    "check_mapping",
    "export_cards",
    "export_header",
    "guess_mapping",
    "import_cards",
    "import_outcomes",
    "import_preview",
    "mapping_with",
    "read_table",
    "totals_of",
]
