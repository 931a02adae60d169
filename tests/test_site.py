"""The static site: pages and per-entity RDF, config snippets, path safety, atomic replacement."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, SKOS

from kg.config import Settings
from kg.errors import ConfigError
from kg.site import MARKER, build_table, publish_site

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_serve import BASE, EMAIL, SUPPRESSED, XSS, load_store  # noqa: E402  (the shared fixture)

HOSTILE_KEYS = ["..%2f..%2fetc%2fpasswd", "%2e%2e", "%2E%2E/%2e%2e/x", "a%00b", "back%5Cslash%5C..",
                "%252e%252e", ".hidden", "ABC", "abc", "caf%C3%A9"]


@pytest.fixture(scope="module")
def store():
    store = load_store()
    graph = Graph()
    for key in HOSTILE_KEYS:
        org = URIRef(BASE + "org/" + key)
        graph.add((org, RDF.type, ORG.Organization))
        graph.add((org, SKOS.prefLabel, Literal(f"..\\..\\{key} {XSS}")))
    store.replace_graph(BASE + "graph/post/hostile", graph)
    return store


@pytest.fixture(scope="module")
def site(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("publish") / "site"
    report = publish_site(store, Settings(), out, suppressed={SUPPRESSED})
    return out, report


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_pages_and_rdf_for_every_entity(site):
    out, report = site
    table = json.loads((out / "site-map.json").read_text())
    assert report.entities == len(table) > 40
    for rest, stem in table.items():
        for ext in (".html", ".ttl", ".jsonld"):
            assert (out / (stem + ext)).is_file(), (rest, ext)
    graph = Graph().parse(data=(out / "page/org/cstd.ttl").read_text(), format="turtle")
    assert (URIRef(BASE + "org/cstd"), RDF.type, ORG.Organization) in graph
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        jsonld = Graph().parse(data=(out / "page/org/cstd.jsonld").read_text(), format="json-ld")
    assert (URIRef(BASE + "org/cstd"), RDF.type, ORG.Organization) in jsonld
    assert isinstance(json.loads((out / "page/org/cstd.jsonld").read_text())["@context"], dict)
    for name in ("index.html", "void.ttl", "dump.ttl", "dump.nq", "nginx.conf", "apache.conf", "apache-map.txt", MARKER):
        assert (out / name).is_file()


def test_links_are_relative_and_resolve(site):
    out, _ = site
    html = (out / "page/person/3c4d.html").read_text()
    assert 'href="../../page/org/cstd.html"' in html
    thread = (out / "thread/post/m01.html").read_text()
    assert 'href="../../page/post/m02.html"' in thread
    index = (out / "index.html").read_text()
    assert 'href="./page/org/cstd.html"' in index


def test_hostile_keys_stay_inside_the_site(site, store):
    out, _ = site
    root = out.resolve()
    for path in _all_files(out):
        assert path.resolve().is_relative_to(root)
        assert "\x00" not in str(path) and "\\" not in path.name and "%" not in str(path.relative_to(root))
        assert not any(part in ("..", ".") for part in path.relative_to(root).parts)
    assert not (out.parent / "etc").exists() and not (out.parent.parent / "etc").exists()
    table = json.loads((out / "site-map.json").read_text())
    for key in HOSTILE_KEYS[:7]:
        assert table["org/" + key].startswith("page/_h/"), key
    assert table["org/ABC"] != table["org/abc"] and table["org/ABC"].casefold() != table["org/abc"].casefold()


def test_file_stems_never_escape():
    entities = [(BASE + "org/" + key, "organization", key) for key in HOSTILE_KEYS + ["ok-name", "x/../../y"]]
    table = build_table(entities, BASE)
    assert table[BASE + "org/ok-name"] == "page/org/ok-name"
    assert all(stem.startswith("page/") and ".." not in stem.split("/") for stem in table.values())
    assert len(set(s.casefold() for s in table.values())) == len(table)


def test_config_snippets_map_iris_to_files(site):
    out, _ = site
    nginx = (out / "nginx.conf").read_text()
    assert '"/id/org/cstd" "/page/org/cstd";' in nginx and "return 303 $igkg_page$igkg_ext;" in nginx
    assert 'add_header Vary "Accept" always;' in nginx
    assert '"/id/org/café"' in nginx  # decoded, as nginx matches $uri
    for line in nginx.splitlines():  # hostile keys never reach a config line
        assert "passwd" not in line and "\x00" not in line and "\\slash" not in line
    apache = (out / "apache.conf").read_text()
    assert "RewriteMap igkg" in apache and "[R=303,L]" in apache and "Vary" in apache
    assert "org/cstd page/org/cstd\n" in (out / "apache-map.txt").read_text()


def test_site_is_escaped_private_and_without_suppressed_people(site):
    out, _ = site
    for path in _all_files(out):
        if path.suffix in (".html", ".ttl", ".jsonld", ".nq", ".json", ".conf", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert EMAIL not in text and "mailto:" not in text, path
            assert "person/4d5e" not in text and "Dana Okafor" not in text, path
            if path.suffix == ".html":
                assert "<script>alert" not in text, path


def test_output_is_deterministic(store, tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    publish_site(store, Settings(), a, suppressed={SUPPRESSED})
    publish_site(store, Settings(), b, suppressed={SUPPRESSED})
    files_a = {p.relative_to(a): p.read_bytes() for p in _all_files(a)}
    files_b = {p.relative_to(b): p.read_bytes() for p in _all_files(b)}
    assert files_a == files_b


def test_replaces_only_its_own_folder(store, tmp_path):
    target = tmp_path / "site"
    publish_site(store, Settings(), target)
    (target / "stale.html").write_text("old")
    publish_site(store, Settings(), target)  # a previous site (it has the marker) is replaced whole
    assert not (target / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temp folders left behind
    other = tmp_path / "not-a-site"
    other.mkdir()
    (other / "precious.txt").write_text("keep")
    with pytest.raises(ConfigError, match="not an igkg site"):
        publish_site(store, Settings(), other)
    assert (other / "precious.txt").read_text() == "keep"
