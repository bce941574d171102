"""Property tests for the identity functions: junk never crashes them, valid values survive."""

from __future__ import annotations

import contextlib
import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ro import cnp as stdnum_cnp
from stdnum.ro import cui as stdnum_cui

from firmsync.identity import cnp, counties, cui, names, onrc, text
from firmsync.identity.exceptions import IdentityError

junk = st.one_of(st.text(), st.text(alphabet="0123456789 RO.-/ro"), st.from_regex(r"\d{1,14}"))


@given(junk)
def test_cui_validate_returns_digits_or_raises_an_identity_error(value: str) -> None:
    try:
        result = cui.validate(value)
    except IdentityError as error:
        assert error.code in {
            "empty",
            "not_a_number",
            "invalid_length",
            "wrong_check_digit",
            "personal_code",
        }
        return
    assert result.isdigit() and not result.startswith("0")
    assert stdnum_cui.is_valid(result)


@settings(deadline=None)  # the first classify() builds its lookup tables
@given(st.integers(min_value=1, max_value=999_999_999))
def test_every_valid_cui_is_accepted_in_every_spelling(base: int) -> None:
    number = str(base) + stdnum_cui.calc_check_digit(str(base))
    if len(number) > 10:
        return
    for spelling in (number, f"RO{number}", f"ro {number}", f"00{number}", f" RO 0{number} "):
        assert cui.validate(spelling) == number
        assert cui.classify(spelling) == (number, None)


@given(junk)
def test_classify_agrees_with_validate(value: str) -> None:
    digits, issue = cui.classify(value)
    try:
        assert cui.validate(value) == digits and issue is None
    except IdentityError as error:
        assert issue == error.code or (issue, error.code) == ("not_a_number", "empty")
        if issue in ("personal_code", "invalid_length", "empty", "not_a_number"):
            assert digits is None


def test_a_cnp_is_never_a_company_code() -> None:
    assert cui.classify("1850101410016") == (None, "personal_code")
    with pytest.raises(IdentityError, match="personal numeric code"):
        cui.validate("1850101410016")


@given(junk)
def test_cnp_validate_agrees_with_stdnum_and_raises_only_identity_errors(value: str) -> None:
    try:
        result = cnp.validate(value)
    except IdentityError as error:
        assert error.code in {
            "empty",
            "not_a_number",
            "invalid_length",
            "wrong_check_digit",
            "invalid_component",
        }
        assert not stdnum_cnp.is_valid(value)
        return
    assert result == stdnum_cnp.compact(value) and len(result) == 13


def _cnp(woman: bool, born: datetime.date, county: int, serial: int) -> str:
    """A valid CNP: the first digit says sex and century (1/2: 1900s, 5/6: 2000s, 3/4: 1800s)."""
    first = {18: 3, 19: 1, 20: 5}[born.year // 100] + woman
    body = f"{first}{born:%y%m%d}{county:02d}{serial:03d}"
    return body + stdnum_cnp.calc_check_digit(body)


valid_cnps = st.builds(
    _cnp,
    st.booleans(),
    st.dates(datetime.date(1800, 1, 1), datetime.date(2099, 12, 31)),
    st.sampled_from([1, 12, 40, 46, 51, 52]),
    st.integers(1, 999),
)


@given(valid_cnps, st.text(), st.sampled_from(["", " ", "^", ":", "RO", "(", "'", "\n"]))
def test_every_valid_cnp_is_masked_wherever_it_stands(number: str, around: str, sep: str) -> None:
    text = f"{around} {sep}{number}{sep[::-1]} {around}"
    assert cnp.is_valid(number) and number in cnp.find(text)
    masked = cnp.mask(text)
    assert number not in masked and cnp.find(masked) == []
    assert cnp.mask(masked) == masked


@given(st.text(alphabet="0123456789 JROro^-", max_size=60))
def test_mask_leaves_no_valid_cnp_and_only_touches_13_digit_numbers(value: str) -> None:
    masked = cnp.mask(value)
    assert cnp.find(masked) == [] and cnp.mask(masked) == masked
    if not re.search(r"[1-9][0-9]{12}", value):
        assert masked == value


def test_register_numbers_and_phone_numbers_are_not_masked() -> None:
    assert (
        cnp.mask("J2012000750528 ROONRC.J2012000750528") == "J2012000750528 ROONRC.J2012000750528"
    )
    assert cnp.mask("+40 721 234 567, 0040721234567") == "+40 721 234 567, 0040721234567"


@given(st.text())
def test_register_numbers_never_crash(value: str) -> None:
    with contextlib.suppress(IdentityError):
        onrc.validate(value)


@given(
    st.sampled_from("JFC"),
    st.integers(1990, 2024),
    st.integers(1, 99999),
    st.sampled_from([1, 12, 40, 52]),
)
def test_old_register_numbers_parse(letter: str, year: int, serial: int, county: int) -> None:
    parsed = onrc.parse(f"{letter}{county}/{serial}/{year}")
    assert (parsed.letter, parsed.county, parsed.serial, parsed.year) == (
        letter,
        county,
        serial,
        year,
    )


@given(st.text())
def test_names_never_crash_and_normalising_is_stable(value: str) -> None:
    name = names.normalise(value)
    assert name.core == name.core.strip()
    assert names.normalise(name.core).core == name.core or name.core == ""


@given(st.text())
def test_comma_below_never_leaves_cedillas_and_fold_is_ascii_for_romanian(value: str) -> None:
    assert not set("şţŞŢ") & set(text.to_comma_below(value))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('S.C. "Lemnlind" S.R.L.', ("LEMNLIND", "SRL", None)),
        (
            "ABC SRL - IN INSOLVENCY, IN INSOLVENTA, EN PROCEDURE COLLECTIVE",
            ("ABC", "SRL", "insolvency"),
        ),
        ("Ionescu Maria Întreprindere Individuală", ("IONESCU MARIA", "II", None)),
        ("SOCIETATEA COMERCIALA ALFA SOCIETATE PE ACTIUNI", ("ALFA", "SA", None)),
        ("SC SC ALFA SRL", ("ALFA", "SRL", None)),  # SEAP writes S.C. SC X
        ("ALFA & BETA SRL (IN LICHIDARE)", ("ALFA BETA", "SRL", "liquidation")),
    ],
)
def test_name_examples(written: str, expected: tuple[str, str | None, str | None]) -> None:
    assert tuple(names.normalise(written)) == expected


def test_every_county_has_a_canonical_name() -> None:
    for code, plate, name in counties.COUNTIES:
        assert counties.canonical(text.fold(name)) == name
        assert counties.canonical(plate) == name
        assert counties.by_code(code) == name


@given(st.from_regex(r"[0-9]{1,9}", fullmatch=True))
def test_the_fast_check_digit_agrees_with_stdnum(body: str) -> None:
    assert cui.check_digit(body) == stdnum_cui.calc_check_digit(body)
    assert cui._check_digit_by_tables(body) == stdnum_cui.calc_check_digit(body)
