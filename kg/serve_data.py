"""What the linked-data pages show, read from the store with prepared SPARQL (bound parameters only)."""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.serve_privacy import publishable, scrub_term, scrub_text
from kg.store import QuadStore, to_ox
from kg.vocab import DCAT, IGKG, IGKG_NS, OA, SCHEMA, SIOC, VOID

PREFIXES = {
    "igkg": IGKG_NS, "sioc": str(SIOC), "foaf": str(FOAF), "org": str(ORG), "skos": str(SKOS),
    "dcterms": str(DCTERMS), "prov": str(PROV), "oa": str(OA), "schema": str(SCHEMA), "xsd": str(XSD),
    "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "void": str(VOID), "dcat": str(DCAT),
}
# Page kinds in the order a type decides them (a paragraph is a document; a post outranks everything).
KIND_TYPES: tuple[tuple[str, tuple[URIRef, ...]], ...] = (
    ("post", (SIOC.Post,)),
    ("person", (FOAF.Person,)),
    ("organization", (ORG.Organization, IGKG.IntergovernmentalOrganization, IGKG.GovernmentalOrganization,
                      IGKG.TechnicalOrganization, IGKG.CivilSocietyOrganization, IGKG.MultistakeholderBody,
                      IGKG.PrivateOrganization, IGKG.OtherOrganization)),
    ("document", (FOAF.Document, IGKG.Paragraph)),
    ("concept", (SKOS.Concept,)),
    ("event", (SCHEMA.Event,)),
    ("place", (SCHEMA.Place,)),
    ("forum", (SIOC.Forum,)),
)
PAGE_KINDS = tuple(kind for kind, _ in KIND_TYPES)
LABEL_PREDICATES = (SKOS.prefLabel, FOAF.name, DCTERMS.title, RDFS.label)
# Inverse links worth a section of their own on a page, with the heading people read.
INVERSE_TITLES = {
    SCHEMA.mentions: "Mentioned in",
    ORG.memberOf: "Members",
    DCTERMS.isPartOf: "Parts",
    ORG.subOrganizationOf: "Sub-organizations",
    SKOS.broader: "Narrower concepts",
    FOAF.maker: "Posts",
    SIOC.reply_of: "Replies",
    SIOC.has_container: "Posts",
    IGKG.cites: "Cited in",
    IGKG.quotedIn: "Quoted posts",
    SKOS.inScheme: "Concepts",
    IGKG.agreesWith: "Agreed with by",
    IGKG.disagreesWith: "Disagreed with by",
    IGKG.chairs: "Chaired by",
    IGKG.locatedIn: "Located here",
}
# Inverse links that the evidence or membership sections already show, or that are bookkeeping.
HIDDEN_INVERSE = frozenset({OA.hasBody, OA.hasSource, RDF.subject, RDF.object, ORG.member, ORG.organization,
                            IGKG.statedIn})
PREDICATE_LABELS = {
    RDF.type: "type", SKOS.prefLabel: "name", SKOS.altLabel: "also known as", FOAF.name: "name",
    DCTERMS.title: "title", IGKG.acronym: "acronym", ORG.subOrganizationOf: "part of",
    ORG.memberOf: "member of", DCTERMS.isPartOf: "part of", DCTERMS.issued: "issued",
    DCTERMS.created: "date", FOAF.maker: "author", SIOC.has_container: "list", SIOC.reply_of: "reply to",
    DCTERMS.identifier: "Message-ID", IGKG.archivePage: "archive page", SCHEMA.mentions: "mentions",
    IGKG.cites: "cites", SKOS.broader: "broader", SKOS.inScheme: "scheme", IGKG.paragraphNumber: "paragraph",
    IGKG.quotedIn: "quoted in", IGKG.roleLabel: "role", OWL.sameAs: "same as", SKOS.exactMatch: "same as",
    DCTERMS.creator: "creator", IGKG.agreesWith: "agrees with", IGKG.disagreesWith: "disagrees with",
    IGKG.proposes: "proposes", IGKG.chairs: "chairs", IGKG.locatedIn: "located in",
}
# Shown elsewhere on the page (header, text, membership section) rather than in the facts table.
HIDDEN_OUTGOING = frozenset({SKOS.prefLabel, FOAF.name, SKOS.altLabel, SIOC.content, ORG.hasMembership})
MAX_INVERSE = 500
MAX_QUOTES = 50


