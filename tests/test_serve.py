"""The linked-data server over a real uvicorn on loopback: negotiation, pages, SPARQL, CORS, 410, privacy, XSS."""

from __future__ import annotations

import csv
import io
import json
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, RDF, RDFS, SKOS

from kg.config import Settings
from kg.negotiation import negotiate
from kg.serve import create_app
from kg.serve_sparql import BAD_TEXT, FORBIDDEN_TEXT
from kg.store import QuadStore, from_ox
from kg.vocab import IGKG, SIOC, VOID
from tests.uvicorn_support import uvicorn_server

FIXTURE = Path(__file__).resolve().parent / "data" / "queries" / "archive.trig"
BASE = "https://kg.example.org/id/"
XSS = '<script>alert("x")</script>'
SUPPRESSED = BASE + "person/4d5e"  # Dana Okafor in the fixture
EMAIL, PHONE = "eve.hacker@example.net", "+44 20 7946 0958"


def load_store() -> QuadStore:
    """The query fixture archive plus one hostile graph (XSS labels, contact details, javascript: link)."""
    graphs: dict[str, Graph] = {}
    # pyoxigraph's parser: rdflib's Dataset.parse raises a DeprecationWarning of its own (7.6.0)
    for quad in ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, Graph()).add(
            (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    hostile = Graph()
    org, post = URIRef(BASE + "org/xss"), URIRef(BASE + "post/xss")
    hostile.add((org, RDF.type, ORG.Organization))
    hostile.add((org, SKOS.prefLabel, Literal(XSS, lang="en")))
    hostile.add((org, SKOS.altLabel, Literal('"><img src=x onerror=alert(1)>')))
    hostile.add((post, RDF.type, SIOC.Post))
    hostile.add((post, SIOC.content, Literal(f"Write to {EMAIL} or call {PHONE} about {XSS}.")))
    hostile.add((post, IGKG.archivePage, URIRef("javascript:alert(1)")))
    hostile.add((post, URIRef("https://schema.org/mentions"), org))
    hostile.add((post, FOAF.maker, URIRef(BASE + "person/1a2b")))
    hostile.add((post, URIRef("https://schema.org/mentions"), URIRef(SUPPRESSED)))
    hostile.add((URIRef(BASE + "person/1a2b"), FOAF.mbox, URIRef("mailto:" + EMAIL)))
    graphs[BASE + "graph/post/xss"] = hostile
    store = QuadStore()
    for name, graph in graphs.items():
        store.replace_graph(name, graph)
    return store


@pytest.fixture(scope="module")
def store():
    return load_store()


@pytest.fixture(scope="module")
def root(store):
    with uvicorn_server(create_app(store, Settings(), suppressed={SUPPRESSED})) as url:
        yield url


def get(root, path, accept="__default__", **kw):
    headers = kw.pop("headers", {})
    if accept != "__default__":
        headers["Accept"] = accept  # None removes requests' default "*/*": a request with no Accept at all
    return requests.get(root + path, headers=headers, timeout=30, allow_redirects=False, **kw)


# -- negotiation as a pure function -----------------------------------------------------------------
OFFERED = ("text/html", "text/turtle", "application/ld+json", "application/n-triples")


@pytest.mark.parametrize("accept, expected", [
    (None, "text/html"), ("", "text/html"), ("*/*", "text/html"), ("text/*", "text/html"),
    ("text/turtle", "text/turtle"), ("text/turtle;q=0", None), ("text/turtle;q=0, */*", "text/html"),
    ("text/html;q=0, */*;q=0.1", "text/turtle"),
    ("text/html;q=0.5, text/turtle;q=0.9, application/ld+json;q=0.7", "text/turtle"),
    ("application/ld+json, text/turtle;q=0.8", "application/ld+json"),
    ("text/turtle, */*", "text/turtle"),  # named explicitly beats a wildcard at the same q
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
    ("image/png", None), ("garbage", "text/html"), ("text/turtle;q=abc, application/n-triples", "application/n-triples"),
    ("APPLICATION/N-TRIPLES", "application/n-triples"), ("application/ld+json;profile=x;q=0.3, text/html;q=0.2",
                                                         "application/ld+json"),
])
def test_negotiate(accept, expected):
    assert negotiate(accept, OFFERED) == expected


# -- the Accept matrix over every kind of entity ------------------------------------------------------
ENTITIES = {
    "person": ("person/1a2b", "Alice Mwangi"),
    "organization": ("org/cstd", "Commission on Science and Technology for Development"),
    "document": ("doc/tunis-agenda", "Tunis Agenda for the Information Society"),
    "paragraph": ("doc/tunis-agenda/para-72", "Tunis Agenda, paragraph 72"),
    "concept": ("concept/multistakeholderism", "multistakeholderism"),
    "event": ("event/igf-2025", "IGF 2025"),
    "place": ("place/geneva", "Geneva"),
    "post": ("post/m02", "Re: Tunis Agenda para 72 and the IGF mandate"),
    "forum": ("list/governance", "Governance"),
}
ACCEPTS = {
    "text/html": "text/html", "text/turtle": "text/turtle", "application/ld+json": "application/ld+json",
    "application/n-triples": "application/n-triples", "*/*": "text/html", None: "text/html",
    "text/turtle;q=0": None, "text/turtle;q=0, */*;q=0.5": "text/html",
    "text/html;q=0.2, application/ld+json;q=0.9, text/turtle;q=0.5": "application/ld+json",
    "application/pdf": None, "image/png, text/csv": None,
}
EXT = {"text/html": ".html", "text/turtle": ".ttl", "application/ld+json": ".jsonld", "application/n-triples": ".nt"}
RDF_FORMAT = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}


def _no_remote_context(obj):
    # JSON-LD contexts must be dicts, never URLs or paths (security.md D4)
    if isinstance(obj, dict):
        for key, value in obj.items():
            assert not (key == "@context" and not isinstance(value, dict)), value
            _no_remote_context(value)
    elif isinstance(obj, list):
        for item in obj:
            _no_remote_context(item)


def check_description(body: bytes, media_type: str, iri: str, label: str) -> Graph:
    """The body parses (from data, never a path) into a graph that describes `iri` with its label."""
    if media_type == "application/ld+json":
        _no_remote_context(json.loads(body))
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds a ConjunctiveGraph internally and warns about itself
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph = Graph().parse(data=body.decode("utf-8"), format=RDF_FORMAT[media_type])
    subject = URIRef(iri)
    assert (subject, RDF.type, None) in graph
    labels = {str(o) for p in (SKOS.prefLabel, FOAF.name, URIRef("http://purl.org/dc/terms/title"))
              for o in graph.objects(subject, p)}
    assert label in labels
    return graph


@pytest.mark.parametrize("kind", sorted(ENTITIES))
@pytest.mark.parametrize("accept", list(ACCEPTS), ids=lambda a: str(a))
def test_accept_matrix(root, kind, accept):
    rest, label = ENTITIES[kind]
    expected = ACCEPTS[accept]
    response = get(root, f"/id/{rest}", accept=accept)
    assert "Accept" in response.headers["Vary"]
    if expected is None:
        assert response.status_code == 406
        return
    assert response.status_code == 303
    assert response.headers["Location"] == f"/page/{rest}{EXT[expected]}"
    document = get(root, response.headers["Location"], accept=accept)
    assert document.status_code == 200
    assert document.headers["Content-Type"].split(";")[0] == expected
    if expected == "text/html":
        assert label.replace("'", "&#x27;") in document.text
    else:
        check_description(document.content, expected, BASE + rest, label)


def test_generic_document_negotiates_with_content_location(root):
    response = get(root, "/page/org/cstd", accept="text/turtle")
    assert response.status_code == 200 and response.headers["Content-Location"] == "/page/org/cstd.ttl"
    assert "Accept" in response.headers["Vary"]
    assert get(root, "/page/org/cstd", accept="image/png").status_code == 406


def test_description_has_inverse_links_and_labels(root):
    graph = check_description(get(root, "/page/org/cstd.ttl").content, "text/turtle", BASE + "org/cstd",
                              ENTITIES["organization"][1])
    cstd = URIRef(BASE + "org/cstd")
    assert (URIRef(BASE + "person/3c4d"), ORG.memberOf, cstd) in graph
    assert (URIRef(BASE + "person/3c4d"), RDFS.label, Literal("Chen Wei")) in graph
    assert (cstd, ORG.subOrganizationOf, URIRef(BASE + "org/ecosoc")) in graph


def test_representations_are_byte_stable(root):
    for ext in (".ttl", ".jsonld", ".nt", ".html"):
        assert get(root, f"/page/org/igf{ext}").content == get(root, f"/page/org/igf{ext}").content


@pytest.mark.parametrize("path", [
    "/id/org/unknown", "/page/org/unknown.html", "/page/..%2f..%2fetc%2fpasswd.html", "/id/%2e%2e/%2e%2e/etc/passwd",
    "/page/org/%00.ttl", "/id/org/a%5C..%5Cb", "/page/%252e%252e/x.html", "/thread/org/cstd", "/id/",
])
def test_unknown_and_hostile_paths_are_404(root, path):
    response = get(root, path, accept="text/turtle")
    assert response.status_code == 404
    assert "root:" not in response.text


def test_percent_encoding_case_is_normalised(store):
    from kg.serve import LinkedDataServer
    server = LinkedDataServer(store, Settings())
    assert server.resolve("org/%63std")[0] == BASE + "org/cstd"  # %63 is "c": decoded and re-encoded


# -- HTML pages ---------------------------------------------------------------------------------------
def test_organization_page(root):
    html = get(root, "/page/org/cstd.html").text
    assert "Members" in html and 'href="/page/person/3c4d.html">Chen Wei</a>' in html
    assert "Mentioned in" in html and "CSTD working group on IGF improvements" in html
    assert "<blockquote>" in html and "<mark>" in html and "archive page" in html  # evidence with its source
    assert "<svg" in html and 'role="img"' in html  # activity over time, inline
    assert '<script type="application/ld+json">' in html
    assert '<a href="/page/org/ecosoc.html">Economic and Social Council</a>' in html  # labels, not raw IRIs


def test_pages_have_no_external_assets_and_a_strict_csp(root):
    response = get(root, "/page/org/cstd.html")
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for marker in ("<link rel=\"stylesheet\"", "<script src", "<img src"):
        assert marker not in response.text


def test_person_page_links_affiliations_and_posts(root):
    html = get(root, "/page/person/3c4d.html").text
    assert "Affiliations" in html and 'href="/page/org/cstd.html"' in html
    assert "Posts" in html


def test_document_page_lists_its_paragraphs(root):
    html = get(root, "/page/doc/tunis-agenda.html").text
    assert "Parts" in html and 'href="/page/doc/tunis-agenda/para-72.html"' in html
    para = get(root, "/page/doc/tunis-agenda/para-72.html").text
    assert 'href="/page/doc/tunis-agenda.html"' in para and "Cited in" in para


def test_concept_event_place_pages(root):
    assert "Narrower concepts" in get(root, "/page/concept/internet-governance.html").text
    for rest in ("event/igf-2025", "place/oslo"):
        html = get(root, f"/page/{rest}.html").text
        assert "Mentioned in" in html and "<svg" in html


def test_post_page_and_thread_view(root):
    post = get(root, "/page/post/m03.html").text
    assert 'href="/thread/post/m01"' in post and "reply to" in post and 'class="content"' in post
    thread = get(root, "/thread/post/m03").text
    assert thread.index("post/m01.html") < thread.index("post/m02.html") < thread.index("post/m03.html")
    assert thread.count("<ul>") >= 2  # nested replies
    assert "<strong>" in thread  # the post we came from


def test_search(root):
    html = get(root, "/search", params={"q": "tunis"}).text
    assert 'href="/page/doc/tunis-agenda.html"' in html
    assert 'href="/page/org/icann.html"' in get(root, "/search", params={"q": "icann"}).text  # by acronym
    assert 'href="/page/place/geneva.html"' in get(root, "/search", params={"q": "geneve"}).text  # accents folded


def test_index_page(root):
    html = get(root, "/").text
    assert "Organizations" in html and 'href="/sparql"' in html and 'href="/dump.ttl"' in html


# -- XSS and privacy ----------------------------------------------------------------------------------
def test_labels_are_escaped_everywhere(root):
    pages = [get(root, "/page/org/xss.html").text, get(root, "/page/post/xss.html").text,
             get(root, "/search", params={"q": "<script>"}).text, get(root, "/search", params={"q": XSS}).text,
             get(root, "/sparql", accept="text/html", params={"query": 'SELECT ?l WHERE { ?x <'
                                                               + str(SKOS.prefLabel) + '> ?l }'}).text]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        assert html.count("<script") == html.count('<script type="application/ld+json">')
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0]
    block = pages[0].split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and json.loads(block)["name"] == XSS  # still the same text once parsed
    assert 'href="javascript:' not in pages[1]


