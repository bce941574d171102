"""The name index: candidate registrations for a typed name, from its words and their pairs.

Built from every registration of the register into a folder beside it:

- ``tantivy/`` — a tantivy index of each registration's normalised name
  (:func:`identity.names.key`): its words; its pairs of words (``alfa|grup``); its words
  sorted (to count the registrations sharing them); the county; and two fast
  fields: the registration's row and whether it is operating (operating ones weigh more).
  How a query uses them is :meth:`NameIndex.search`'s story: it asks only for short posting
  lists.
- ``entries.arrow`` — what the matcher needs to know of each registration (register number,
  CUI, name, its key and legal form, county, locality, status), one row per registration in
  an Arrow file that is memory-mapped, so opening the index costs nothing and a candidate's
  facts are a lookup by row.
- ``changes.arrow`` — the entries of registrations changed since the build, appended after
  ``entries.arrow``'s rows (the rows they replace stay, unreferenced).
- ``rows.npy`` / ``segments.json`` — the register row of each tantivy document, by segment.
- ``meta.json`` — the layout version, the register and the last of its ``index_change``
  rows the index holds.

Building writes a new folder and swaps it in, so a matcher never sees half an index.
:meth:`NameIndex.follow` brings an index up to date after an import the same way: a copy
of the folder (hard links: no file of it is changed in place), the changed registrations'
documents deleted by register number and added again, then swapped in.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc
import tantivy

from firmsync.identity import names
from firmsync.registry import read
from firmsync.registry.store import NAME_INDEX_COLUMNS, RegisterStore

__all__ = [
    "VERSION",
    "Entry",
    "Hit",
    "IndexMissing",
    "NameIndex",
    "bag",
    "index_copy",
    "pairs",
]

RARE = 0.002  # words in at most this share of names are asked for alone; others in pairs
PAIRED = 6  # the first words of a name that are paired with each other
IN_COUNTY = 20  # candidates added from the query's county
# A prefix or fuzzy query scores 1 whatever the word; a word found once among millions of
# names scores ~15 (BM25's idf). Boosted, a mistyped rare word outranks a common word's
# short namesakes (SERVICE MULKEPIN → SERVICE MULLEPIN, not the hundred SERVICE SRLs).
UNKNOWN_BOOST = 10.0
VERSION = 8  # of the folder's layout; an index of another version must be rebuilt
OPERATING_WEIGHT = 0.5  # tantivy multiplies scores by log2(2 + weight): operating ×1.32
BATCH = 50_000
_COLUMNS = NAME_INDEX_COLUMNS  # what the importer watches for changes, in this order
# Following costs about three times what building does a registration (docs/registry.md):
# beyond this share changed, build, which also drops unreferenced entries and documents.
REBUILD_SHARE = 0.25
FOLLOW_IN_PARALLEL = 10_000  # changed registrations from which follow() forks workers
# Of registration_view's statuses, those of a company that trades: insolvent ones do, under
# an administrator; a suspended one has interrupted its activity.
_OPERATING = ("active", "insolvency")


class IndexMissing(LookupError):
    """No usable name index at the path: it was never built, or by another version."""


def pairs(words: list[str]) -> list[str]:
    """Every two words of a name, in alphabetical order: what two spellings keep in common.

    >>> pairs(['beta', 'alfa', 'grup'])
    ['alfa|beta', 'alfa|grup', 'beta|grup']
    """
    return ["|".join(pair) for pair in itertools.combinations(sorted(set(words[:PAIRED])), 2)]


def bag(key: str) -> str:
    """A name's words in alphabetical order: what a name and its words swapped share.

    >>> bag('PADUREA PENSIUNEA HOLDING')
    'HOLDING PADUREA PENSIUNEA'
    """
    return " ".join(sorted(key.split()))


@dataclass(frozen=True)
class Entry:
    """A registration as the matcher sees it."""

    row: int
    reg_number: str
    cui: str | None
    name: str
    key: str
    legal_form: str | None
    county: str | None
    locality: str | None
    status: str

    @property
    def operating(self) -> bool:
        return self.status in _OPERATING


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float  # BM25, weighted for operating registrations


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("pairs", tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("bag", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("county", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("reg_number", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("row", fast=True)
    builder.add_float_field("operating", fast=True)
    return builder.build()


def _open_tantivy(path: Path, *, create: bool) -> tantivy.Index:
    return tantivy.Index(_schema(), path=str(path), reuse=not create)


class NameIndex:
    """An index built by :meth:`build`, opened for searching."""

    def __init__(self, path: Path) -> None:
        meta_path = path / "meta.json"
        if not meta_path.exists():
            raise IndexMissing(f"no name index at {path}: run `firmsync match build`")
        meta = _meta(path)
        if meta is None:
            raise IndexMissing(f"the name index at {path} is of another version: rebuild it")
        self.meta: dict[str, Any] = meta
        self.path = path
        self.index = _open_tantivy(path / "tantivy", create=False)
        self.searcher = self.index.searcher()
        self.documents: int = self.searcher.num_docs
        self._rows, self._base = _row_map(path, self.searcher)
        # Terms repeat from query to query; typed words and names do not end, so the counts
        # and the words' rarity are kept for the latest ones only.
        self.frequency = functools.lru_cache(maxsize=200_000)(self._frequency)
        self.rarity = functools.lru_cache(maxsize=100_000)(self._rarity)

    # --- building ----------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        store: RegisterStore,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
        threads: int = 2,
    ) -> NameIndex:
        """Index every registration of ``store`` into ``path`` (replaced when complete).

        ``workers`` processes normalise the names; ``threads`` index them (one thread makes
        the same segments, hence the same ranking of equal scores, on every run).
        """
        started = time.monotonic()
        # Read first: a change made while the build reads is applied again by follow().
        register, position = read.index_position(store)
        staging = path.with_name(path.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "tantivy").mkdir(parents=True)
        index = _open_tantivy(staging / "tantivy", create=True)
        writer = index.writer(heap_size=300_000_000, num_threads=threads)
        count = 0
        workers = workers or min(os.cpu_count() or 1, 4)
        # The workers read too, each a range of rows: see RegisterStore.row_ranges.
        tasks = ((store.url, span) for span in store.row_ranges(BATCH))
        with (
            multiprocessing.get_context("fork").Pool(workers) as pool,
            pa.OSFile(str(staging / "entries.arrow"), "wb") as sink,
            pa.ipc.new_file(sink, _ENTRIES) as entries,
        ):
            for documents, batch in _in_order(pool, _prepare, tasks, ahead=workers + 1):
                for document in documents:  # each ends with "}": the row number goes in
                    writer.add_json(f'{document[:-1]}, "row": {count}}}')
                    count += 1
                entries.write_batch(batch)
                if progress:
                    progress(batch.num_rows)
        writer.commit()
        writer.wait_merging_threads()
        _write_row_map(staging, index, {})
        meta = {
            "version": VERSION,
            "documents": count,
            "rows": count,
            "register": register,
            "changes": position,
            "seconds": time.monotonic() - started,
        }
        (staging / "meta.json").write_text(json.dumps(meta))
        _swap(staging, path)
        return cls(path)

    @classmethod
    def follow(
        cls,
        store: RegisterStore,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> NameIndex | None:
        """Bring the index at ``path`` up to date with ``store``: ``None`` when the register
        changed nothing it holds (the folder is left as it was); else the index, with the
        changed registrations' documents replaced — or built anew when there is no index of
        this register yet, or when so many changed that building is cheaper.
        """
        meta = _meta(path)
        register, position = read.index_position(store)
        if meta is None or meta.get("register") != register or position < meta["changes"]:
            return cls.build(store, path, progress=progress, workers=workers)
        if position == meta["changes"]:
            return None
        changed = read.index_changes(store, meta["changes"])
        if len(changed) > REBUILD_SHARE * max(meta["documents"], 1):
            return cls.build(store, path, progress=progress, workers=workers)
        started = time.monotonic()
        staging = path.with_name(path.name + ".new")
        _linked_copy(path, staging)
        # Many changes (a month's statuses): their names are normalised by worker processes,
        # forked before the writer's threads exist, while this one reads and indexes.
        workers = workers or min(os.cpu_count() or 1, 4)
        pool = (
            multiprocessing.get_context("fork").Pool(workers)
            if workers > 1 and len(changed) >= FOLLOW_IN_PARALLEL
            else None
        )
        tasks = ((None, rows) for rows in read.registrations_numbered(store, _COLUMNS, changed))
        prepared = (
            _in_order(pool, _prepare, tasks, ahead=workers + 1)
            if pool is not None
            else map(_prepare, tasks)
        )
        index = _open_tantivy(staging / "tantivy", create=False)
        # One thread: one new segment, the same on every run.
        writer = index.writer(heap_size=100_000_000, num_threads=1)
        for reg_number in changed:
            writer.delete_documents_by_term("reg_number", reg_number)
        batches = []
        row = meta["rows"]
        try:
            for documents, batch in prepared:
                for document in documents:
                    writer.add_json(f'{document[:-1]}, "row": {row}}}')
                    row += 1
                batches.append(batch)
                if progress:
                    progress(batch.num_rows)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        writer.commit()
        writer.wait_merging_threads()
        before = staging / "changes.arrow"
        if before.exists():  # the earlier changes first: rows are numbered in file order
            batches[:0] = pa.ipc.open_file(pa.memory_map(str(before))).read_all().to_batches()
        _write_new(staging / "changes.arrow", lambda p: _write_entries(p, batches))
        _write_row_map(staging, index, _segment_rows(path))
        meta = {
            **meta,
            "documents": index.searcher().num_docs,
            "rows": row,
            "changes": position,
            "updated": len(changed),
            "seconds": time.monotonic() - started,
        }
        _write_new(staging / "meta.json", lambda p: p.write_text(json.dumps(meta)))
        _swap(staging, path)
        return cls(path)

    # --- searching ---------------------------------------------------------------------
    @functools.cached_property
    def entries(self) -> pa.Table:
        """Every registration's entry, by row: read when first asked for, so that opening
        an index only to follow the register copies nothing."""
        tables = [
            pa.ipc.open_file(pa.memory_map(str(self.path / name))).read_all()
            for name in ("entries.arrow", "changes.arrow")
            if (self.path / name).exists()
        ]
        entries = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        if entries.num_rows and entries.column(0).num_chunks != 1:
            entries = entries.combine_chunks()
        return entries

    @functools.cached_property
    def places(self) -> frozenset[str]:
        """The words of every county and locality name, normalised as name words are."""
        words: set[str] = set()
        for column in ("county", "locality"):
            for place in pc.unique(self.entries.column(column)).to_pylist():
                if place:
                    words.update(w for w in names.key(place).split() if len(w) > 2)
        return frozenset(words)

    def _frequency(self, field: str, term: str) -> int:
        """How many registrations have ``term`` in ``field`` (``frequency``, cached)."""
        return self.searcher.doc_freq(field, term)

    def sharing(self, key: str) -> int:
        """How many registrations have this normalised name's words, in any order."""
        return self.frequency("bag", bag(key))

    def _rarity(self, word: str) -> float:
        """How much a word of a name says, from 0 (in every name) to 1 (in one name or none)."""
        documents = max(self.documents, 2)
        found = max(self.frequency("words", word.lower()), 1)
        return math.log2(documents / found) / math.log2(documents)

    def candidates(self, name: str, *, county: str | None = None, limit: int = 50) -> list[Hit]:
        """The registrations whose names share the most (and the rarest) words with ``name``."""
        return self.search(names.key(name), county=county, limit=limit)

    def search(self, key: str, *, county: str | None = None, limit: int = 50) -> list[Hit]:
        """:meth:`candidates` for a name already normalised (:func:`identity.names.key`).

        Every posting list asked for is short, so a query costs little however common its
        words: a rare word is asked for alone; common words only in pairs (``alfa|grup``),
        which stay rare; a word no registered name has — abbreviated, cut short, mistyped —
        as the beginning of a word (``constr`` → ``constructii``) and, from four letters, as
        any word one edit away (a transposition counts as one). The name's words in any
        order are always asked for.

        With a ``county``, when more than :data:`IN_COUNTY` registrations have the name's
        words (a person's name, say), those of the county are added: the right one may not
        be among the first ``limit``.
        """
        if not key:
            return []
        schema, documents = self.index.schema, max(self.documents, 1)
        words = list(dict.fromkeys(key.lower().split()))
        known = [w for w in words if self.frequency("words", w)]
        clauses = [tantivy.Query.term_query(schema, "bag", bag(key))]
        clauses += [
            tantivy.Query.term_query(schema, "words", w)
            for w in known
            if self.frequency("words", w) <= RARE * documents or len(known) == 1
        ]
        clauses += [tantivy.Query.term_query(schema, "pairs", pair) for pair in pairs(known)]
        for word in words:
            if word in known:
                continue
            if len(word) >= 4 and word.isalnum():  # cut short or abbreviated: CONSTR, ZIXTIL
                # A prefix as a fuzzy query of distance 0: its automaton is prebuilt, a
                # regex's is compiled each time (0.7 ms, measured).
                prefix = tantivy.Query.fuzzy_term_query(schema, "words", word, 0, True, True)
                clauses.append(tantivy.Query.boost_query(prefix, UNKNOWN_BOOST))
            if len(word) >= 4:
                edited = tantivy.Query.fuzzy_term_query(schema, "words", word, 1, True)
                clauses.append(tantivy.Query.boost_query(edited, UNKNOWN_BOOST))
            elif word == words[-1] and word.isalnum():  # cut short to a letter or three:
                for other in known[:PAIRED]:  # it begins a word paired with the others
                    clauses += _pairs_begun(schema, other, word)
        if not clauses:
            return []
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, c) for c in clauses])
        found = self.searcher.search(query, limit, count=False, weight_by_field="operating").hits
        if county and self.sharing(key) > IN_COUNTY:  # many namesakes: those of the county
            within = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.term_query(schema, "county", county)),
                    (tantivy.Occur.Must, tantivy.Query.term_query(schema, "bag", bag(key))),
                ]
            )
            seen = {(a.segment_ord, a.doc) for _, a in found}
            found += [
                (score, address)
                for score, address in self.searcher.search(
                    within, IN_COUNTY, count=False, weight_by_field="operating"
                ).hits
                if (address.segment_ord, address.doc) not in seen
            ]
        if not found:
            return []
        entries = self.entries_at(self.rows_of([address for _, address in found]))
        return [Hit(entry, score) for entry, (score, _) in zip(entries, found, strict=True)]

    def rows_of(self, addresses: list[tantivy.DocAddress]) -> list[int]:
        """The register rows of tantivy's documents, from the map written at build (reading
        the ``row`` fast field costs 0.18 ms a call, whatever the number of documents)."""
        rows, base = self._rows, self._base
        return rows[[base[a.segment_ord] + a.doc for a in addresses]].tolist()

    def entries_at(self, rows: list[int]) -> list[Entry]:
        taken = self.entries.take(pa.array(rows, pa.int64()))
        columns = [taken.column(i).to_pylist() for i in range(taken.num_columns)]
        return [
            Entry(row, *values)
            for row, values in zip(rows, zip(*columns, strict=True), strict=True)
        ]

    def sharing_with(self, key: str, *, limit: int = 100) -> list[Entry]:
        """The registrations whose normalised names have the words of ``key``, in any order."""
        query = tantivy.Query.term_query(self.index.schema, "bag", bag(key))
        found = self.searcher.search(query, limit, count=False).hits
        if not found:
            return []
        return self.entries_at(self.rows_of([address for _, address in found]))


