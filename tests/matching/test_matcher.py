"""The link/review/none decision and its rules, on a sample register."""

from __future__ import annotations

from firmsync.matching.evaluation import evaluate
from firmsync.matching.queries import sample_queries
from firmsync.matching.scoring import Query

from .conftest import Indexed


def _one(indexed: Indexed, ending: str) -> tuple[str, ...]:
    rows = indexed.store.query(
        "SELECT reg_number, cui, name, county, locality FROM registration_view "
        "WHERE status = 'active' AND cui IS NOT NULL "
        f"AND name LIKE {indexed.store.mark} ORDER BY line LIMIT 1",
        (f"% {ending}",),
    )
    assert rows, ending
    return rows[0]


def _unique_company(indexed: Indexed) -> tuple[str, ...]:
    for reg_number, cui, name, county, locality in indexed.store.query(
        "SELECT reg_number, cui, name, county, locality FROM registration_view "
        "WHERE status = 'active' AND cui IS NOT NULL "
        f"AND name LIKE {indexed.store.mark} ORDER BY line",
        ("% SRL",),
    ):
        if indexed.index.sharing(Query.parse(name).key) == 1:
            return reg_number, cui, name, county, locality
    raise AssertionError("no company with a name of its own")


def test_a_company_with_a_name_of_its_own_is_linked(indexed: Indexed) -> None:
    reg_number, cui, name, _, _ = _unique_company(indexed)
    result = indexed.matcher.match(name.lower())
    assert result.decision == "linked", result
    assert (result.linked.cui, result.linked.reg_number) == (cui, reg_number)
    assert result.candidates[0].probability >= indexed.matcher.model.link
    assert "same name" in result.candidates[0].reasons
    spelled = indexed.matcher.match("S.C. " + name.replace(" SRL", " S.R.L."))
    assert spelled.linked and spelled.linked.cui == cui


def test_a_persons_business_needs_an_agreeing_place(indexed: Indexed) -> None:
    _, cui, name, county, locality = _one(indexed, "PFA")
    alone = indexed.matcher.match(name)
    assert alone.decision != "linked"
    assert any("person" in r for r in alone.candidates[0].reasons)
    wrong_county = "Tulcea" if county != "Tulcea" else "Arad"
    assert indexed.matcher.match(name, county=wrong_county).decision != "linked"
    placed = indexed.matcher.match(name, county=county, locality=locality)
    if placed.decision == "linked":  # linked only when the place singles it out
        assert placed.linked.cui == cui
        assert "county agrees" in placed.candidates[0].reasons


def test_a_generic_name_shared_by_several_companies_never_links(indexed: Indexed) -> None:
    result = indexed.matcher.match("CONSTRUCT SRL")
    assert indexed.index.sharing("CONSTRUCT") > 1
    assert result.decision == "review"
    assert any("share this name" in r for r in result.candidates[0].reasons)


def test_a_company_not_in_the_register_is_not_linked(indexed: Indexed) -> None:
    result = indexed.matcher.match("ZZQUOXWYNT HOLOGRAFIE SRL")
    assert result.decision == "none"
    assert indexed.matcher.match("").decision == "none"


def test_a_legal_form_misspelt_by_hand_is_still_a_legal_form() -> None:
    query = Query.parse("Popescu Ion Persoana Fizica Autorizta", county="CLUJ")
    assert (query.key, query.legal_form, query.county) == ("POPESCU ION", "PFA", "Cluj")
    assert Query.parse("Alfa Construct S.R.L.", locality="Municipiul Cluj-Napoca").locality == (
        "CLUJ NAPOCA"
    )


def test_noisy_names_link_rightly_or_ask(indexed: Indexed) -> None:
    """The issue's quality bars, on a small register: links are right, absent ones not linked."""
    queries = sample_queries(indexed.store, present=400, absent=100, seed=11, with_county=0.5)
    m = indexed.matcher
    metrics = evaluate(lambda q: m.match(q.name, q.county, q.locality), queries)
    assert metrics.auto_link_precision >= 0.98, metrics
    assert metrics.false_link_rate <= 0.02, metrics
    assert metrics.top5_recall >= 0.9, metrics
    assert metrics.auto_link_rate >= 0.4, metrics