@pytest.mark.parametrize("path", ["/page/post/xss.html", "/page/post/xss.ttl", "/page/post/xss.jsonld",
                                  "/page/person/1a2b.ttl", "/page/person/1a2b.html", "/dump.ttl", "/dump.nq"])
def test_no_addresses_or_phone_numbers_are_served(root, path):
    body = get(root, path).text
    assert EMAIL not in body and "mailto:" not in body and PHONE not in body and "7946" not in body


def test_sparql_results_are_scrubbed(root):
    query = f"SELECT ?c WHERE {{ <{BASE}post/xss> <{SIOC.content}> ?c }}"
    body = get(root, "/sparql", accept="application/sparql-results+json", params={"query": query}).text
    assert EMAIL not in body and PHONE not in body and "[address removed]" in body


def test_suppressed_person_is_gone(root):
    for path in ("/id/person/4d5e", "/page/person/4d5e.html", "/page/person/4d5e.ttl", "/page/person/4d5e",
                 "/id/post/m05", "/page/post/m05.html"):  # their own posts go too
        assert get(root, path).status_code == 410
    assert get(root, "/id/person/4d5e", accept="text/html").status_code == 410
    for path in ("/page/post/xss.ttl", "/page/post/xss.html", "/page/org/apc.html", "/page/person/6f70.html", "/dump.ttl", "/dump.nq",
                 "/search?q=dana", "/"):
        body = get(root, path).text
        assert "person/4d5e" not in body and "Dana Okafor" not in body
    rows = get(root, "/sparql", accept="text/csv", params={"query": f"SELECT ?p WHERE {{ ?p a <{FOAF.Person}> }}"})
    assert "person/4d5e" not in rows.text and "person/1a2b" in rows.text