_ENTRY_COLUMNS = ("reg_number", "cui", "name", "key", "legal_form", "county", "locality", "status")
_ENTRIES = pa.schema([(column, pa.string()) for column in _ENTRY_COLUMNS])


_reader: RegisterStore | None = None  # a worker's own connection to the register


def _prepare(task: tuple[str | None, Any]) -> tuple[list[str], pa.RecordBatch]:
    """A batch of registrations as index documents (JSON) and entries (in a worker process).

    A task is a register URL and a range of its rows to read (``RegisterStore.row_ranges``),
    or no URL and the rows themselves.
    Normalising the names is most of the build's work; the workers do it all, so that the
    parent only hands the documents to tantivy.
    """
    global _reader
    url, what = task
    if url is None:
        rows = what
    else:
        if _reader is None or _reader.url != url:
            _reader = RegisterStore(url, create=False)
        rows = _reader.registrations_in(*what, columns=", ".join(_COLUMNS))
    documents, keys, forms = [], [], []
    for reg_number, _, name, county, _, status in rows:
        key, form, _ = names.normalise(name)
        words = key.lower()
        keys.append(key)
        forms.append(form)
        # Written out rather than json.dumps'd (a third of the time): a key is only
        # A-Z, 0-9 and spaces, so only the county and the register number need escaping.
        documents.append(
            f'{{"words": "{words}", "pairs": "{" ".join(pairs(words.split()))}", '
            f'"bag": "{bag(key)}", "county": {json.dumps(county or "")}, '
            f'"reg_number": {json.dumps(reg_number)}, '
            f'"operating": {OPERATING_WEIGHT if status in _OPERATING else 0.0}}}'
        )
    columns = list(zip(*rows, strict=True)) or [()] * len(_COLUMNS)
    reg_number, cui, name, county, locality, status = columns
    arrays = [
        pa.array(values, pa.string())
        for values in (reg_number, cui, name, keys, forms, county, locality, status)
    ]
    return documents, pa.record_batch(arrays, schema=_ENTRIES)


