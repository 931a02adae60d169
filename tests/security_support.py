"""Helpers for the security suites: a canary fixture, builds with the addresses they ingested, a fixed fuzz budget."""

from __future__ import annotations

import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.archive_server import CanaryServer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "wg-strategy-2025-07-enhanced-cooperation.txt"
DEV_CORPUS = Path(os.environ.get("IGKG_DEV_CORPUS", "/work/shared/corpus-dev/pages"))

# One fixed, derandomised example budget for every hypothesis suite, so CI time and results are stable.
settings.register_profile("igkg-security", max_examples=int(os.environ.get("IGKG_FUZZ_EXAMPLES", "60")),
                          deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FUZZ = settings.get_profile("igkg-security")


@pytest.fixture
def canary():
    """A loopback server that fails the test if it receives any request at all."""
    with CanaryServer() as server:
        yield server
    assert not server.requests, f"the canary was reached: {[h.path for h in server.requests]}"


@dataclass
class Built:
    """A build and the addresses it ingested (what the privacy gate is told to look for)."""

    result: object
    addresses: set[str]


def raw_texts(sources: list[Path]) -> list[str]:
    """The raw text of every source file (folders walked), before any redaction."""
    texts = []
    for source in sources:
        files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        texts += [f.read_bytes().decode("utf-8", errors="replace") for f in files]
    return texts


def build_with_addresses(sources: list[Path], **settings_kw) -> Built:
    """Build `sources` in memory; collect the addresses in their raw text for the gate."""
    from kg.config import Settings
    from kg.pipeline import build

    return with_addresses(build([str(s) for s in sources], Settings(quiet=True, **settings_kw)), sources)


def with_addresses(result, sources: list[Path]) -> Built:
    """A build result with the addresses its sources held (what the pipeline saw before redaction)."""
    from kg.privacy_gate import addresses_in, message_ids_of, normalise_address

    # pipermail obfuscates Message-IDs like addresses ("<synth-1 at lists.example.org>"): those are
    # identifiers the graph publishes on purpose, not mailboxes
    ids = {normalise_address(i) for i in message_ids_of(result.dataset)}
    addresses = addresses_in(raw_texts(sources)) - ids
    for m in result.messages:
        if m.author and m.author.address:
            addresses.add(m.author.address)
    return Built(result, addresses)


@contextmanager
def serving(app):
    """Run an ASGI app under a real uvicorn on a loopback ephemeral port; yields a requests-based client."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield Client(f"http://127.0.0.1:{sock.getsockname()[1]}")
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@dataclass
class Client:
    """requests against one root URL, never following redirects."""

    root: str

    def get(self, path: str, headers: dict | None = None, **kw):
        import requests

        return requests.get(self.root + path, headers=headers or {}, timeout=30, allow_redirects=False, **kw)

    def post(self, path: str, headers: dict | None = None, **kw):
        import requests

        return requests.post(self.root + path, headers=headers or {}, timeout=30, allow_redirects=False, **kw)
