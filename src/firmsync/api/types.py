"""Input types that the databases take as they are: text without NUL (PostgreSQL refuses
it inside a string) and within the columns' lengths; integers within 64 bits."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = [
    "ID",
    "Country",
    "Line4",
    "Line20",
    "Line40",
    "Line60",
    "Line100",
    "Line120",
    "Line200",
    "Line300",
    "Name",
    "Text",
    "Typed",
    "Url",
]

_NO_NUL = r"^[^\x00]*$"
ID = Annotated[int, Field(ge=1, le=2**62)]  # a record's id (SQLite's and PostgreSQL's range)
Text = Annotated[str, Field(max_length=10_000, pattern=_NO_NUL)]
Line4 = Annotated[str, Field(max_length=4, pattern=_NO_NUL)]
Line20 = Annotated[str, Field(max_length=20, pattern=_NO_NUL)]
Line40 = Annotated[str, Field(max_length=40, pattern=_NO_NUL)]
Line60 = Annotated[str, Field(max_length=60, pattern=_NO_NUL)]
Line100 = Annotated[str, Field(max_length=100, pattern=_NO_NUL)]
Line120 = Annotated[str, Field(max_length=120, pattern=_NO_NUL)]
Line200 = Annotated[str, Field(max_length=200, pattern=_NO_NUL)]
Line300 = Annotated[str, Field(max_length=300, pattern=_NO_NUL)]
Name = Annotated[str, Field(min_length=1, max_length=300, pattern=_NO_NUL)]
Typed = Annotated[str, Field(min_length=1, max_length=60, pattern=_NO_NUL)]  # typeahead text
Country = Annotated[str, Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]
Url = Annotated[str, Field(min_length=8, max_length=500, pattern=r"^https?://[^\x00\s]+$")]