def _pairs_begun(schema: tantivy.Schema, other: str, begun: str) -> list[tantivy.Query]:
    """Queries for the pairs of ``other`` with a word beginning ``begun``. Pairs are in
    alphabetical order, so that word comes second when ``other`` sorts before ``begun`` (a
    prefix query, its automaton prebuilt) and first when after (a regex, compiled each
    time: 0.3 ms); both when ``other`` itself begins with ``begun``.

    >>> import tantivy
    >>> schema = _schema()
    >>> [type(q).__name__ for q in _pairs_begun(schema, 'alfa', 'c')]
    ['Query']
    >>> len(_pairs_begun(schema, 'zeta', 'c')), len(_pairs_begun(schema, 'cora', 'c'))
    (1, 2)
    """
    found = []
    if other < begun or other.startswith(begun):
        found.append(
            tantivy.Query.fuzzy_term_query(schema, "pairs", f"{other}|{begun}", 0, True, True)
        )
    if other > begun:
        found.append(tantivy.Query.regex_query(schema, "pairs", rf"{begun}[^|]*\|{other}"))
    return found


def _meta(path: Path) -> dict[str, Any] | None:
    """The index's ``meta.json``, or ``None`` when there is none of this layout."""
    try:
        meta: dict[str, Any] = json.loads((path / "meta.json").read_text())
    except FileNotFoundError:
        return None
    return meta if meta.get("version") == VERSION else None