@dataclass(frozen=True)
class Ref:
    """A link to a resource: its IRI, the label people read, and its page kind (None: no page)."""

    iri: str
    label: str
    kind: str | None = None


@dataclass(frozen=True)
class Value:
    """One object of a fact: a link, or literal text with its language or datatype."""

    text: str
    ref: Ref | None = None
    note: str = ""


@dataclass(frozen=True)
class Quote:
    """Evidence: the exact words (with their context) a fact was read from, and where."""

    prefix: str
    exact: str
    suffix: str
    post: Ref
    archive_page: str | None
    date: str | None


@dataclass(frozen=True)
class Membership:
    """An affiliation: the person, the organization, the role (when stated) and the post that states it."""

    person: Ref
    organization: Ref
    role: str | None
    stated_in: Ref | None


@dataclass(frozen=True)
class ThreadNode:
    """A post in a reply tree, with its replies."""

    post: Ref
    author: str | None
    date: str | None
    replies: tuple[ThreadNode, ...] = ()


@dataclass(frozen=True)
class EntityView:
    """Everything an entity page shows, already privacy-filtered."""

    iri: str
    kind: str
    label: str
    alt_labels: tuple[str, ...]
    facts: tuple[tuple[str, tuple[Value, ...]], ...]
    inverse: tuple[tuple[str, tuple[Ref, ...]], ...]
    memberships: tuple[Membership, ...]
    quotes: tuple[Quote, ...]
    activity: tuple[tuple[str, int], ...]
    content: str | None = None
    thread_root: str | None = None
    schema: dict = field(default_factory=dict)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _values(var: str, iris: Iterable[str]) -> str:
    # A VALUES block of IRIs, each validated by pyoxigraph's strict IRI parser before n3() writes it:
    # the multi-row form of QuadStore.with_bindings, never user text pasted into the query.
    terms = []
    for iri in iris:
        term = URIRef(iri)
        to_ox(term)
        terms.append(term.n3())
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def _label_rank(pred: URIRef, lit) -> tuple:
    lang = getattr(lit, "language", None)
    lang_rank = 0 if lang in (None, "en") else 1 if str(lang).startswith("en") else 2
    return (LABEL_PREDICATES.index(pred) if pred in LABEL_PREDICATES else 9, lang_rank, str(lit))


