"""Django's PostgreSQL backend, whose connections send lists in binary.

Django inserts a batch of rows as one array a column (``UNNEST``). psycopg sends a list in
text unless told otherwise, escaping each element with a regular expression in Python: for
a sync's batch that was a tenth of the worker's CPU. In binary each element is packed as it
is, and the server need not parse it either (docs/enrichment.md, "On PostgreSQL + Redis").
Only lists change: Django passes a list only where the column or the cast is an array.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from psycopg.types.array import ListBinaryDumper


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.adapters.register_dumper(list, ListBinaryDumper)
        return connection
