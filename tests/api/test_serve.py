"""``firmsync serve``: one command serves the API through gunicorn, with its docs' assets
from whitenoise, and runs the worker that fills a new card within seconds."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from firmsync.registry.store import RegisterStore

from ..enrichment.conftest import TRADECENTER, deployment

pytestmark = pytest.mark.django_db(transaction=True)


def _firmsync() -> str:
    return str(Path(sys.executable).with_name("firmsync"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "firmsync serve stopped"
        try:
            httpx.get(f"{base}/api/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("firmsync serve did not answer within 30 s")


def test_serve_answers_the_docs_and_a_token_lists_its_accounts_cards(
    register: RegisterStore, register_url: str, tmp_path: Path
) -> None:
    env = {**deployment(tmp_path, register_url), "FIRMSYNC_SECRET_KEY": "s" * 50}

    def run(*args: str) -> str:
        return subprocess.run(
            [_firmsync(), *args], env=env, check=True, capture_output=True, text=True
        ).stdout

    run("migrate")
    for name, email in (("Acme", "ana@acme.ro"), ("Beta", "bob@beta.ro")):
        run("account", "create", name, "--plan", "professional", "--admin", email)
        run("addon", "activate", name)
    run("company", "add", "Beta", "--name", "Beta's client")
    token = run("token", "create", "ana@acme.ro", "--name", "test").splitlines()[-1]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [_firmsync(), "serve", "--port", str(port), "--workers", "2"], env=env, text=True
    )
    try:
        _wait_until_up(base, server)
        docs = httpx.get(f"{base}/api/docs")
        assert docs.status_code == 200 and not re.search(r"https?://", docs.text)
        for asset in re.findall(r'(?:src|href)="([^"]+)"', docs.text):
            assert httpx.get(f"{base}{asset}").status_code == 200, asset  # whitenoise
        api = httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"})
        made = api.post("/companies", json={"name": "Trade", "cui_input": TRADECENTER})
        assert made.status_code == 201, made.text
        state, deadline = None, time.monotonic() + 20
        while state != "synced" and time.monotonic() < deadline:
            time.sleep(0.3)
            card = api.get(f"/companies/{made.json()['id']}").json()
            state = card["sync"] and card["sync"]["state"]
        assert state == "synced", "the worker started by serve did not sync the card"
        listed = api.get("/companies").json()["items"]
        assert [c["name"] for c in listed] == ["Trade"]  # and not Beta's
        assert httpx.get(f"{base}/api/v1/companies").status_code == 401
        # Each web process listens on the port itself; a second serve there is refused.
        second = subprocess.run(
            [_firmsync(), "serve", "--port", str(port), "--no-worker"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1 and f"127.0.0.1:{port}" in second.stderr
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0


def test_serve_refuses_the_development_key_outside_a_demo(tmp_path: Path) -> None:
    env = deployment(tmp_path, f"sqlite:///{tmp_path}/registry.sqlite3")
    env.pop("FIRMSYNC_SECRET_KEY", None)
    env.pop("FIRMSYNC_DEBUG", None)
    subprocess.run([_firmsync(), "migrate"], env=env, check=True, capture_output=True)
    refused = subprocess.run(
        [_firmsync(), "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "FIRMSYNC_SECRET_KEY" in refused.stderr
