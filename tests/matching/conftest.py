"""One sample register with its name index for the matching tests (built once: it takes a while)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from firmsync.matching.index import NameIndex
from firmsync.matching.matcher import Matcher
from firmsync.registry.importer import import_paths
from firmsync.registry.sample import make_sample
from firmsync.registry.store import RegisterStore

from ..conftest import fresh_register_url

COMPANIES = 20_000


@dataclass(frozen=True)
class Indexed:
    store: RegisterStore
    index: NameIndex
    matcher: Matcher
    path: Path


@pytest.fixture(scope="package")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexed]:
    directory = tmp_path_factory.mktemp("matching")
    with fresh_register_url(directory) as url:
        store = RegisterStore(url)
        make_sample(directory / "sample", companies=COMPANIES, seed=8)
        import_paths(store, [directory / "sample"])
        index = NameIndex.build(store, directory / "names")
        yield Indexed(store, index, Matcher(index), directory / "names")
        store.close()
