"""The name index: candidate registrations for a typed name, from its words and trigrams.

Built with tantivy from every registration's normalised name (:func:`identity.names.key`):
one field of words, one of character trigrams (``_ALFA_BETA_`` → ``_al alf lfa …``), both
tokenised here and indexed on whitespace, so that index and query split names the same way.
A query asks for any of its words and trigrams; BM25 weighs each by its rarity, and
trigrams found in more than :data:`COMMON` of the names are left out of the query (they
select everything and tell nothing). Scoring and deciding come after, in other modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tantivy

from firmsync.identity import names
from firmsync.registry.store import RegisterStore

__all__ = ["COMMON", "Hit", "NameIndex", "trigrams"]

COMMON = 0.05  # trigrams in more names than this share are not asked for
_STORED = ("reg_number", "cui", "name", "county", "locality", "status")


def trigrams(key: str) -> list[str]:
    """The character trigrams of a normalised name, word boundaries marked.

    >>> trigrams('ALFA BETA')
    ['_al', 'alf', 'lfa', 'fa_', 'a_b', '_be', 'bet', 'eta', 'ta_']
    """
    text = "_" + key.lower().replace(" ", "_") + "_"
    return [text[i : i + 3] for i in range(len(text) - 2)]


@dataclass(frozen=True)
class Hit:
    reg_number: str
    cui: str | None
    name: str
    county: str | None
    locality: str | None
    status: str
    score: float


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("grams", tokenizer_name="whitespace", index_option="freq")
    for field in _STORED:
        builder.add_text_field(field, stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


class NameIndex:
    def __init__(self, path: Path) -> None:
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.documents = self.searcher.num_docs

    @classmethod
    def build(
        cls, store: RegisterStore, path: Path, *, progress: Callable[[int], None] | None = None
    ) -> NameIndex:
        """Index every registration of ``store`` into a new index at ``path``."""
        path.mkdir(parents=True, exist_ok=True)
        for old in path.iterdir():
            old.unlink()
        index = tantivy.Index(_schema(), path=str(path), reuse=False)
        writer = index.writer(heap_size=400_000_000, num_threads=2)
        for count, row in enumerate(_rows(store), start=1):
            values = dict(zip(_STORED, row, strict=True))
            key = names.key(values["name"])
            document = tantivy.Document(
                words=key.lower(), grams=" ".join(trigrams(key)),
                **{field: value for field, value in values.items() if value is not None},
            )  # fmt: skip
            writer.add_document(document)
            if progress and count % 50_000 == 0:
                progress(50_000)
        writer.commit()
        writer.wait_merging_threads()
        return cls(path)

    def candidates(self, name: str, *, limit: int = 50) -> list[Hit]:
        """The registrations whose names share the most rare words and trigrams with ``name``."""
        key = names.key(name)
        if not key:
            return []
        common = COMMON * max(self.documents, 1)
        terms = [("words", word) for word in dict.fromkeys(key.lower().split())]
        terms += [("grams", gram) for gram in dict.fromkeys(trigrams(key))
                  if self.searcher.doc_freq("grams", gram) <= common]  # fmt: skip
        if not terms:
            return []
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, value))
            for field, value in terms
        ])  # fmt: skip
        hits = []
        for score, address in self.searcher.search(query, limit).hits:
            stored = self.searcher.doc(address).to_dict()
            values = {field: (stored[field][0] if stored.get(field) else None) for field in _STORED}
            hits.append(Hit(**values, score=score))  # type: ignore[arg-type]
        return hits


def _rows(store: RegisterStore) -> Iterator[tuple[object, ...]]:
    columns = ", ".join(_STORED)
    yield from store.query(f"SELECT {columns} FROM registration_view")
