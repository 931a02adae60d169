"""Privacy gate and suppression list on real builds: zero findings on clean data, a planted leak fails (case 40)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import FOAF, RDF

from kg.config import Settings
from kg.errors import ConfigError, IgkgError
from kg.export import FORMATS, export
from kg.manifest import verify_manifest
from kg.privacy_gate import LeakError, scan_bytes, scan_dataset, scan_text
from kg.store import QuadStore
from kg.suppression import (address_digest, apply_suppression, graph_mentions, load_suppression,
                            parse_suppression, suppressed_iris)
from kg.synth import generate, pipermail_site
from tests.security_support import DEV_CORPUS, SEED, build_with_addresses, serving, with_addresses

BASE = "https://kg.example.org/id/"


@pytest.fixture(scope="module")
def seed(seed_build):
    return with_addresses(seed_build, [SEED])


@pytest.fixture(scope="module")
def seed_store(seed):
    """The seed build in a store, shared by the serving tests (loading it is most of their cost)."""
    store = QuadStore()
    for name, graph in seed.result.graphs.items():
        store.replace_graph(name, graph)
    return store


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    # The synthetic archive as saved pipermail message pages (addresses obfuscated, as pipermail does).
    folder = tmp_path_factory.mktemp("synth")
    for path, body in pipermail_site(generate(16, 2, seed=3)).items():
        if path.endswith(".html") and path.rsplit("/", 1)[-1][0].isdigit():
            (folder / path.rsplit("/", 1)[-1]).write_bytes(body)
    return build_with_addresses([folder])


def _clean(built, tmp_path, formats):
    assert built.addresses, "the build ingested no address: the hash check would be vacuous"
    for fmt in formats:  # export() runs the gate on the dataset and on the serialised bytes
        export(built.result.dataset, tmp_path / f"out{fmt.extension}", known_addresses=built.addresses)
    assert verify_manifest(tmp_path).valid


def test_gate_passes_the_seed_in_every_format(seed, tmp_path):
    _clean(seed, tmp_path, FORMATS)


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="the development corpus is not on this machine")
def test_gate_passes_the_dev_corpus(tmp_path):
    built = build_with_addresses([DEV_CORPUS])
    assert scan_dataset(built.result.dataset, built.addresses) == []
    _clean(built, tmp_path, [FORMATS[3]])  # N-Quads: every graph, every term


def test_gate_passes_the_synthetic_archive(synthetic, tmp_path):
    _clean(synthetic, tmp_path, [FORMATS[0], FORMATS[3]])


def _planted(ds: Dataset, triple, whole: bool = False) -> Dataset:
    # A small slice of the real build (its metadata graph) plus the leak: the gate does not depend on size.
    copy = Dataset()
    for s, p, o, g in ds.quads((None, None, None, None)):
        if whole or str(g).endswith("graph/meta"):
            copy.graph(g).add((s, p, o))
    copy.graph(URIRef(BASE + "graph/planted")).add(triple)
    return copy


def _leaks(seed):
    address = sorted(seed.addresses)[0]
    post = URIRef(BASE + "post/planted")
    person = URIRef(BASE + "person/0123456789abcdef01234567")
    return address, {
        "email": (post, URIRef("http://rdfs.org/sioc/ns#content"), Literal(f"write to {address}")),
        "obfuscated": (post, URIRef("http://rdfs.org/sioc/ns#content"), Literal("mail jane.doe at example.org")),
        "sha1-mbox": (person, FOAF.mbox_sha1sum, Literal(hashlib.sha1(f"mailto:{address}".encode()).hexdigest())),
        "md5-in-iri": (URIRef(BASE + "person/" + hashlib.md5(address.encode()).hexdigest()), RDF.type, FOAF.Person),
        "phone": (post, URIRef("http://purl.org/dc/terms/title"), Literal("call +44 20 7946 0958")),
        "postal": (post, URIRef("http://rdfs.org/sioc/ns#content"), Literal("Office: 12 Rue de Rivoli, Paris")),
        "name-in-iri": (URIRef(BASE + "person/anriette-esterhuysen"), FOAF.name, Literal("Anriette Esterhuysen")),
        "mailto": (person, FOAF.mbox, URIRef(f"mailto:{address}")),
    }


@pytest.mark.parametrize("kind, fmt", [(k, "turtle") for k in ("email", "obfuscated", "sha1-mbox", "md5-in-iri",
                                                                  "phone", "postal", "name-in-iri", "mailto")]
                         + [("sha1-mbox", f.name) for f in FORMATS[1:]])
def test_planted_leak_fails_the_export_and_writes_nothing(seed, tmp_path, kind, fmt):
    address, leaks = _leaks(seed)
    fmt_ = next(f for f in FORMATS if f.name == fmt)
    target = tmp_path / f"out{fmt_.extension}"
    target.write_bytes(b"previous export\n")
    with pytest.raises(LeakError) as info:
        export(_planted(seed.result.dataset, leaks[kind]), target, known_addresses=seed.addresses)
    assert target.read_bytes() == b"previous export\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]
    assert address not in str(info.value)  # the report must not become the leak


def test_private_build_may_include_contact_details_with_a_warning(seed, tmp_path, caplog):
    _, leaks = _leaks(seed)
    export(_planted(seed.result.dataset, leaks["email"]), tmp_path / "private.ttl",
           known_addresses=seed.addresses, allow_contact_details=True)
    assert "privacy gate OFF" in caplog.text


@pytest.mark.parametrize("text", [
    "the meeting is at 14:30 in room 2", "organizations@0.1", "paragraph 69 of the Tunis Agenda (2005)",
    "Message-ID <CAF1234abcd@mail.gmail.com>", "sent via WG-Strategy", "2025-07-23T14:30:34+02:00",
])
def test_gate_ignores_ordinary_text(text):
    assert scan_text(text) == []


def test_message_ids_are_not_addresses_unless_ingested():
    iri = f"<{BASE}post/abc%40host.example.org> a <http://rdfs.org/sioc/ns#Post> ."
    assert scan_bytes(iri.encode()) == []
    assert [f.kind for f in scan_bytes(iri.encode(), known_addresses=["abc@host.example.org"])] == ["email"]


# -- suppression list ---------------------------------------------------------------------------------
def test_suppression_file_format(tmp_path):
    path = tmp_path / "suppress.txt"
    path.write_text("# comment\n\nperson:Dana Okafor\nChen Wei  # a plain name\nDana@Example.org\n"
                    f"sha256:{'a' * 64}\n", encoding="utf-8")
    lst = load_suppression(path)
    assert lst.is_suppressed(person_key_="person:dana okafor") and lst.is_suppressed(name="CHEN WEI")
    assert lst.is_suppressed(address="dana@example.org") and not lst.is_suppressed(address="x@example.org")
    assert address_digest("dana@example.org") in lst.address_digests
    assert "example.org" not in repr(lst)  # addresses are hashed at load, never kept
    with pytest.raises(ConfigError, match="line 1"):
        parse_suppression("mailto:x\n")
    with pytest.raises(ConfigError):
        load_suppression(tmp_path / "missing.txt")


def test_suppressed_person_is_gone_from_the_build_and_410_on_the_server(seed, seed_store, tmp_path):
    result = seed.result
    author = result.messages[0].author
    lst = parse_suppression(f"person:{author.name}\n")
    people = suppressed_iris(lst, result.resolution, result.messages)
    assert len(people) == 1
    ds = _planted(result.dataset, (URIRef(BASE + "post/x"), RDF.type, URIRef("http://rdfs.org/sioc/ns#Post")), True)
    before = graph_mentions(ds, people)
    report = apply_suppression(ds, people)
    assert before > 0 and report.removed_triples >= before
    assert graph_mentions(ds, people) == 0
    export(ds, tmp_path / "out.nq", known_addresses=seed.addresses)
    assert next(iter(people)) not in (tmp_path / "out.nq").read_text(encoding="utf-8")
    # The server answers 410 for them (and for their posts), from the unsuppressed store too.
    from kg.serve import create_app

    with serving(create_app(seed_store, Settings(), suppressed=people)) as client:
        path = "/id/" + next(iter(people))[len(BASE):]
        assert client.get(path).status_code == 410
        assert client.get("/page/" + next(iter(people))[len(BASE):] + ".ttl").status_code == 410


def test_served_responses_pass_the_gate(seed, seed_store):
    from kg.serve import create_app

    people = sorted(e.iri for e in seed.result.resolution.entities.values() if e.kind == "person")[:3]
    posts = sorted(str(m) for m in seed.result.graphs)[:2]
    with serving(create_app(seed_store, Settings())) as client:
        paths = ["/", "/dump.nq", "/.well-known/void", "/search?q=a"]
        paths += ["/page/" + p[len(BASE):] + ext for p in people for ext in (".html", ".jsonld")]
        paths += ["/sparql?query=SELECT%20%3Fo%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"]
        for path in paths:
            response = client.get(path, headers={"Accept": "*/*"})
            assert response.status_code == 200, path
            assert scan_bytes(response.content, seed.addresses) == [], path
            for name, value in response.headers.items():
                assert scan_text(value, seed.addresses) == [], (path, name)
    assert posts


def test_leak_error_is_an_igkg_error():
    assert issubclass(LeakError, IgkgError)
    with tempfile.TemporaryDirectory() as folder:
        assert not Path(folder, "manifest.json").exists()