def _segments(path: Path) -> list[tuple[str, int]]:
    """``(segment id, documents ever added)`` of the tantivy index at ``path``, in the order
    its searchers number them: tantivy's own ``meta.json`` lists them so."""
    meta = json.loads((path / "tantivy" / "meta.json").read_text())
    return [(segment["segment_id"], segment["max_doc"]) for segment in meta["segments"]]


def _segment_rows(path: Path) -> dict[str, np.ndarray]:
    """The row map of the index at ``path``, by segment id."""
    rows = np.load(path / "rows.npy", mmap_mode="r")
    found: dict[str, np.ndarray] = {}
    at = 0
    for segment, count in json.loads((path / "segments.json").read_text()):
        found[segment] = rows[at : at + count]
        at += count
    return found


def _write_row_map(path: Path, index: tantivy.Index, known: dict[str, np.ndarray]) -> None:
    """``rows.npy``: the register row of every document (deleted ones too), segment after
    segment, and each segment's id and size in ``segments.json``. Segments in ``known`` (the
    map before an update) are not read again: an update adds one and merges few."""
    index.reload()
    searcher = index.searcher()
    segments = _segments(path)
    parts = []
    for ordinal, (segment, count) in enumerate(segments):
        if segment in known and len(known[segment]) == count:
            parts.append(np.asarray(known[segment], dtype=np.int32))
            continue
        part = np.empty(count, dtype=np.int32)
        for start in range(0, count, BATCH):
            addresses = [
                tantivy.DocAddress(ordinal, doc) for doc in range(start, min(start + BATCH, count))
            ]
            part[start : start + len(addresses)] = searcher.fast_field_values("row", addresses)
        parts.append(part)
    rows = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
    _write_new(path / "rows.npy", lambda p: np.save(p, rows))
    _write_new(path / "segments.json", lambda p: p.write_text(json.dumps(segments)))


