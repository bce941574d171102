"""The register as users ask it: a company's facts by CUI, companies by name, its figures.

``firmsync registry show|stats``, ``firmsync match`` and the API's ``/registry`` routes call
these. They import no Django: a command that only reads the register starts fast.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from firmsync import conf
from firmsync.crm.errors import Invalid, NotFound

if TYPE_CHECKING:
    from firmsync.matching.index import NameIndex
    from firmsync.matching.matcher import Matcher
    from firmsync.matching.result import Match
    from firmsync.registry.importer import ImportResult
    from firmsync.registry.store import RegisterStore
    from firmsync.sources.facts import CompanyFacts

__all__ = [
    "looks_like_cui",
    "name_index_build",
    "name_index_follow",
    "register_examples",
    "register_facts",
    "register_import",
    "register_search",
    "register_search_many",
    "register_stats",
    "register_typeahead",
]

_opened = threading.local()  # (a connection and an open index are not shared by threads)


def _store() -> RegisterStore:
    from firmsync.registry.store import RegisterStore

    url = conf.load().register_url
    held = getattr(_opened, "store", None)
    if held is None or held.url != url or not held.usable:
        held = _opened.store = RegisterStore(url)
    return held


def _matcher() -> Matcher:
    """The name index, opened once a thread and again when it is rebuilt."""
    from firmsync.matching.index import IndexMissing
    from firmsync.matching.matcher import Matcher

    path = conf.load().data_dir / "names"
    try:
        version = (path, (path / "meta.json").stat().st_mtime_ns)
    except FileNotFoundError:
        raise NotFound("there is no name index yet: `firmsync match build` builds it") from None
    held = getattr(_opened, "matcher", None)
    if held is None or held[0] != version:
        try:
            held = _opened.matcher = (version, Matcher.open(path))
        except IndexMissing as error:
            raise NotFound(str(error)) from None
    return held[1]


def register_facts(cui: str) -> CompanyFacts:
    """The register's facts for a CUI as typed (``RO``, spaces). A CUI with a wrong check
    digit is refused unless the register holds it: old records carry such codes."""
    from firmsync.identity import cui as cui_id
    from firmsync.identity.exceptions import IdentityError
    from firmsync.sources.register import facts_from_register

    try:
        digits, issue = cui_id.validate(cui), None
    except IdentityError as error:
        digits, issue = cui_id.compact(cui), error.code
    readable = issue in (None, "wrong_check_digit")
    facts = facts_from_register(_store(), digits) if readable else None
    if facts is None and issue is not None:
        raise Invalid("cui", f"{cui_id.shown(cui)!r} is not a valid CUI ({issue})")
    if facts is None:
        raise NotFound(f"CUI {digits} is not in the register")
    return facts


def register_search(
    name: str,
    *,
    county: str | None = None,
    locality: str | None = None,
    shown: int | None = None,
) -> Match:
    """The registration behind a typed name: linked, review (ranked candidates) or none;
    ``shown``: that many candidates (the API's typeahead shows 10) instead of the matcher's
    default."""
    if not name.strip():
        raise Invalid("name", "type a company name")
    matcher = _matcher()
    if shown is None:
        return matcher.match(name, county or None, locality or None)
    return matcher.match(name, county or None, locality or None, shown=shown)


TYPEAHEAD = 10  # candidates a typeahead shows
_HIT = ("cui", "reg_number", "name", "county", "locality", "status", "probability")


def looks_like_cui(typed: str) -> bool:
    """
    >>> looks_like_cui("RO 18547290"), looks_like_cui("1854"), looks_like_cui("Acme 2")
    (True, True, False)
    """
    digits = typed.upper().removeprefix("RO").replace(" ", "")
    return digits.isdigit() and digits.isascii()


def register_typeahead(typed: str, *, county: str | None = None) -> dict[str, Any]:
    """What a new card's name or CUI box offers as the user types: a CUI typed in full gives
    that company (``decision`` ``cui``), digits still being typed give nothing, a name gives
    the matcher's decision and its top :data:`TYPEAHEAD` candidates. Each item has
    ``cui``, ``reg_number``, ``name``, ``county``, ``locality``, ``status`` and
    ``probability`` (``None`` for a CUI)."""
    if looks_like_cui(typed):
        try:
            facts = register_facts(typed)
        except (NotFound, Invalid):  # digits still being typed: nothing yet
            return {"decision": "none", "items": []}
        address = facts.address
        hit = {
            "cui": facts.cui,
            "reg_number": facts.reg_number,
            "name": facts.name,
            "county": address.county if address else None,
            "locality": address.locality if address else None,
            "status": facts.status,
            "probability": None,
        }
        return {"decision": "cui", "items": [hit]}
    found = register_search(typed, county=county, shown=TYPEAHEAD).to_dict()
    return {
        "decision": found["decision"],
        "items": [{key: c[key] for key in _HIT} for c in found["candidates"]],
    }


def register_search_many(
    wanted: Iterable[tuple[str, str | None, str | None]],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    candidates: int = 1,
) -> Iterator[Match]:
    """:func:`register_search` for each (name, county, locality), in order, on every core
    (``workers`` processes), each match with its first ``candidates``."""
    from firmsync.matching.bulk import match_many

    path = conf.load().data_dir / "names"
    if not (path / "meta.json").exists():  # the workers open the index: say it here
        raise NotFound("there is no name index yet: `firmsync match build` builds it")
    return match_many(path, wanted, workers=workers, progress=progress, candidates=candidates)


def register_examples(count: int = 3) -> list[tuple[str, str]]:
    """``(cui, name)`` of a few companies worth looking up (active, with figures) and one CUI
    with several registrations."""
    from firmsync.registry.read import examples

    return examples(_store(), count)


def register_stats(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The register's figures (:func:`firmsync.registry.read.stats`) and its updates from
    the data portal (``update``: the last, when the next check runs)."""
    from firmsync.enrichment.services.update import update_schedule
    from firmsync.registry.read import stats

    data = stats(_store())
    data["update"] = update_schedule(now or datetime.datetime.now(datetime.UTC))
    return data


def register_import(
    paths: list[Path],
    *,
    snapshot: datetime.date | None = None,
    progress: Callable[[str, int | None, int], None] | None = None,
    names_progress: Callable[[int, int], None] | None = None,
    allow_shrink: bool = False,
) -> tuple[ImportResult, NameIndex | None]:
    """Import official files or folders (each recognised by its name), then bring the name
    index up to date once for the whole import: the registrations whose names, places or
    statuses changed are replaced in it, or it is built when there is none (``None``: the
    import changed nothing it holds, and it was left as it was). Every problem is reported
    under ``<data>/import-reports``; the last registrations and status files are kept in
    ``<data>/register-files``, for the next ones to be read only where they differ. A file
    that would replace a table with under half its rows is refused (``Invalid``), unless
    ``allow_shrink``: the files before it stay imported, it and those after it are not, and
    the register keeps its date until the snapshot's missing files come
    (:mod:`firmsync.registry.snapshots`). A path that does not exist is refused before
    anything is read."""
    from firmsync.registry.importer import FILE_REFUSALS, import_paths

    for path in paths:
        if not path.exists():
            raise Invalid("paths", f"{path}: no such file or folder")
    data = conf.load().data_dir
    try:
        result = import_paths(
            _store(),
            list(paths),
            snapshot=snapshot,
            reports_dir=data / "import-reports",
            files_dir=data / "register-files",
            progress=progress,
            allow_shrink=allow_shrink,
        )
    except FILE_REFUSALS as refused:
        raise Invalid("paths", str(refused)) from None
    if not result.files:
        raise Invalid("paths", "no official files found")
    return result, name_index_follow(progress=names_progress)


def _counting(
    store: RegisterStore, progress: Callable[[int, int], None] | None
) -> Callable[[int], None]:
    """``progress(done, total)`` from the index's counts; the total is counted at the first
    (an import that changes nothing indexed does not pay for counting the register)."""
    from firmsync.registry.read import registration_count

    done, total = 0, 0

    def advance(count: int) -> None:
        nonlocal done, total
        total = total or registration_count(store)
        done += count
        if progress is not None:
            progress(done, total)

    return advance


def name_index_follow(*, progress: Callable[[int, int], None] | None = None) -> NameIndex | None:
    """Bring the name index up to date with the register (``None``: nothing to change)."""
    from firmsync.matching.index import NameIndex

    store = _store()
    return NameIndex.follow(
        store, conf.load().data_dir / "names", progress=_counting(store, progress)
    )


def name_index_build(*, progress: Callable[[int, int], None] | None = None) -> NameIndex:
    """Rebuild the name index from the register; ``progress(done, total)`` as it goes."""
    from firmsync.matching.index import NameIndex

    store = _store()
    return NameIndex.build(
        store, conf.load().data_dir / "names", progress=_counting(store, progress)
    )
