"""kg.infer against owlrl: the compiled rules give exactly what owlrl's full OWL RL closure adds about the data."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.infer import default_rules, infer, infer_store, load_ontology
from kg.store import QuadStore

pytestmark = pytest.mark.filterwarnings("error")

DATA = Path(__file__).resolve().parent / "data" / "infer"
DATATYPE_CLASSES = {RDFS.Literal, RDFS.Datatype, RDF.langString, RDF.PlainLiteral, RDF.XMLLiteral}


def owlrl_restricted(data: Graph, ontology: Graph) -> set[tuple]:
    """owlrl's full OWL RL closure of (ontology + data), restricted to what the data needs.

    Precisely: C = owlrl.DeductiveClosure(OWLRL_Semantics) applied to O + D (owlrl's defaults:
    axiomatic triples and datatype axioms off). The result is every triple (s, p, o) of C such that
      - (s, p, o) is in neither O nor D (only what inference adds);
      - s is a data node: a subject of D, or a non-literal object of a D triple whose predicate is
        not rdf:type, and not a subject of O (so nothing said about ontology terms);
      - it is not an owl:sameAs self-link (s owl:sameAs s: igkg resolves identity before RDF);
      - it is not a typing by owl:Thing or rdfs:Resource;
      - it is not a literal or datatype typing (rdf:type rdfs:Literal, rdfs:Datatype,
        rdf:langString, rdf:PlainLiteral, rdf:XMLLiteral or any xsd: datatype).
    """
    closed = Graph()
    for triple in ontology:
        closed.add(triple)
    for triple in data:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    ontology_terms = set(ontology.subjects())
    nodes = set(data.subjects()) | {o for _, p, o in data if p != RDF.type and not isinstance(o, Literal)}
    nodes -= ontology_terms
    kept = set()
    for s, p, o in closed:
        if s not in nodes or (s, p, o) in data or (s, p, o) in ontology:
            continue
        if p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and (o in (OWL.Thing, RDFS.Resource) or o in DATATYPE_CLASSES or str(o).startswith(str(XSD))):
            continue
        kept.add((s, p, o))
    return kept


def _data_of(graphs: dict[str, Graph], ontology: Graph, keep) -> Graph:
    data = Graph()
    for name, graph in sorted(graphs.items()):
        if keep(name):
            for triple in graph:
                if triple not in ontology:
                    data.add(triple)
    return data


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def synth_build(tmp_path_factory):
    """Three synthetic messages (a thread with quotes and signatures) built by the real pipeline."""
    from kg import synth
    from kg.config import Settings
    from kg.pipeline import build

    root = tmp_path_factory.mktemp("synth")
    site = synth.pipermail_site(synth.generate(3, 1, seed=7))
    for path, data in site.items():
        if path.endswith(".html") and not path.endswith(("date.html", "thread.html")):
            target = root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return build([str(root)], Settings(quiet=True))


def _samples(seed_build, synth_build, ontology) -> dict[str, Graph]:
    chains = Graph()
    chains.parse(data=(DATA / "chains.ttl").read_bytes(), format="turtle")
    posts = sorted(n for n in seed_build.graphs if "/graph/post/" in n)

    def messages(build, names=None):
        return _data_of(build.graphs, ontology, lambda n: "/graph/post/" in n and (names is None or n in names))

    return {
        "chains": chains,
        # owlrl needs minutes for the whole seed with its KB (77 s here); its message graphs are the data
        "seed-first-posts": messages(seed_build, set(posts[:3])),
        "seed-last-posts": messages(seed_build, set(posts[3:])),
        "synth": messages(synth_build),
    }


@pytest.mark.parametrize("sample", ["chains", "seed-first-posts", "seed-last-posts", "synth"])
def test_infer_equals_owlrl_closure_restricted_to_the_data(sample, seed_build, synth_build, ontology):
    data = _samples(seed_build, synth_build, ontology)[sample]
    assert len(data) > 20
    assert set(infer(data)) == owlrl_restricted(data, ontology)


def test_edge_cases_reach_every_rule(ontology):
    """The hand-made sample really exercises each chain kind (so the differential test means something)."""
    ex = "https://kg.example.org/id/"
    data = Graph()
    data.parse(data=(DATA / "chains.ttl").read_bytes(), format="turtle")
    got = set(infer(data))
    org, foaf, schema = "http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/", "https://schema.org/"
    expected = [
        (ex + "org-ietf", RDF.type, foaf + "Agent"),  # subclass of a subclass
        (ex + "place-geneva", RDF.type, schema + "Place"),
        (ex + "org-a", org + "transitiveSubOrganizationOf", ex + "org-c"),  # sub-property then transitive
        (ex + "org-x", org + "transitiveSubOrganizationOf", ex + "org-c"),  # inverse then sub-property
        (ex + "org-b", org + "transitiveSubOrganizationOf", ex + "org-b"),  # the cycle
        (ex + "m1", RDF.type, org + "Membership"),  # domain
        (ex + "p2", org + "memberOf", ex + "org-ietf"),  # inverse
        (ex + "doc-tunis", RDF.type, foaf + "Document"),  # range of a sub-property source
        (ex + "org-ietf", URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("IETF")),
    ]
    for s, p, o in expected:
        assert (URIRef(s), URIRef(p), o if isinstance(o, Literal) else URIRef(o)) in got, (s, p, o)
    assert not any(isinstance(o, Literal) and p == RDF.type for _, p, o in got)
    assert not any(p == OWL.sameAs for _, p, _ in got)


def test_infer_store_equals_infer_and_replaces_the_graph(seed_build):
    store = QuadStore(None)
    inferred_name = next(n for n in seed_build.graphs if n.endswith("graph/inferred"))
    for name, graph in seed_build.graphs.items():
        if name != inferred_name:
            store.replace_graph(name, graph)
    stale = Graph()
    stale.add((URIRef("https://kg.example.org/id/stale"), RDF.type, OWL.Thing))
    store.replace_graph(inferred_name, stale)
    count = infer_store(store)
    got = {q[:3] for q in store.quads() if str(q[3]) == inferred_name}
    union = Graph()
    for name, graph in seed_build.graphs.items():
        if name != inferred_name:
            for triple in graph:
                union.add(triple)
    assert got == set(infer(union))
    assert count == len(got) > 0
    assert infer_store(store) == count  # idempotent: the inferred graph itself never feeds the rules


@pytest.mark.parametrize("on_disk", [False, True])
def test_infer_store_on_added_graphs_equals_a_full_run(seed_build, tmp_path, on_disk):
    """Graphs added one by one, each time only the new graph read: the same inferred graph as from scratch."""
    names = sorted(n for n in seed_build.graphs if "/graph/post/" in n)
    store = QuadStore(tmp_path / "store" if on_disk else None)
    kb = next(n for n in seed_build.graphs if n.endswith("graph/kb"))
    store.replace_graph(kb, seed_build.graphs[kb])
    inferred_name = kb.replace("graph/kb", "graph/inferred")
    infer_store(store, inferred_name)
    added = 0
    for name in names:
        store.replace_graph(name, seed_build.graphs[name])
        added += infer_store(store, inferred_name, added=[name])
    got = {q[:3] for q in store.quads() if str(q[3]) == inferred_name}
    assert infer_store(store, inferred_name) == len(got) and added > 0
    assert got == {q[:3] for q in store.quads() if str(q[3]) == inferred_name}


def test_rules_come_from_owlrl_closure_of_the_ontology():
    rules = default_rules()
    org = "http://www.w3.org/ns/org#"
    assert URIRef("http://xmlns.com/foaf/0.1/Agent") in rules.superclasses[URIRef("https://w3id.org/igkg/ns#TechnicalOrganization")]
    assert URIRef(org + "transitiveSubOrganizationOf") in rules.transitive
    assert not any(OWL.Thing in v for v in rules.superclasses.values())
