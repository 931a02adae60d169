"""Hostile mail as served: no injected headers, no script, no fetches, the gate on every response (cases 29, 33)."""

from __future__ import annotations

import re

import pytest

from kg.config import Settings
from kg.privacy_gate import scan_bytes
from kg.serve import create_app
from kg.store import QuadStore
from tests.security_support import hostile_build, serving

BASE = Settings().base_iri
SCRIPT = re.compile(rb"(?i)<script[^>]*>")
POSTS = ["crlf-subject", "html-only", "surrogates", "raw-8bit", "quotes"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    hostile = hostile_build(tmp_path_factory.mktemp("serve"))
    store = QuadStore()
    for name, graph in hostile.result.graphs.items():
        store.replace_graph(name, graph)
    with serving(create_app(store, Settings())) as client:
        yield hostile, client


def _paths(local: str) -> list[str]:
    rest = f"post/{local}%40hostile.example"
    return [f"/page/{rest}{ext}" for ext in (".html", ".ttl", ".jsonld", ".nt")] + [f"/id/{rest}", f"/thread/{rest}"]


@pytest.mark.parametrize("local", POSTS)
def test_case29_33_served_post_has_no_injected_header_no_script_and_no_contact_details(served, local, caplog):
    hostile, client = served
    seen = 0
    for path in _paths(local):
        response = client.get(path, headers={"Accept": "*/*"})
        assert response.status_code in (200, 303, 404), path
        seen += response.status_code == 200
        names = {name.lower() for name in response.headers}
        assert "x-injected" not in names, path
        assert not any("\r" in v or "\n" in v or "X-Injected" in v for v in response.headers.values()), path
        body = response.content
        assert b"alert(" not in body, path
        # the only script element a page may hold is its JSON-LD data block (not executable)
        assert set(SCRIPT.findall(body)) <= {b'<script type="application/ld+json">'}, path
        assert scan_bytes(body, {"pat@example.org", "carol@example.org", "jerome@example.org"}) == [], path
    assert seen >= 2  # the post really was served, in HTML and RDF
    for record in caplog.records:
        assert not any(line.lstrip().startswith("X-Injected") for line in record.getMessage().splitlines())
    assert not hostile.canary.reached


def test_case29_the_subject_is_in_the_page_as_escaped_text(served):
    _, client = served
    html = client.get("/page/post/crlf-subject%40hostile.example.html").text
    assert "Hello X-Injected: yes" in html
    turtle = client.get("/page/post/crlf-subject%40hostile.example.ttl").text
    assert "Hello X-Injected: yes" in turtle and "Hello\r\nX-Injected" not in turtle
