"""Helpers for the security suites: a canary fixture, builds with the addresses they ingested, a fixed fuzz budget."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.archive_server import CanaryServer, _Handler
from tests.uvicorn_support import uvicorn_server

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "wg-strategy-2025-07-enhanced-cooperation.txt"
DEV_CORPUS = Path(os.environ.get("IGKG_DEV_CORPUS", "/work/shared/corpus-dev/pages"))

# One fixed, derandomised example budget for every hypothesis suite, so CI time and results are stable.
settings.register_profile("igkg-security", max_examples=int(os.environ.get("IGKG_FUZZ_EXAMPLES", "60")),
                          deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FUZZ = settings.get_profile("igkg-security")


class _AnyMethod(_Handler):
    """archive_server's handler for every method: SERVICE and Graph Store clients POST, others PUT or HEAD."""

    do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _Handler.do_GET


class Canary(CanaryServer):
    """A strict loopback server that records every request of any method, and every connection
    (a client that connects and sends garbage is a reach too, though no request line arrives)."""

    def __init__(self) -> None:
        super().__init__()
        self.connections = 0

    def __enter__(self) -> Canary:
        super().__enter__()
        self._httpd.RequestHandlerClass = type("Handler", (_AnyMethod,), {"owner": self})
        process = self._httpd.process_request

        def counted(request, client_address):
            with self._lock:
                self.connections += 1
            return process(request, client_address)
        self._httpd.process_request = counted
        return self

    @property
    def reached(self) -> bool:
        """True when anything at all arrived."""
        return bool(self.requests or self.connections)


@pytest.fixture
def canary():
    """A loopback server that fails the test if it receives any connection or request at all."""
    with Canary() as server:
        yield server
    assert not server.reached, f"the canary was reached: {[(h.method, h.path) for h in server.requests]}"


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
    with uvicorn_server(app) as root:
        yield Client(root)


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


# -- one hostile mail archive, built once per process ----------------------------------------------
HOSTILE_DATE = "Mon, 01 Jan 2024 10:00:00 +0000"


def _mail(mid: str, headers: bytes, body: bytes, sender: bytes = b"Pat Lee <pat@example.org>") -> bytes:
    return (b"From pat@example.org  Mon Jan  1 10:00:00 2024\n"
            + (b"From: " + sender + b"\n" if sender else b"")
            + f"Message-ID: <{mid}@hostile.example>\nDate: {HOSTILE_DATE}\n".encode()
            + headers + b"\n" + body + b"\n\n")


def hostile_messages(canary_url: str) -> dict[str, bytes]:
    """Raw mbox entries of the mail cases (security.md §5, 26-30, 32, 33, 35), by Message-ID local part."""
    deep = b"".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'.encode() for i in range(2000))
    return {
        "obfuscated-sender": _mail("obfuscated-sender", b"Subject: case 26\n", b"Short note from Carol.",
                                   b"carol at example.org (Carol Jones)"),
        "ambiguous-1": _mail("ambiguous-1", b"Subject: case 27\n", b"Who wrote this?",
                             b"alice@example.org)<bob@example.org>"),
        "ambiguous-2": _mail("ambiguous-2", b"Subject: case 27\n", b"Nobody knows.", b"a@b@c.org"),
        "unknown-word": _mail("unknown-word", b"Subject: =?x-unknown?Q?caf=E9?= =?utf-7?Q?+AGE-?=\n",
                              b"An unknown charset in the subject."),
        "broken-qp": _mail("broken-qp", b"Content-Type: text/plain; charset=utf-8\n"
                           b"Content-Transfer-Encoding: quoted-printable\nSubject: qp\n", b"broken =ZZ soft=\nbreak"),
        "unknown-body": _mail("unknown-body", b"Content-Type: text/plain; charset=x-unknown-cs\nSubject: cs\n",
                              b"Caf\xe9 ol\xe9 in an unknown charset."),
        "latin1-as-utf8": _mail("latin1-as-utf8", b"Content-Type: text/plain; charset=utf-8\nSubject: l1\n",
                                b"Caf\xe9 labelled UTF-8."),
        "utf8-as-latin1": _mail("utf8-as-latin1", b"Content-Type: text/plain; charset=iso-8859-1\nSubject: u8\n",
                                b"Caf\xc3\xa9 labelled Latin-1."),
        "raw-8bit": _mail("raw-8bit", b"Subject: R\xc3\xa9union \xc3\xa0 Gen\xc3\xa8ve\n", b"Raw UTF-8 header bytes.",
                          b"J\xc3\xa9r\xc3\xb4me Dupont <jerome@example.org>"),
        "crlf-subject": _mail("crlf-subject", b"Subject: =?utf-8?Q?Hello=0D=0AX-Injected:_yes?=\n",
                              b"A subject that tries to add a header."),
        "deep": _mail("deep", b"Subject: deep\n" + deep, b"Content-Type: text/plain\n\ninner words"),
        "many-to": _mail("many-to", b"Subject: wide\nTo: " + b", ".join(f"u{i}@example.org".encode()
                                                                         for i in range(10_000)) + b"\n",
                         b"Ten thousand recipients."),
        "quotes": _mail("quotes", b"Subject: quotes\n", b"On x " * 4000),
        "html-only": _mail("html-only", b"Subject: html\nContent-Type: text/html\n",
                           f"<p>Plain &amp; simple &eacute;t&eacute;</p><script>alert('x')</script>"
                           f"<img src=\"{canary_url}pixel\"><p>after</p>".encode()),
        "surrogates": _mail("surrogates", b"Subject: s\xed\xa0\x80x\nContent-Type: text/plain; charset=utf-8\n",
                            b"lone \xed\xa0\x80 surrogate bytes"),
        "surrogates-qp": _mail("surrogates-qp", b"Subject: qp\nContent-Type: text/plain; charset=utf-8\n"
                               b"Content-Transfer-Encoding: quoted-printable\n", b"lone =ED=A0=80 too"),
        "surrogates-html": _mail("surrogates-html", b"Subject: h\nContent-Type: text/html\n",
                                 b"<p>a &#xD800; b &#55296; c</p>"),
        "plain": _mail("plain", b"Subject: control\n", b"An ordinary message that must survive its neighbours."),
    }


@dataclass
class Hostile:
    """The hostile archive's build, its canary (kept open: the HTML mail points at it), and messages by id."""

    result: object
    canary: Canary
    seconds: float
    folder: Path

    def message(self, local: str):
        """The archived message whose Message-ID is <local@hostile.example>, or None when it was dropped."""
        return next((m for m in self.result.messages if m.id == f"{local}@hostile.example"), None)


_HOSTILE: list[Hostile] = []


def hostile_build(tmp: Path) -> Hostile:
    """Build the hostile archive once per process (several test modules read the same build)."""
    if not _HOSTILE:
        from kg.config import Settings
        from kg.pipeline import build

        canary = Canary().__enter__()  # stays up: served pages are checked against it too
        folder = tmp / "hostile"
        folder.mkdir()
        (folder / "hostile.mbox").write_bytes(b"".join(hostile_messages(canary.url("/")).values()))
        started = time.monotonic()
        result = build([str(folder / "hostile.mbox")], Settings(quiet=True), infer=False)
        _HOSTILE.append(Hostile(result, canary, time.monotonic() - started, folder))
    return _HOSTILE[0]
