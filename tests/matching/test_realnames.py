"""The real-names evaluation: real companies (an excerpt of public records, with the
spellings public procurement uses for them) placed in a generated register and looked for
by those spellings; a share left out, so their spellings have no right answer."""

from __future__ import annotations

from pathlib import Path

from firmsync.matching.realnames import evaluate_real, parent_queries, read_companies

COMPANIES = (
    "name,cui,reg_number,county,locality,caen,informal_name,source\n"
    "BANCA TRANSILVANIA SA,5022670,J1993004155124,Cluj,Municipiul Cluj-Napoca,,"
    "BANCA TRANSILVANIA,onrc\n"
    "DANTE INTERNATIONAL SA,14399840,J2002000372404,MUNICIPIUL BUCUREŞTI,"
    "Sector 6 Mun. Bucureşti,4754,DANTE INTERNATIONALSA | DANTE INTERNATIONAL S.A.,anaf\n"
    "NUCLEARELECTRICA SERV S.R.L.,45374854,J2021004108136,Constanţa,"
    '"Loc. Cernavodă, Oraş Cernavodă",3312,Nuclearelectrica Serv,onrc\n'
    '"A STUDIO ARCHITECTURE&MANAGEMENT SRL",34760132,J40/8474/2015,Bucureşti,'
    "Bucureşti Sectorul 1,,A studio architecture&management,onrc\n"
    "NO NUMBER SRL,16783260,,Iaşi,Municipiul Iaşi,,NO NUMBER,onrc\n"
)
SICAP = """cui_as_in_source,name_as_in_sicap,cui_check_digit_valid
RO5022670,S.C. BANCA TRANSILVANIA S.A. S.A.,True
14399840,DANTE INTERNATIONAL S.A.,True
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "real"
    (folder / "raw").mkdir(parents=True)
    (folder / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    (folder / "raw" / "sicap_2023-2025_supplier_cui_names.csv").write_text(SICAP)
    return folder


def test_each_company_has_its_other_spellings_once(tmp_path: Path) -> None:
    companies = {c.cui: c for c in read_companies(_folder(tmp_path))}
    assert companies["5022670"].spellings == (
        "BANCA TRANSILVANIA",
        "S.C. BANCA TRANSILVANIA S.A. S.A.",
    )
    assert companies["14399840"].spellings == ("DANTE INTERNATIONALSA", "DANTE INTERNATIONAL S.A.")


def test_another_name_under_the_same_cui_is_not_a_spelling(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    with (folder / "raw" / "sicap_2023-2025_supplier_cui_names.csv").open("a") as sicap:
        sicap.write("RO14399840,HABAU PPS PIPELINE SYSTEMS S.R.L.,True\n")
    companies = {c.cui: c for c in read_companies(folder)}
    assert "HABAU PPS PIPELINE SYSTEMS S.R.L." not in companies["14399840"].spellings


def test_a_subsidiary_s_parent_is_asked_for_when_absent(tmp_path: Path) -> None:
    nuclear = next(c for c in read_companies(_folder(tmp_path)) if c.cui == "45374854")
    queries = parent_queries([nuclear], frozenset({"CERNAVODA"}), lambda key: False)
    assert [(q.name, q.cui) for q in queries] == [("NUCLEARELECTRICA", None)]
    assert parent_queries([nuclear], frozenset(), lambda key: True) == []


def test_the_real_companies_are_found_by_their_spellings_and_the_left_out_are_not(
    tmp_path: Path,
) -> None:
    figures = evaluate_real(_folder(tmp_path), tmp_path / "work", companies=300, absent=0.25)
    parents = figures.pop("parents not in the register")
    assert parents.present == 0 and parents.false_link_rate == 0.0
    for metrics in figures.values():
        # 4 companies with a register number: 3 placed, 1 left out; 6 spellings in all
        assert metrics.present + metrics.absent == 6 and metrics.absent in (1, 2)
        assert metrics.top5_recall == 1.0 and metrics.false_link_rate == 0.0
        assert metrics.auto_link_precision == 1.0
