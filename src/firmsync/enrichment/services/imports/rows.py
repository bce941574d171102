"""A table's rows as new cards: what each would become (the preview), then the cards.

Both go through one plan, so the preview says exactly what the import will do: each row's
card fields, its problem (the field and the reason, by the rules of
:func:`firmsync.crm.services.create_company`), or the row or card its CUI repeats. A CUI
repeats an earlier row only when that row becomes a card; and only the account's own cards
count. The import creates the cards through :func:`~firmsync.enrichment.services.cards.
create_cards`, :data:`~firmsync.enrichment.services.cards.BULK_LIMIT` rows at a time (each
chunk one transaction, its syncs queued when it commits), so a failed row never stops the
rest and a long list never holds one long transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from firmsync.crm.errors import Invalid
from firmsync.crm.models import Account, Company
from firmsync.crm.services import canonical_cui, check_company_fields
from firmsync.enrichment.selectors import card_summary, cards_query
from firmsync.enrichment.services.cards import BULK_LIMIT, RequestMany, create_cards
from firmsync.enrichment.services.imports.mapping import check_mapping
from firmsync.enrichment.services.imports.tables import Table
from firmsync.identity import cnp
from firmsync.identity.text import fold

__all__ = ["Outcome", "Preview", "import_cards", "import_outcomes", "import_preview", "totals_of"]

Progress = Callable[[int, int], None]
_IN = 900  # CUIs or ids an IN (…) list holds: under SQLite's old limit of 999 variables
# Country names a list may hold instead of the code a card keeps.
_COUNTRIES = {
    "ROMANIA": "RO",
    "ROU": "RO",
    "MOLDOVA": "MD",
    "REPUBLICA MOLDOVA": "MD",
    "BULGARIA": "BG",
    "UNGARIA": "HU",
    "HUNGARY": "HU",
    "GERMANIA": "DE",
    "GERMANY": "DE",
    "AUSTRIA": "AT",
    "ITALIA": "IT",
    "ITALY": "IT",
    "FRANTA": "FR",
    "FRANCE": "FR",
    "SPANIA": "ES",
    "SPAIN": "ES",
    "OLANDA": "NL",
    "NETHERLANDS": "NL",
    "POLONIA": "PL",
    "POLAND": "PL",
    "MAREA BRITANIE": "GB",
    "UNITED KINGDOM": "GB",
    "SUA": "US",
    "USA": "US",
    "UNITED STATES": "US",
}


@dataclass(frozen=True)
class Outcome:
    """What became (or, in a preview, would become) of one row.

    ``result``: ``new`` (preview), ``created``, ``duplicate`` or ``invalid``. A duplicate
    names the earlier line or the existing card with its CUI; a row created anyway
    (``skip_duplicates=False``) keeps them. ``sync_state`` is the created card's, once
    :func:`import_outcomes` has read it (``none``: never synced, as with the add-on off).
    """

    line: int
    result: str
    fields: dict[str, str]
    card_id: int | None = None
    field: str | None = None
    reason: str | None = None
    duplicate_of_line: int | None = None
    duplicate_of_card: int | None = None
    sync_state: str | None = None

    def describe(self) -> str:
        """One line for a user: ``line 7: duplicate of line 3``."""
        if self.result == "invalid":
            return f"line {self.line}: invalid {self.field}: {self.reason}"
        of = [f"line {self.duplicate_of_line}"] if self.duplicate_of_line else []
        of += [f"card {self.duplicate_of_card}"] if self.duplicate_of_card else []
        what = f"duplicate of {' and '.join(of)}" if of else self.result
        if self.result == "created" and of:
            what = f"created (card {self.card_id}), a {what}"
        return f"line {self.line}: {what}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Preview:
    """The first rows as cards, every duplicate of the file, and the totals by result."""

    mapping: dict[str, str]
    rows: list[Outcome]
    duplicates: list[Outcome]
    totals: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mapping": self.mapping,
            "rows": [row.to_dict() for row in self.rows],
            "duplicates": [row.to_dict() for row in self.duplicates],
            "totals": self.totals,
        }


def _country(typed: str) -> str:
    folded = fold(typed).replace(".", "").strip()
    if len(folded) == 2 and folded.isalpha():
        return folded
    if folded in _COUNTRIES:
        return _COUNTRIES[folded]
    raise Invalid("country", f"{typed!r}: write the country's two-letter code (RO, DE, …)")


def _card(values: Mapping[str, str]) -> tuple[dict[str, str], Invalid | None]:
    """The card fields of a row (empty values left to the card's defaults), and the
    reason :func:`create_company` would refuse them. A refused row is never stored, only
    shown (the preview, the outcomes): its values have their CNPs masked, as a sole
    trader's CNP typed where the CUI belongs would otherwise be printed back."""
    fields = {field: value for field, value in values.items() if value or field == "name"}
    try:
        if "country" in fields:
            fields["country"] = _country(fields["country"])
        check_company_fields(fields)
    except Invalid as error:
        return {field: cnp.mask(value) for field, value in fields.items()}, error
    return fields, None


def _plan(account: Account, table: Table, mapping: Mapping[str, str]) -> list[Outcome]:
    check_mapping(table.header, mapping)
    columns = {field: table.header.index(column) for field, column in mapping.items()}
    planned = []
    for row in table.rows:
        fields, error = _card({f: row.values[i] for f, i in columns.items()})
        if error is not None:
            planned.append(
                Outcome(row.line, "invalid", fields, field=error.field, reason=error.message)
            )
        else:
            planned.append(Outcome(row.line, "new", fields))
    cuis = {p.line: canonical_cui(p.fields.get("cui_input", "")) for p in planned}
    existing = _cards_with(account, {c for c in cuis.values() if c})
    first: dict[str, int] = {}  # CUI → the line of the first row that becomes a card
    for index, row in enumerate(planned):
        cui = cuis[row.line]
        if row.result == "invalid" or cui is None:
            continue
        earlier, card = first.get(cui), existing.get(cui)
        if earlier is None and card is None:
            first[cui] = row.line
        else:
            planned[index] = replace(
                row, result="duplicate", duplicate_of_line=earlier, duplicate_of_card=card
            )
    return planned


def _cards_with(account: Account, cuis: set[str]) -> dict[str, int]:
    """The account's card (the oldest) for each of ``cuis`` it has one for."""
    found: dict[str, int] = {}
    ordered = sorted(cuis)
    for start in range(0, len(ordered), _IN):
        cards = Company.objects.filter(account=account, cui__in=ordered[start : start + _IN])
        for cui, card_id in cards.order_by("-pk").values_list("cui", "pk"):
            found[cui] = card_id
    return found


def import_preview(
    account: Account, table: Table, mapping: Mapping[str, str], limit: int = 20
) -> Preview:
    """What :func:`import_cards` would do, changing nothing: the first ``limit`` rows,
    every duplicate, and the totals (``rows``, ``new``, ``duplicate``, ``invalid``)."""
    planned = _plan(account, table, mapping)
    totals = {"rows": len(planned), "new": 0, "duplicate": 0, "invalid": 0}
    for row in planned:
        totals[row.result] += 1
    duplicates = [row for row in planned if row.result == "duplicate"]
    return Preview(dict(mapping), planned[:limit], duplicates, totals)


def import_cards(
    account: Account,
    table: Table,
    mapping: Mapping[str, str],
    *,
    skip_duplicates: bool = True,
    progress: Progress | None = None,
    request_many: RequestMany | None = None,
) -> list[Outcome]:
    """Each row's outcome, in file order: ``created`` (its card), ``duplicate`` (left out;
    created too when not ``skip_duplicates``) or ``invalid`` (the field and why).
    ``request_many``: how the new cards' syncs are queued (default: :func:`create_cards`'s)."""
    planned = _plan(account, table, mapping)
    wanted = [
        index
        for index, row in enumerate(planned)
        if row.result == "new" or (row.result == "duplicate" and not skip_duplicates)
    ]
    outcomes = list(planned)
    for start in range(0, len(wanted), BULK_LIMIT):
        chunk = wanted[start : start + BULK_LIMIT]
        fields = [planned[i].fields for i in chunk]
        made = (
            create_cards(account, fields)
            if request_many is None
            else create_cards(account, fields, request_many=request_many)
        )
        for index, row in zip(chunk, made, strict=True):
            if row.card is not None:
                outcomes[index] = replace(planned[index], result="created", card_id=row.card.pk)
            elif row.error is not None:  # (refused after the plan: another writer meanwhile)
                error = row.error
                outcomes[index] = replace(
                    planned[index], result="invalid", field=error.field, reason=error.message
                )
        if progress is not None:
            progress(start + len(chunk), len(wanted))
    return outcomes


def import_outcomes(account: Account, results: Iterable[Outcome]) -> list[Outcome]:
    """``results`` with each created card's sync state as it stands now (``synced``: linked,
    ``review``: needs the user's choice, ``pending``, ``stopped``, …; ``none`` before its
    first sync), read through :func:`cards_query` — the account's cards only."""
    results = list(results)
    ids = [row.card_id for row in results if row.card_id is not None]
    states: dict[int, str] = {}
    for start in range(0, len(ids), _IN):
        for card in cards_query(account).filter(pk__in=ids[start : start + _IN]):
            states[card.pk] = card_summary(card)["sync_state"] or "none"
    return [
        replace(row, sync_state=states.get(row.card_id)) if row.card_id is not None else row
        for row in results
    ]


def totals_of(results: Sequence[Outcome]) -> dict[str, int]:
    """How many rows had each result (``rows`` for all)."""
    totals = {"rows": len(results), "created": 0, "duplicate": 0, "invalid": 0}
    for row in results:
        totals[row.result] += 1
    return totals