class Reader:
    """Reads pages' contents from a QuadStore; every IRI is a bound, validated term."""

    def __init__(self, store: QuadStore, base_iri: str, suppressed: Iterable[str] = ()):
        self.store = store
        self.base = base_iri
        self.suppressed = frozenset(suppressed)
        self._lock = threading.Lock()
        self._index: tuple[int, list[tuple[str, str, str, str]]] | None = None

    # -- small reads ---------------------------------------------------------------------------
    def kind(self, iri: str) -> str | None:
        """The page kind of `iri` from its types, 'thing' for any other subject, None if unknown."""
        rows = self.store.query("SELECT ?t WHERE { ?e a ?t }", {"e": URIRef(iri)}).rows
        types = {t for (t,) in rows}
        for kind, classes in KIND_TYPES:
            if types.intersection(classes):
                return kind
        if types or self.store.query("ASK { ?e ?p ?o }", {"e": URIRef(iri)}).boolean:
            return "thing"
        return None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        """The best label of each IRI (English prefLabel first), for those that have one."""
        wanted = sorted({i for i in iris if i})
        best: dict[str, tuple] = {}
        for start in range(0, len(wanted), 200):
            chunk = wanted[start:start + 200]
            preds = " ".join(p.n3() for p in LABEL_PREDICATES)
            q = f"SELECT ?x ?p ?l WHERE {{ {_values('x', chunk)} VALUES ?p {{ {preds} }} ?x ?p ?l }}"
            for x, p, lit in self.store.query(q).rows:
                rank = _label_rank(p, lit)
                if str(x) not in best or rank < best[str(x)]:
                    best[str(x)] = rank
        return {iri: scrub_text(rank[2]) for iri, rank in best.items()}

    def kinds(self, iris: Iterable[str]) -> dict[str, str]:
        """The page kind of each IRI that has one."""
        wanted = sorted({i for i in iris if i})
        out: dict[str, str] = {}
        order = {kind: n for n, (kind, _) in enumerate(KIND_TYPES)}
        type_kind = {t: kind for kind, classes in KIND_TYPES for t in classes}
        for start in range(0, len(wanted), 200):
            q = f"SELECT ?x ?t WHERE {{ {_values('x', wanted[start:start + 200])} ?x a ?t }}"
            for x, t in self.store.query(q).rows:
                kind = type_kind.get(t)
                if kind and (str(x) not in out or order[kind] < order[out[str(x)]]):
                    out[str(x)] = kind
        return out

    def refs(self, iris: Iterable[str]) -> dict[str, Ref]:
        """Refs (label + kind) for IRIs, suppressed people left out."""
        iris = [i for i in set(iris) if i not in self.suppressed]
        labels, kinds = self.labels(iris), self.kinds(iris)
        return {i: Ref(i, labels.get(i) or self.short(i), kinds.get(i)) for i in iris}

    def short(self, iri: str) -> str:
        """A readable fallback label: the IRI without the base, or a prefixed name."""
        if iri.startswith(self.base):
            return iri[len(self.base):]
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    # -- RDF description -------------------------------------------------------------------------
    def describe(self, iri: str) -> Graph:
        """The entity's description: its triples, its `#` parts and memberships, inverse links (capped),
        and the labels of everything it links to; privacy-filtered."""
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True)
        entity = URIRef(iri)
        triples: list[tuple] = []
        frontier, seen = [entity], set()
        while frontier:  # the entity, then its skolemised parts (annotation#target...) and memberships
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.store.query("SELECT DISTINCT ?p ?o WHERE { ?e ?p ?o }", {"e": node}).rows:
                triples.append((node, p, o))
                if isinstance(o, URIRef) and (str(o).startswith(iri + "#") or p == ORG.hasMembership
                                              or (str(node).startswith(iri + "#") and str(o).startswith(str(node)))):
                    frontier.append(o)
        inverse = self.store.query(
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p ?e }} ORDER BY ?p ?s LIMIT {MAX_INVERSE}", {"e": entity}).rows
        triples += [(s, p, entity) for s, p in inverse]
        linked = {str(t) for s, _, o in triples for t in (s, o) if isinstance(t, URIRef)} - {str(n) for n in seen}
        labels = self.labels(linked)
        kinds = self.kinds(linked)
        type_of = {kind: classes[0] for kind, classes in KIND_TYPES}
        for other in linked:
            if other in labels:
                triples.append((URIRef(other), RDFS.label, Literal(labels[other])))
            if other in kinds:
                triples.append((URIRef(other), RDF.type, type_of[kinds[other]]))
        for triple in publishable(triples, self.suppressed):
            graph.add(triple)
        return graph

    # -- page views ------------------------------------------------------------------------------
    def view(self, iri: str, kind: str) -> EntityView:
        """What the HTML page of `iri` shows."""
        entity = URIRef(iri)
        out = [(p, o) for _, p, o in publishable(
            ((entity, p, o) for p, o in self.store.query("SELECT DISTINCT ?p ?o WHERE { ?e ?p ?o }", {"e": entity}).rows),
            self.suppressed)]
        inv = [(p, s) for s, p, _ in publishable(
            ((s, p, entity) for p, s in self.store.query(
                f"SELECT DISTINCT ?p ?s WHERE {{ ?s ?p ?e }} ORDER BY ?p ?s LIMIT {MAX_INVERSE}", {"e": entity}).rows),
            self.suppressed)]
        iris = {str(o) for _, o in out if isinstance(o, URIRef)} | {str(s) for _, s in inv if isinstance(s, URIRef)}
        iris |= {str(p) for p, _ in out}
        refs = self.refs(iris)
        label = self.labels([iri]).get(iri) or self.short(iri)
        alt = sorted({scrub_text(str(o)) for p, o in out if p == SKOS.altLabel} - {label})
        facts: dict[str, list[Value]] = {}
        content = None
        for p, o in sorted(out, key=lambda po: (str(po[0]), str(po[1]))):
            if p == SIOC.content:
                content = str(scrub_term(o))
            if p in HIDDEN_OUTGOING or str(o).startswith(iri + "#"):
                continue
            name = PREDICATE_LABELS.get(p, self.short(str(p)))
            value = self._value(o, refs)
            if value is not None:
                facts.setdefault(name, []).append(value)
        sections: dict[str, list[Ref]] = {}
        for p, s in inv:
            if p in HIDDEN_INVERSE or not isinstance(s, URIRef) or str(s) not in refs:
                continue
            title = INVERSE_TITLES.get(p) or f"{PREDICATE_LABELS.get(p, self.short(str(p)))} (inverse)"
            sections.setdefault(title, []).append(refs[str(s)])
        inverse = tuple((t, tuple(sorted(set(rs), key=lambda r: (r.label.casefold(), r.iri))))
                        for t, rs in sorted(sections.items()))
        view = EntityView(
            iri=iri, kind=kind, label=label, alt_labels=tuple(alt),
            facts=tuple((k, tuple(v)) for k, v in facts.items()), inverse=inverse,
            memberships=self.memberships(iri, kind), quotes=self.quotes(iri), activity=self.activity(iri, kind),
            content=content, thread_root=self.thread_root(iri) if kind == "post" else None,
        )
        return view

    def _value(self, o, refs: dict[str, Ref]) -> Value | None:
        if isinstance(o, URIRef):
            if str(o) in self.suppressed:
                return None
            ref = refs.get(str(o)) or Ref(str(o), self.short(str(o)))
            return Value(ref.label, ref)
        if isinstance(o, Literal):
            o = scrub_term(o)
            note = o.language or (self.short(str(o.datatype)) if o.datatype else "")
            return Value(str(o), None, note or "")
        return None

    def memberships(self, iri: str, kind: str) -> tuple[Membership, ...]:
        """Affiliations of a person, or members of an organization, with roles and the stating post."""
        if kind not in ("person", "organization"):
            return ()
        side = "person" if kind == "person" else "org"
        q = f"""PREFIX org: <{ORG}> PREFIX skos: <{SKOS}> PREFIX igkg: <{IGKG_NS}>
SELECT DISTINCT ?person ?org ?role ?post WHERE {{
  ?m org:member ?person ; org:organization ?org .
  OPTIONAL {{ ?m org:role ?r . ?r skos:prefLabel ?role }}
  OPTIONAL {{ ?m igkg:statedIn ?post }}
}}"""
        rows = self.store.query(q, {side: URIRef(iri)}).rows
        rows = [r for r in rows if str(r[0]) not in self.suppressed]
        refs = self.refs(str(t) for r in rows for t in (r[0], r[1], r[3]) if t is not None)
        found = {Membership(refs[str(p)], refs[str(o)], scrub_text(str(role)) if role else None,
                            refs.get(str(post)) if post else None)
                 for p, o, role, post in rows if str(p) in refs and str(o) in refs}
        return tuple(sorted(found, key=lambda m: (m.person.label, m.organization.label, m.role or "",
                                                  m.stated_in.iri if m.stated_in else "")))

    def quotes(self, iri: str) -> tuple[Quote, ...]:
        """Evidence quotes for the entity (as a mention, or as the subject of a stated relation)."""
        q = f"""PREFIX oa: <{OA}> PREFIX rdf: <{RDF}> PREFIX igkg: <{IGKG_NS}> PREFIX dcterms: <{DCTERMS}>
SELECT DISTINCT ?a ?post ?exact ?prefix ?suffix ?page ?date WHERE {{
  {{ ?a oa:hasBody ?e }} UNION {{ ?a oa:hasBody ?st . ?st rdf:subject ?e }}
  ?a oa:hasTarget ?t . ?t oa:hasSource ?post ; oa:hasSelector ?sel . ?sel oa:exact ?exact .
  OPTIONAL {{ ?sel oa:prefix ?prefix }} OPTIONAL {{ ?sel oa:suffix ?suffix }}
  OPTIONAL {{ ?post igkg:archivePage ?page }} OPTIONAL {{ ?post dcterms:created ?date }}
}} ORDER BY ?date ?a LIMIT {MAX_QUOTES}"""
        rows = self.store.query(q, {"e": URIRef(iri)}).rows
        refs = self.refs(str(r[1]) for r in rows)
        out = []
        for _, post, exact, prefix, suffix, page, date in rows:
            if str(post) not in refs:
                continue
            out.append(Quote(scrub_text(str(prefix or "")), scrub_text(str(exact)), scrub_text(str(suffix or "")),
                             refs[str(post)], str(page) if page else None, str(date) if date else None))
        return tuple(out)

    def activity(self, iri: str, kind: str) -> tuple[tuple[str, int], ...]:
        """Posts per month that mention the entity (or, for a person, that they wrote; for a list, in it)."""
        link = {"person": f"<{FOAF.maker}>", "forum": f"<{SIOC.has_container}>"}.get(kind, f"<{SCHEMA.mentions}>")
        if kind == "post":
            return ()
        q = f"SELECT DISTINCT ?post ?date WHERE {{ ?post {link} ?e ; <{DCTERMS.created}> ?date }}"
        months = Counter(str(date)[:7] for _, date in self.store.query(q, {"e": URIRef(iri)}).rows)
        months = Counter({m: n for m, n in months.items() if len(m) == 7 and m[:4].isdigit() and m[5:].isdigit()})
        if not months:
            return ()
        # every month from the first to the last, so quiet months show as gaps on the time axis
        first, last = min(months), max(months)
        year, month = int(first[:4]), int(first[5:])
        out = []
        while f"{year:04d}-{month:02d}" <= last and len(out) < 1200:
            key = f"{year:04d}-{month:02d}"
            out.append((key, months.get(key, 0)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(out)

    # -- threads ---------------------------------------------------------------------------------
    def thread_root(self, post: str) -> str:
        """The first post of the thread `post` belongs to (following sioc:reply_of up, cycles cut)."""
        current, seen = post, {post}
        while True:
            rows = self.store.query(f"SELECT ?parent WHERE {{ ?e <{SIOC.reply_of}> ?parent }} ORDER BY ?parent",
                                    {"e": URIRef(current)}).rows
            parents = [str(p) for (p,) in rows if str(p) not in seen]
            if not parents:
                return current
            current = parents[0]
            seen.add(current)

    def thread(self, root: str) -> ThreadNode:
        """The reply tree under `root`."""
        q = f"""SELECT DISTINCT ?post ?parent ?date ?author WHERE {{
  ?post <{SIOC.reply_of}>* ?e . OPTIONAL {{ ?post <{SIOC.reply_of}> ?parent }}
  OPTIONAL {{ ?post <{DCTERMS.created}> ?date }} OPTIONAL {{ ?post <{FOAF.maker}> ?author }} }}"""
        rows = self.store.query(q, {"e": URIRef(root)}).rows
        refs = self.refs(str(t) for r in rows for t in (r[0], r[3]) if t is not None)
        children: dict[str, set[str]] = {}
        info: dict[str, tuple[str | None, str | None]] = {}
        for post, parent, date, author in rows:
            info.setdefault(str(post), (str(date) if date else None,
                                        refs[str(author)].label if author is not None and str(author) in refs else None))
            if parent is not None and str(post) != root:
                children.setdefault(str(parent), set()).add(str(post))

        def node(iri: str, seen: frozenset) -> ThreadNode:
            kids = sorted(children.get(iri, set()) - seen, key=lambda k: (info.get(k, (None,))[0] or "", k))
            date, author = info.get(iri, (None, None))
            ref = refs.get(iri) or Ref(iri, self.short(iri), "post")
            return ThreadNode(ref, author, date, tuple(node(k, seen | {k}) for k in kids))

        return node(root, frozenset({root}))

    # -- listing and search ----------------------------------------------------------------------
    def entities(self) -> list[tuple[str, str, str]]:
        """Every (iri, kind, label) with a page, under the base IRI, sorted by kind then label."""
        with self._lock:
            if self._index is None:  # built once: the served store is read-only (restart after a rebuild)
                self._index = (0, self._build_index())
            return [(iri, kind, label) for iri, kind, label, _ in self._index[1]]

    def _build_index(self) -> list[tuple[str, str, str, str]]:
        type_kind = {t: kind for kind, classes in KIND_TYPES for t in classes}
        values = " ".join(t.n3() for t in type_kind)
        rows = self.store.query(f"SELECT DISTINCT ?e ?t WHERE {{ VALUES ?t {{ {values} }} ?e a ?t }}").rows
        order = {kind: n for n, kind in enumerate(PAGE_KINDS)}
        kinds: dict[str, str] = {}
        for e, t in rows:
            iri = str(e)
            if not isinstance(e, URIRef) or not iri.startswith(self.base) or iri in self.suppressed:
                continue
            kind = type_kind[t]
            if iri not in kinds or order[kind] < order[kinds[iri]]:
                kinds[iri] = kind
        labels = self.labels(kinds)
        alts: dict[str, list[str]] = {}
        for start in range(0, len(kinds), 500):
            chunk = sorted(kinds)[start:start + 500]
            preds = " ".join(p.n3() for p in (*LABEL_PREDICATES, SKOS.altLabel, IGKG.acronym))
            q = f"SELECT ?x ?l WHERE {{ {_values('x', chunk)} VALUES ?p {{ {preds} }} ?x ?p ?l }}"
            for x, lit in self.store.query(q).rows:
                alts.setdefault(str(x), []).append(str(lit))
        out = []
        for iri, kind in kinds.items():
            label = labels.get(iri) or self.short(iri)
            haystack = _fold(" ".join([label, *alts.get(iri, [])]))
            out.append((iri, kind, label, haystack))
        out.sort(key=lambda r: (order[r[1]], r[2].casefold(), r[0]))
        return out

    def search(self, text: str, limit: int = 50) -> list[Ref]:
        """Entities whose labels contain `text` (case and accents ignored), best first."""
        needle = _fold(text.strip())[:200]
        if not needle:
            return []
        self.entities()
        hits = []
        for iri, kind, label, haystack in self._index[1]:
            if needle in haystack:
                exact = 0 if _fold(label) == needle else 1 if _fold(label).startswith(needle) else 2
                hits.append((exact, kind == "post", label.casefold(), iri, Ref(iri, label, kind)))
        hits.sort(key=lambda h: h[:4])
        return [h[4] for h in hits[:limit]]