# -- SPARQL protocol ----------------------------------------------------------------------------------
SELECT = f"SELECT ?o ?n WHERE {{ ?p <{ORG.memberOf}> ?o ; <{FOAF.name}> ?n }} ORDER BY ?o ?n"


def _expected(store):
    # the suppressed person's rows are left out by the endpoint
    return [(str(o), str(n)) for o, n in store.query(SELECT).rows if str(n) != "Dana Okafor"]


def test_sparql_get_json(root, store):
    response = get(root, "/sparql", accept="application/sparql-results+json", params={"query": SELECT})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = response.json()
    assert data["head"]["vars"] == ["o", "n"]
    assert [(b["o"]["value"], b["n"]["value"]) for b in data["results"]["bindings"]] == _expected(store)


def test_sparql_default_accept_is_json(root):
    response = get(root, "/sparql", accept="*/*", params={"query": "ASK { ?s ?p ?o }"})
    assert response.json()["boolean"] is True


def test_sparql_post_form_and_direct(root, store):
    form = requests.post(root + "/sparql", data={"query": SELECT}, timeout=30,
                         headers={"Accept": "text/tab-separated-values"})
    assert form.status_code == 200 and form.headers["Content-Type"].startswith("text/tab-separated-values")
    assert len(form.text.strip().splitlines()) == len(_expected(store)) + 1
    direct = requests.post(root + "/sparql", data=SELECT.encode("utf-8"), timeout=30,
                           headers={"Content-Type": "application/sparql-query; charset=utf-8",
                                    "Accept": "application/sparql-results+xml"})
    assert direct.status_code == 200
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(ET.fromstring(direct.content).findall(f"{ns}results/{ns}result")) == len(_expected(store))


