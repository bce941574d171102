"""The snapshot a month after a sample one: the same register with a few companies changed.

A register kept current from the data portal needs two snapshots to move between
(``firmsync dev fake-portal`` serves both). :func:`next_snapshot` reads a sample snapshot's
``OD_FIRME`` and ``OD_STARE_FIRMA`` (:func:`firmsync.registry.sample.make_sample`) line by
line and writes the next month's: a share of the companies renamed, another share moved to
another street, a share of the operating ones struck off (their ``1048`` row becomes
``1084``), and a few new companies registered at the end. Its other files, and the code
tables beside it, are the first snapshot's. Only rows that stand on one line are changed,
so a row broken across lines reads as it did.

The summary lists the register numbers of every change, so that a test can check exactly
what an import of the new snapshot touched.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from firmsync.registry.sample import _cui, coined_word

__all__ = ["NextSummary", "next_snapshot"]

_FIELDS = 20  # of an OD_FIRME row
_STREETS = ("Str. LIBERTĂȚII", "B-dul NOU", "Calea VICTORIEI", "Str. MORII")


@dataclass
class NextSummary:
    """The register numbers the next snapshot changed, by kind of change."""

    folder: Path  # the new ``firme-DD-MM-YYYY``
    renamed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    struck_off: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)


def _link_or_copy(source: Path, target: Path) -> None:
    """The same bytes under another name: a hard link where the file system allows one (a
    large sample's unchanged files are not written twice), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _renamed(name: bytes) -> bytes:
    """``ACME SRL`` → ``ACME GRUP SRL``: a new name the matcher still finds."""
    head, _, form = name.rpartition(b" ")
    return head + b" GRUP " + form if head else name + b" GRUP"


def _new_number(year: int, serial: int) -> str:
    """A register number of the 2024 format, serials from 900000 up (past the sample's)."""
    body = f"J{year}{900_000 + serial:06d}00"
    return body + str((ord("J") % 10 + sum(int(d) for d in body[1:])) % 10)


def next_snapshot(
    source: Path,
    out: Path,
    *,
    snapshot: date,
    share: float = 0.01,
    seed: int = 1,
) -> NextSummary:
    """Write the snapshot after ``source`` (a ``firme-DD-MM-YYYY`` folder, with its
    ``nomenclatoare-DD-MM-YYYY`` beside it) under ``out``, dated ``snapshot``: ``share`` of
    the companies renamed, as many moved, as many operating ones struck off, and a tenth as
    many new ones."""
    if not 0 < share <= 0.3:
        raise ValueError("share must be above 0 and at most 0.3")
    stamp = snapshot.strftime("%d-%m-%Y")
    folder, codes = out / f"firme-{stamp}", out / f"nomenclatoare-{stamp}"
    if folder.resolve() == source.resolve():
        raise ValueError(f"{source} is already dated {snapshot}")
    folder.mkdir(parents=True, exist_ok=True)
    codes.mkdir(parents=True, exist_ok=True)
    summary = NextSummary(folder)
    rng = random.Random(seed)
    lines = 0
    with (source / "OD_FIRME.CSV").open("rb") as rows, (folder / "OD_FIRME.CSV").open("wb") as new:
        new.write(rows.readline())
        for line in rows:
            lines += 1
            draw = rng.random()
            if draw < 2 * share and line.count(b"^") == _FIELDS - 1:
                fields = line.split(b"^")
                reg = fields[2].decode()
                if draw < share:
                    fields[0] = _renamed(fields[0])
                    summary.renamed.append(reg)
                else:
                    fields[9] = rng.choice(_STREETS).encode()
                    fields[10] = str(rng.randint(1, 300)).encode()
                    summary.moved.append(reg)
                line = b"^".join(fields)
            new.write(line)
        for n in range(max(1, round(lines * share / 10))):
            reg = _new_number(snapshot.year, n)
            name = f"{coined_word(rng)} NOUĂ SRL"
            new.write(
                f"{name}^{_cui(lines + n)}^{reg}^^ROONRC.{reg}^SRL^România^Cluj^Cluj-Napoca^"
                f"Str. FABRICII^{n + 1}^^^^^400001^^^^\r\n".encode()
            )
            summary.new.append(reg)
    status_in, status_out = source / "OD_STARE_FIRMA.CSV", folder / "OD_STARE_FIRMA.CSV"
    with status_in.open("rb") as rows, status_out.open("wb") as new:
        new.write(rows.readline())
        for line in rows:
            reg, _, code = line.rstrip(b"\r\n").partition(b"^")
            if code == b"1048" and rng.random() < share:
                line = reg + b"^1084\r\n"
                summary.struck_off.append(reg.decode())
            new.write(line)
        new.writelines(f"{reg}^1048\r\n".encode() for reg in summary.new)
    for path in sorted(source.iterdir()):
        if path.is_file() and not (folder / path.name).exists():
            _link_or_copy(path, folder / path.name)
    for old_codes in source.parent.glob(f"nomenclatoare-{source.name.removeprefix('firme-')}"):
        for path in sorted(old_codes.iterdir()):
            if path.is_file() and not (codes / path.name).exists():
                _link_or_copy(path, codes / path.name)
    return summary
