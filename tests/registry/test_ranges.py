"""Reading the register in ranges of rows, as the name index's workers do (both databases)."""

from __future__ import annotations

from firmsync.registry.store import RegisterStore

COUNT = 3_000


def fill(store: RegisterStore) -> list[tuple[str, str]]:
    """``COUNT`` registrations, every other one with a state; ``(reg_number, status)`` of
    each, in the order they were written."""
    rows = [(f"J40/{n}/2020", f"FIRMA NUMARUL {n} COMERT SI SERVICII SRL") for n in range(COUNT)]
    states = [(reg_number, "active") for reg_number, _ in rows[::2]]
    with store.transaction():
        store.insert_many("registration", ("reg_number", "name"), rows)
        store.insert_many("registration_status", ("reg_number", "status"), states)
    return [
        (reg_number, "active" if n % 2 == 0 else "unknown")
        for n, (reg_number, _) in enumerate(rows)
    ]


def test_ranges_read_every_registration_once_in_stored_order(store: RegisterStore) -> None:
    expected = fill(store)
    ranges = store.row_ranges(200)
    assert len(ranges) > 3
    read = [
        row
        for low, high in ranges
        for row in store.registrations_in(low, high, "reg_number, status")
    ]
    assert read == expected


def test_a_range_larger_than_the_register_reads_it_whole(store: RegisterStore) -> None:
    expected = fill(store)
    ranges = store.row_ranges(10 * COUNT)
    assert len(ranges) == 1
    assert store.registrations_in(*ranges[0], "reg_number, status") == expected


def test_an_empty_register_has_no_ranges(store: RegisterStore) -> None:
    assert store.row_ranges(200) == []
