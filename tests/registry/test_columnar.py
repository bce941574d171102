"""The columnar path for OD_FIRME gives exactly the rows and reports of the row parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmsync.identity import text
from firmsync.registry import columnar, onrc
from firmsync.registry.reader import DelimitedFile, FileReport
from firmsync.registry.sample import FIRME_HEADER, make_sample

from .snapshot import CNP, FIRME_ROWS

EXTRA_ROWS = [
    f"^{CNP}^F40/1/2010^^^PFA^România^^^^^^^^^^^^^",  # no name, a CNP: rejected, CNP masked
    "FARA NUMAR SRL^123^^01/01/2001^^^^^^^^^^^^^^^^^",  # no register number
    "SPATII SRL ^ 14399840 ^J12/9/2001^ 01/02/2001 ^^SRL^România^Cluj^^^^^^^^ 400001 ^^^^",
    "DATA REA SRL^14399840^J12/8/2001^31/02/2001 10:00^^SRL^România^Cluj^^^^^^^^XYZ^^^^",
    "CR SINGUR SRL^14399840^J12/7/2001^^^SRL^România^Cluj^^^^^^^^^^A\rB^^",  # a lone CR
    "RO PREFIX SRL^RO 14399840^J12/6/2001^^^SRL^România^Atlantis^^^^^^^^^^^^",
]


def write(tmp_path: Path, rows: list[str], *, cp1250_line: bool = False) -> Path:
    body = "".join(f"{row}\r\n" for row in rows).encode("utf-8")
    if cp1250_line:
        body += "VECHE ŞI BUNĂ SRL^2816464^J22/9/1995^^^SRL^România^Iaşi^^^^^^^^^^^^\r\n".encode(
            "cp1250"
        )
    path = tmp_path / "OD_FIRME.CSV"
    path.write_bytes(b"\xef\xbb\xbf" + FIRME_HEADER.encode() + b"\r\n" + body)
    return path


def both(path: Path, block: int) -> tuple[tuple[list, FileReport], tuple[list, FileReport]]:
    slow = DelimitedFile(path, FileReport("x"))
    fast = DelimitedFile(path, FileReport("x"))
    assert columnar.supports(fast)
    rows = list(onrc.parse_registrations(slow))
    fast_rows = list(columnar.parse_registrations_columnar(fast, block=block))
    return (rows, slow.report), (fast_rows, fast.report)


@pytest.mark.parametrize("block", [97, 600, 1 << 22])
def test_same_rows_and_reports_on_every_quirk(tmp_path: Path, block: int) -> None:
    rows = [row.replace("^J", f"^{n}J", 1) for n in range(5) for row in FIRME_ROWS + EXTRA_ROWS]
    (slow, slow_report), (fast, fast_report) = both(write(tmp_path, rows, cp1250_line=True), block)
    assert fast == slow
    assert len(slow) == 5 * 13 + 1  # 16 rows a copy, 3 rejected; and the cp1250 one
    for field in ("rows_read", "rejected", "warnings"):
        assert getattr(fast_report, field) == getattr(slow_report, field), field
    assert fast_report.examples == slow_report.examples
    assert CNP not in repr(fast_report.examples)


def test_same_rows_on_a_sample(tmp_path: Path) -> None:
    make_sample(tmp_path, companies=4000, seed=9)
    path = next(tmp_path.glob("firme-*/OD_FIRME.CSV"))
    (slow, slow_report), (fast, fast_report) = both(path, 1 << 16)
    assert fast == slow and len(fast) == 4000
    assert fast_report.warnings == slow_report.warnings


@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "Ş",
                "ş",
                "ţ",
                "Ţ",
                "ș",
                "ă",
                "Î",
                "^",
                " ",
                "e\u0301",
                "\u2126",
                "„",
                "é",
                "\u0327",
                "ß",
            ]
        ),
        max_size=40,
    )
)
def test_block_diacritics_agree_with_the_text_function(pieces: list[str]) -> None:
    line = "".join(pieces) + "\n"
    fixed = columnar._comma_below(line.encode("utf-8"))
    assert fixed.decode("utf-8") == text.to_comma_below(line)