def test_sparql_csv(root, store):
    response = get(root, "/sparql", accept="text/csv", params={"query": SELECT})
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["o", "n"] and [tuple(r) for r in rows[1:]] == _expected(store)


def test_sparql_html_form_and_results(root):
    form = get(root, "/sparql", accept="text/html")
    assert '<form action="/sparql" method="post">' in form.text and "<textarea" in form.text
    page = requests.post(root + "/sparql", data={"query": SELECT}, headers={"Accept": "text/html"}, timeout=30)
    assert "<table" in page.text and "Chen Wei" in page.text


def test_sparql_service_description(root):
    response = get(root, "/sparql", accept="text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, RDF.type, URIRef(sd + "Service")) in graph
    assert (None, URIRef(sd + "endpoint"), URIRef(root + "/sparql")) in graph


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/x> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
])
@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_sparql_guard_rejects_with_generic_body(root, query, method):
    headers = {"Accept": "application/sparql-results+json"}
    if method == "get":
        response = get(root, "/sparql", params={"query": query}, headers=headers, accept=headers["Accept"])
    elif method == "form":
        response = requests.post(root + "/sparql", data={"query": query}, headers=headers, timeout=30)
    else:
        response = requests.post(root + "/sparql", data=query.encode(), timeout=30,
                                 headers={**headers, "Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert response.text.strip() in (FORBIDDEN_TEXT, BAD_TEXT)
    assert "127.0.0.1" not in response.text and "passwd" not in response.text


def test_sparql_malformed_gets_a_generic_body(root):
    response = get(root, "/sparql", params={"query": "SELECT ?x WHERE { ?x <unterminated "},
                   accept="application/sparql-results+json")
    assert response.status_code == 400 and response.text.strip() == BAD_TEXT


def test_sparql_protocol_refusals(root):
    update = requests.post(root + "/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, timeout=30)
    assert update.status_code == 400
    dataset = get(root, "/sparql", params={"query": "ASK {}", "default-graph-uri": "file:///etc/passwd"})
    assert dataset.status_code == 400
    huge = requests.post(root + "/sparql", data={"query": "ASK {}" + " " * 70_000}, timeout=30)
    assert huge.status_code == 413
    wrong = requests.post(root + "/sparql", data=b"ASK {}", headers={"Content-Type": "text/plain"}, timeout=30)
    assert wrong.status_code == 415
    assert get(root, "/sparql", accept="image/png", params={"query": "ASK {}"}).status_code == 406


def test_cors_without_credentials(root):
    response = get(root, "/page/org/cstd.ttl", headers={"Origin": "https://evil.example", "Cookie": "s=1"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = requests.options(root + "/sparql", timeout=30, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in preflight.headers


# -- dataset description and dumps --------------------------------------------------------------------
def test_void_and_dcat(root, store):
    response = get(root, "/.well-known/void")
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef(root + "/sparql")) in graph
    assert (dataset, VOID.dataDump, URIRef(root + "/dump.ttl")) in graph
    assert (dataset, URIRef("http://www.w3.org/ns/dcat#distribution"), None) in graph
    jsonld = get(root, "/.well-known/void", accept="application/ld+json")
    _no_remote_context(jsonld.json())


def test_dumps_parse(root, store):
    turtle = Graph().parse(data=get(root, "/dump.ttl").text, format="turtle")
    assert (URIRef(BASE + "org/cstd"), RDF.type, None) in turtle
    quads = list(ox.parse(get(root, "/dump.nq").content, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} >= {BASE + "graph/kb", BASE + "graph/post/m01"}
    assert len(quads) < len(store)  # the hostile graph's mbox and the suppressed person's triples are gone
