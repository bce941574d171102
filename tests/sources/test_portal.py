"""The data portal's client and catalogue: CKAN's shapes, untidy resources, retries, and
downloads checked against the sizes the portal lists."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from firmsync.sources.errors import Malformed, NotFound, Transient
from firmsync.sources.fake.portal import FakePortal
from firmsync.sources.fake.server import Answer, Request, serve
from firmsync.sources.portal import catalogue
from firmsync.sources.portal.client import Dataset, PortalClient, Resource, dataset_from
from firmsync.sources.resilience import Backoff

QUICK = Backoff(base=0.001, cap=0.001, attempts=3, jitter=0.0)


def _client(url: str) -> PortalClient:
    return PortalClient(url, backoff=QUICK, download_backoff=QUICK, timeout=5.0)


def _resource(name: str, url: str, created: str = "2025-07-01", size: int | None = 10) -> Resource:
    return Resource(name, f"https://data.gov.ro/dataset/d/resource/r/download/{url}", size, created)


def _dataset(name: str, *resources: Resource, modified: str = "") -> Dataset:
    return Dataset(name, "", None, modified, None, resources)


# --- the catalogue ------------------------------------------------------------------------


def test_the_newest_snapshot_by_the_date_in_its_name() -> None:
    datasets = [
        _dataset("firme-inregistrate-la-registrul-comertului-pana-la-data-de-07-aprilie-2024"),
        _dataset("firme-08-12-2025", modified="2026-01-01"),
        _dataset("firme-02-09-2026", modified="2025-01-01"),
        _dataset("nomenclatoare-02-09-2026"),
        _dataset("nomenclatoare-08-12-2025"),
        _dataset("nomenclatoare-01-01-2027"),
    ]
    newest = catalogue.newest(datasets, "firme-")
    assert newest is not None and newest.name == "firme-02-09-2026"
    tables = catalogue.code_tables_for(datasets, date(2026, 9, 2))
    assert tables is not None and tables.name == "nomenclatoare-02-09-2026"
    earlier = catalogue.code_tables_for(datasets, date(2026, 1, 5))
    assert earlier is not None and earlier.name == "nomenclatoare-08-12-2025"
    assert catalogue.dated("firme-31-02-2026") is None and catalogue.dated("firme-x") is None


def test_a_snapshot_takes_the_files_the_importer_reads() -> None:
    dataset = _dataset(
        "firme-02-09-2026",
        _resource("OD_FIRME.CSV", "od_firme.csv"),
        _resource("OD_STARE_FIRMA.CSV", "od_stare_firma.csv"),
        _resource("OD_REPREZENTANTI_IF.CSV", "od_reprezentanti_if.csv"),
        _resource("OD_SUCURSALE_ALTE_STATE_MEMBRE.CSV", "od_sucursale_alte_state_membre.csv"),
        _resource("N_CAEN.CSV", "n_caen.csv"),
        # Listed twice: the one created last is taken.
        _resource("OD_CAEN_AUTORIZAT.CSV", "od_caen_autorizat.csv", "2026-09-01"),
        _resource("OD_CAEN_AUTORIZAT.CSV", "OD_CAEN_AUTORIZAT.CSV", "2026-09-03", size=11),
        # Named by the resource when the URL's name says nothing.
        _resource("OD_REPREZENTANTI_LEGALI", "download.csv"),
    )
    files = catalogue.files_of(dataset, catalogue.SNAPSHOT_KINDS)
    assert [(f.name, f.resource.size) for f in files] == [
        ("OD_CAEN_AUTORIZAT.CSV", 11),
        ("od_firme.csv", 10),
        ("od_reprezentanti_if.csv", 10),
        ("OD_REPREZENTANTI_LEGALI.csv", 10),
        ("od_stare_firma.csv", 10),
    ]
    assert [f.name for f in catalogue.files_of(dataset, catalogue.CODE_KINDS)] == ["n_caen.csv"]


def test_an_untidy_mf_year_gives_its_two_data_files_and_their_descriptions() -> None:
    dataset = _dataset(
        "situatii_financiare_2024",
        _resource("WEB_UU_AN2024", "web_uu_an2024.txt", "2025-06-01", size=1),
        _resource("WEB_UU_AN2024", "web_uu_an2024.txt", "2025-06-20", size=2),  # re-uploaded
        _resource("WEB_UU_AN2024 specificatie", "specificatie_web_uu_an2024.csv"),
        _resource("WEB_BL_BS_SL_AN2024;", "WEB_BL_BS_SL_AN2024.txt"),
        _resource("WEB_BL_BS_SL_AN2024 specificatie", "web_bl_bs_sl_an2024.csv"),
        _resource("WEB_ONG_AN2024;", "web_ong_an2024.txt"),
        _resource("web_bl_bs_sl_an2013", "web_bl_bs_sl_an2013.txt"),  # another year's
        _resource("test", "test.txt"),
    )
    files = catalogue.mf_files(dataset, 2024)
    assert [(f.name, f.resource.size) for f in files] == [
        ("WEB_BL_BS_SL_AN2024.csv", 10),
        ("WEB_BL_BS_SL_AN2024.txt", 10),
        ("web_uu_an2024.csv", 10),
        ("web_uu_an2024.txt", 2),
    ]
    assert files[2].resource.url.endswith("specificatie_web_uu_an2024.csv")
    years = catalogue.mf_years(
        [
            _dataset("situatii_financiare_2024", modified="2025-07-01"),
            _dataset("situatii_financiare_2024_actualizat", modified="2025-11-01"),
            _dataset("situatii_financiare2023", modified="2024-07-01"),
            _dataset("buget-2024"),
        ]
    )
    assert {y: d.name for y, d in years.items()} == {
        2023: "situatii_financiare2023",
        2024: "situatii_financiare_2024_actualizat",
    }


def test_ckan_sizes_as_numbers_strings_or_nothing() -> None:
    data = {
        "name": "firme-02-09-2026",
        "organization": {"name": "onrc"},
        "resources": [
            {"name": "A", "url": "http://x/a.csv", "size": 693671250},
            {"name": "B", "url": "http://x/b.csv", "size": "12"},
            {"name": "C", "url": "http://x/c.csv", "size": None},
            {"name": "D", "url": "http://x/d.csv"},
        ],
    }
    dataset = dataset_from(data)
    assert dataset.organization == "onrc"
    assert [r.size for r in dataset.resources] == [693671250, 12, None, None]
    with pytest.raises(ValueError, match="without a url"):
        dataset_from({"name": "x", "resources": [{"name": "A"}]})


# --- the client, against the fake ----------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "portal" / "firme-02-12-2026"
    folder.mkdir(parents=True)
    (folder / "OD_FIRME.CSV").write_bytes(b"DENUMIRE^CUI\r\n" + b"A SRL^1\r\n" * 5000)
    (folder / "OD_STARE_FIRMA.CSV").write_bytes(b"COD_INMATRICULARE^COD\r\n")
    return tmp_path / "portal"


@pytest.fixture
def portal(root: Path) -> Iterator[tuple[FakePortal, str]]:
    fake = FakePortal(root)
    with fake.serve() as server:
        yield fake, server.url


def test_search_and_show_read_ckan_answers(portal: tuple[FakePortal, str]) -> None:
    _, url = portal
    with _client(url) as client:
        found = client.search("organization:onrc")
        assert [d.name for d in found] == ["firme-02-12-2026"]
        assert client.search("organization:mfp") == []
        shown = client.show("firme-02-12-2026")
        assert {r.name: r.size for r in shown.resources} == {
            "OD_FIRME.CSV": 14 + 9 * 5000,
            "OD_STARE_FIRMA.CSV": 23,
        }
        with pytest.raises(NotFound):
            client.show("firme-01-01-2000")


def test_search_reads_every_page(tmp_path: Path) -> None:
    for day in range(1, 24):
        (tmp_path / f"firme-{day:02d}-01-2026").mkdir()
    fake = FakePortal(tmp_path)
    with fake.serve() as server, _client(server.url) as client:
        assert len(client.search("organization:onrc", rows=10)) == 23
    assert fake.stats()["package_search"] == 3


def test_transient_failures_are_asked_again_then_reported(portal: tuple[FakePortal, str]) -> None:
    fake, _ = portal
    failures = iter([503, 502])

    def handle(request: Request) -> Answer:
        status = next(failures, None)
        return Answer(status, b"busy", "text/plain") if status else fake.handle(request)

    with serve(handle) as server, _client(server.url) as client:
        assert client.show("firme-02-12-2026").name == "firme-02-12-2026"
    always = serve(lambda request: Answer(500, b"", "text/plain"))
    with always, _client(always.url) as client, pytest.raises(Transient, match=r"3 tries"):
        client.search("organization:onrc")
    garbage = serve(lambda request: Answer(200, b"<html>maintenance</html>", "text/html"))
    with garbage, _client(garbage.url) as client, pytest.raises(Malformed, match="not JSON"):
        client.search("organization:onrc")


def test_a_download_is_checked_against_the_listed_size(
    portal: tuple[FakePortal, str], tmp_path: Path
) -> None:
    fake, url = portal
    with _client(url) as client:
        firme = next(r for r in client.show("firme-02-12-2026").resources if "FIRME" in r.name)
        seen: list[tuple[int, int | None]] = []
        size = client.download(
            firme, tmp_path / "a" / "od_firme.csv", progress=lambda *a: seen.append(a)
        )
        assert size == firme.size == (tmp_path / "a" / "od_firme.csv").stat().st_size
        assert seen[0] == (0, firme.size) and seen[-1] == (firme.size, firme.size)
        fake.scenario = "truncated"  # a file seen already is sent whole: a new one is cut
        wrong = Resource(firme.name, firme.url, (firme.size or 0) + 1, "")
        with pytest.raises(Transient, match=r"bytes where the portal lists .* \(3 tries\)"):
            client.download(wrong, tmp_path / "b" / "od_firme.csv")
        assert not any((tmp_path / "b").iterdir())
        unlisted = Resource(firme.name, firme.url, None, "")  # then the Content-Length counts
        assert client.download(unlisted, tmp_path / "c" / "od_firme.csv") == firme.size
        gone = Resource(firme.name, url + "/dataset/x/resource/y/download/od_firme.csv", 1, "")
        with pytest.raises(NotFound):
            client.download(gone, tmp_path / "d" / "od_firme.csv")


def test_a_transfer_cut_before_its_length_is_fetched_again(tmp_path: Path) -> None:
    body = b"x" * 200_000
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n"
    # The fake server cannot send part of an answer it announced whole: a bare socket does.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer() -> None:
        for sent in (body[:1000], body):  # first cut (a reset), then whole
            connection, _ = listener.accept()
            connection.recv(65536)
            connection.sendall(head + sent)
            if len(sent) < len(body):
                linger = struct.pack("ii", 1, 0)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            connection.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with _client(url) as client:
        got = client.download(Resource("F", url + "/f.csv", None, ""), tmp_path / "f.csv")
    thread.join(5)
    listener.close()
    assert got == len(body) and (tmp_path / "f.csv").read_bytes() == body
