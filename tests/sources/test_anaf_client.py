"""The ANAF client against the local fake: batches, pace, every failure, nothing fetched twice."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from firmsync.identity import cui as cui_code
from firmsync.sources.anaf.client import AnafClient
from firmsync.sources.anaf.pace import IntervalPace
from firmsync.sources.errors import Blocked, Malformed, Transient
from firmsync.sources.fake.anaf import FAILURES, FakeAnaf
from firmsync.sources.resilience import Backoff, Breaker

RATE = 40.0  # requests/s the fake allows: the real limit is 1, the tests do not wait that long
PACE = RATE * 0.5  # the client's: a margin for a busy test machine's scheduling


def valid_cuis(count: int, start: int = 1_000_000) -> list[str]:
    bodies = (str(n) for n in range(start, start + count))
    return [body + cui_code.check_digit(body) for body in bodies]


@pytest.fixture
def fake() -> FakeAnaf:
    return FakeAnaf(rate=RATE, hang_seconds=0.5)


@pytest.fixture
def client(fake: FakeAnaf) -> Iterator[AnafClient]:
    with (
        fake.serve() as server,
        AnafClient(
            server.url,
            pace=IntervalPace(PACE),
            timeout=0.25,
            backoff=Backoff(base=0.02, cap=0.1, attempts=6),
            breaker=Breaker(threshold=3, cool_down=0.2),
        ) as anaf,
    ):
        yield anaf


def test_batches_of_100_at_the_pace_and_each_cui_once(fake: FakeAnaf, client: AnafClient) -> None:
    cuis = valid_cuis(250)
    result = client.vat(cuis)
    assert sorted(result.found) == sorted(cuis) and not result.failed
    assert result.requests == 3
    stats = fake.stats()
    assert stats["violations"] == 0 and stats["requests"] == 3 and stats["most_served"] == 1
    gaps = [b - a for a, b in zip(fake.arrivals, fake.arrivals[1:], strict=False)]
    assert min(gaps) >= 1 / RATE


def test_unknown_cuis_are_not_found_even_when_anaf_answers_404(
    fake: FakeAnaf, client: AnafClient
) -> None:
    absent = valid_cuis(2, start=5_000_000)
    fake.absent.update(absent)
    result = client.vat(absent)  # nothing found: the fake answers 404 with the lists
    assert result.not_found == set(absent) and not result.found and not result.failed


@pytest.mark.parametrize("kind", FAILURES)
def test_each_transient_failure_is_retried_until_it_passes(
    kind: str, fake: FakeAnaf, client: AnafClient
) -> None:
    fake.fail_next(kind, kind)
    cuis = valid_cuis(150)
    result = client.vat(cuis)
    assert sorted(result.found) == sorted(cuis) and not result.failed
    assert fake.injected[kind] == 2
    assert fake.stats()["most_served"] == 1  # a failed answer delivered nothing


def test_a_failure_that_lasts_fails_the_cuis_without_partial_facts(
    fake: FakeAnaf, client: AnafClient
) -> None:
    fake.fail_next(*["server_error"] * 6)
    cuis = valid_cuis(3)
    result = client.vat(cuis)
    assert not result.found and set(result.failed) == set(cuis)
    assert isinstance(result.failed[cuis[0]], Transient)
    assert fake.stats()["requests"] == 6  # the attempts bound


def test_a_malformed_answer_is_reported_and_not_asked_again(
    fake: FakeAnaf, client: AnafClient
) -> None:
    fake.fail_next("malformed")
    result = client.vat(valid_cuis(2))
    error = next(iter(result.failed.values()))
    assert isinstance(error, Malformed) and '{"found": [{"date_generale"' in str(error)
    assert fake.stats()["requests"] == 1 and not result.found


def test_an_error_envelope_is_malformed(fake: FakeAnaf, client: AnafClient) -> None:
    fake.fail_next("no_cod")
    result = client.vat(valid_cuis(1))
    assert "error 500: Eroare interna" in str(next(iter(result.failed.values())))


def test_firewall_pages_open_the_circuit_and_the_cuis_wait_for_a_later_call(
    fake: FakeAnaf, client: AnafClient
) -> None:
    fake.fail_next("firewall", "firewall", "firewall")
    cuis = valid_cuis(300)
    result = client.vat(cuis)
    assert not result.found and set(result.failed) == set(cuis)
    assert all(isinstance(error, Blocked) for error in result.failed.values())
    assert fake.stats()["requests"] == 3  # nothing sent once the circuit opened
    client.sleep(client.breaker.open_until - client.clock())
    later = client.vat(cuis)  # the trial call gets through and closes the circuit
    assert sorted(later.found) == sorted(cuis) and client.breaker.blocked_in_a_row == 0


def test_while_the_circuit_is_open_nothing_is_sent(fake: FakeAnaf, client: AnafClient) -> None:
    client.breaker = Breaker(threshold=1, cool_down=60.0)
    client.breaker.failed()
    with pytest.raises(Blocked, match="circuit open"):
        client.balance_sheet(valid_cuis(1)[0], 2024)
    assert fake.stats()["requests"] == 0


def test_balance_sheets_newest_first_skipping_years_without_filing(
    fake: FakeAnaf, client: AnafClient
) -> None:
    cui = valid_cuis(1)[0]
    fake.filed_years = (2021, 2023, 2024)
    sheets = client.balance_sheets(cui, range(2020, 2025))
    assert [sheet.year for sheet in sheets] == [2024, 2023, 2021]
    assert all(sheet.financials() is not None for sheet in sheets)
    assert fake.stats()["requests"] == 5 and fake.stats()["violations"] == 0


def test_a_balance_sheet_survives_a_reset_and_a_timeout(fake: FakeAnaf, client: AnafClient) -> None:
    fake.fail_next("reset", "timeout")
    sheet = client.balance_sheet(valid_cuis(1)[0], 2024)
    assert sheet is not None and sheet.year == 2024


def test_the_fake_counts_a_request_sent_too_soon(fake: FakeAnaf, client: AnafClient) -> None:
    fake.rate = 2.0  # one request per 500 ms
    client.pace = IntervalPace(100.0)
    client.vat(valid_cuis(300))
    assert fake.stats()["violations"] > 0


def test_the_pace_counts_from_when_a_request_leaves_not_from_before_its_bookkeeping() -> None:
    # The fetcher renews its lease and records the send before each request; on SQLite that
    # write can wait on another writer. The next request is spaced from when this one left.
    now = [0.0]
    sent: list[float] = []
    waits = iter([0.25, 0.0, 0.25, 0.0])  # the lock held by another writer, or free

    def bookkeeping(moment: float) -> None:
        now[0] += next(waits)

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pace = IntervalPace(1.0, clock=lambda: now[0], sleep=sleep, before_send=bookkeeping)
    for _ in range(4):
        pace.wait()
        sent.append(now[0])
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= pace.interval - 1e-9, gaps