def _row_map(path: Path, searcher: tantivy.Searcher) -> tuple[np.ndarray, list[int]]:
    mapped = json.loads((path / "segments.json").read_text())
    segments = _segments(path)
    if [tuple(s) for s in mapped] != segments or len(segments) != searcher.num_segments:
        raise IndexMissing(f"the name index at {path} is damaged: rebuild it")
    rows = np.load(path / "rows.npy", mmap_mode="r")
    base = [0, *itertools.accumulate(count for _, count in segments)][:-1]
    # Check that one document of each segment still has the row the map says.
    firsts = [
        tantivy.DocAddress(ordinal, 0) for ordinal, (_, count) in enumerate(segments) if count
    ]
    if searcher.fast_field_values("row", firsts) != [
        int(rows[base[a.segment_ord]]) for a in firsts
    ]:
        raise IndexMissing(f"the name index at {path} does not fit its row map: rebuild it")
    return rows, base


def _write_entries(path: Path, batches: list[pa.RecordBatch]) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, _ENTRIES) as entries:
        for batch in batches:
            entries.write_batch(batch)


def _write_new(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` as a new file: in a copy of the index it may be a hard link to the
    live index's file, which writing in place would change too."""
    temporary = path.with_name("new-" + path.name)
    temporary.unlink(missing_ok=True)
    write(temporary)
    temporary.replace(path)


def _linked_copy(path: Path, staging: Path) -> None:
    """``staging``: the index at ``path``, its files hard-linked (tantivy's segment files and
    the entries are never written again once written) but for tantivy's small ones, which
    it rewrites, and its locks."""
    shutil.rmtree(staging, ignore_errors=True)
    for source in path.rglob("*"):
        target = staging / source.relative_to(path)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not source.name.endswith(".lock"):
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.name.startswith(".") or source.name == "meta.json":
                shutil.copyfile(source, target)
            else:
                os.link(source, target)


def _swap(staging: Path, path: Path) -> None:
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    staging.rename(path)
    shutil.rmtree(old, ignore_errors=True)


def index_copy(path: Path, target: Path, *, attempts: int = 5) -> list[Path]:
    """Copy the index at ``path`` into ``target`` (replaced), whole, even while a build or a
    follow runs: they write a new folder and swap it in, never changing a file of the folder
    in place, so a copy during which the same folder stayed in place is whole, and one that
    saw a swap is made again. The files copied, relative to ``target``."""
    for _ in range(attempts):
        before = _identity(path)
        if before is None:
            raise IndexMissing(f"no name index at {path}")
        shutil.rmtree(target, ignore_errors=True)
        copied = []
        try:
            for source in sorted(path.rglob("*")):
                if source.is_file() and not source.name.endswith(".lock"):
                    relative = source.relative_to(path)
                    (target / relative).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target / relative)
                    copied.append(relative)
        except FileNotFoundError:  # swapped out while it was copied
            continue
        if _identity(path) == before:
            return copied
    raise RuntimeError(f"the name index at {path} kept changing while it was copied")


def _identity(path: Path) -> tuple[int, bytes] | None:
    """Which folder holds the index at ``path`` now: a swap puts another there."""
    try:
        return path.stat().st_ino, (path / "meta.json").read_bytes()
    except FileNotFoundError:
        return None


def _in_order(
    pool: Any, function: Callable[[Any], Any], tasks: Iterator[Any], *, ahead: int
) -> Iterator[Any]:
    """``pool.imap`` that reads at most ``ahead`` tasks ahead (imap would read them all)."""
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(function, (task,)))
        if len(pending) > ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
