"""The only model -> RDF mapping: one named graph per message, plus the knowledge-base and metadata graphs."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.identity import Minter, Resolution, person_key
from kg.kb import KnowledgeBase
from kg.model import Entity, Evidence, ExtractionResult, Message, Relation
from kg.terms import RDFLIB_TERMS, Terms, date_literal
from kg.vocab import DCAT, DCTERMS, FOAF, IGKG, OA, ORG, PROV, RDF, RDFS, SCHEMA, SIOC, SKOS, VOID, XSD

CONTEXT_CHARS = 32  # oa:prefix / oa:suffix length: enough to re-anchor a quote in the text
CONCEPT_SCHEME_KEY = "concept/scheme"
MAPPING_VERSION = "1"  # bump when the mapping below changes what a message's graph holds
ORG_CLASSES = {
    "intergovernmental": IGKG.IntergovernmentalOrganization,
    "governmental": IGKG.GovernmentalOrganization,
    "technical": IGKG.TechnicalOrganization,
    "civil-society": IGKG.CivilSocietyOrganization,
    "multistakeholder": IGKG.MultistakeholderBody,
    "private": IGKG.PrivateOrganization,
    "other": IGKG.OtherOrganization,
}
RELATION_PROPERTIES = {
    "agrees_with": IGKG.agreesWith,
    "disagrees_with": IGKG.disagreesWith,
    "proposes": IGKG.proposes,
    "chairs": IGKG.chairs,
    "located_in": IGKG.locatedIn,
    "part_of": ORG.subOrganizationOf,
}


class MessageGraphBuilder:
    """Writes one message's graph: the post, its author, its mentions, relations and their evidence.

    `terms` spells the RDF terms: rdflib objects by default, NTriplesTerms for the store path.
    """

    def __init__(self, minter: Minter, resolution: Resolution, kb: KnowledgeBase,
                 quoted_in: dict[str, list[str]], terms: Terms | None = None):
        self.terms = terms if terms is not None else RDFLIB_TERMS
        self.minter = minter
        self.res = resolution
        self.kb = kb
        self.quoted_in = quoted_in
        self._digests: dict[str | None, str] = {}
        self._agents: dict[str, tuple] = {}  # extractor name -> its node and description (a dozen)
        # id(entity) -> (entity, node, description): an entity is described the same in every graph that
        # names it (its key and the entity object itself, so a replaced entity is described anew)
        self._descriptions: dict[int, tuple] = {}

    def input_key(self, message: Message, extraction_key: str, keys: Iterable[str]) -> str:
        """A hash of everything the graph of `message` is made of, with `message` possibly without
        its text: the extraction key (the merged message's every field and the extractors'
        versions), the mapping's version and base IRI, the posts that quoted it, and the entity each
        entity key its extraction names (mentions, relation ends, the author) resolves to."""
        parts = [MAPPING_VERSION, __version__, self.minter.base, extraction_key,
                 ",".join(self.quoted_in.get(message.id, ()))]
        if message.author and message.author.name:
            keys = (person_key(message.author.name), *keys)
        for key in keys:
            parts.append(key)
            parts.append(self._entity_digest(self.res.resolve(key)))
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _entity_digest(self, resolved: str | None) -> str:
        digest = self._digests.get(resolved)
        if digest is None:
            entity = self.res.entities.get(resolved) if resolved is not None else None
            digest = self._digests[resolved] = hashlib.sha256(repr(entity).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return digest

    def build(self, message: Message, result: ExtractionResult) -> Graph:
        """The named graph of `message` (an rdflib Graph, or a TripleSet of N-Triples terms)."""
        T = self.terms
        g = self.terms.graph()
        post = T.iri(self.minter.post(message.id))
        self._post(g, post, message)
        for mention in result.mentions:
            key = self.res.resolve(mention.key)
            if key is None or key not in self.res.entities:
                continue
            entity = self.res.entities[key]
            node = self._entity(g, entity)
            g.add((post, T.SCHEMA.mentions, node))
            self._annotation(g, post, message, mention.evidence, node, T.OA.identifying, key)
        for relation in result.relations:
            self._relation(g, post, message, relation)
        return g

    def _post(self, g: Graph, post: URIRef, m: Message) -> None:
        T = self.terms
        g.add((post, T.RDF.type, T.SIOC.Post))
        if m.kind == "quoted":
            g.add((post, T.RDF.type, T.IGKG.QuotedPost))
            for child in self.quoted_in.get(m.id, []):
                g.add((post, T.IGKG.quotedIn, T.iri(self.minter.post(child))))
        if m.list_name:
            forum = T.iri(self.minter.forum(m.list_name))
            g.add((post, T.SIOC.has_container, forum))
            g.add((forum, T.RDF.type, T.SIOC.Forum))
            g.add((forum, T.DCTERMS.title, T.literal(m.list_name)))
        if m.author and m.author.name:
            key = self.res.resolve(person_key(m.author.name))
            if key in self.res.entities:
                g.add((post, T.FOAF.maker, self._entity(g, self.res.entities[key])))
        if m.date is not None:
            g.add((post, T.DCTERMS.created, T.date(m.date)))
        if m.subject:
            g.add((post, T.DCTERMS.title, T.literal(m.subject)))
        g.add((post, T.SIOC.content, T.literal(m.text)))
        if m.parent_id:
            g.add((post, T.SIOC.reply_of, T.iri(self.minter.post(m.parent_id))))
        if m.message_id:
            g.add((post, T.DCTERMS.identifier, T.literal(m.message_id)))
        if m.archive_url:
            g.add((post, T.IGKG.archivePage, T.iri(m.archive_url)))

    def _entity(self, g: Graph, e: Entity) -> URIRef:
        """The entity's node; its description goes into this graph unless the KB graph has it."""
        known = self._descriptions.get(id(e))
        if known is None or known[0] is not e:
            description = self.terms.graph()
            known = self._descriptions[id(e)] = (e, self._describe(description, e), tuple(description))
        self.terms.add_all(g, known[2])
        return known[1]

    def _describe(self, g: Graph, e: Entity) -> URIRef:
        """The entity's node, its description into `g` (nothing for a KB entity: the KB graph has it)."""
        T = self.terms
        node = T.iri(e.iri)
        if e.from_kb:
            return node
        if e.kind == "person":
            g.add((node, T.RDF.type, T.FOAF.Person))
            g.add((node, T.FOAF.name, T.literal(e.label)))
        elif e.kind == "organization":
            g.add((node, T.RDF.type, T.ORG.Organization))
            g.add((node, T.RDF.type, T.iri(ORG_CLASSES.get(e.org_type or "other", IGKG.OtherOrganization))))
            g.add((node, T.SKOS.prefLabel, T.literal(e.label)))
        elif e.kind == "document":
            g.add((node, T.RDF.type, T.FOAF.Document))
            g.add((node, T.DCTERMS.title, T.literal(e.label)))
            for parent in e.parents:
                g.add((node, T.RDF.type, T.IGKG.Paragraph))
                g.add((node, T.DCTERMS.isPartOf, T.iri(self.minter.entity(parent))))
                number = e.key.rpartition("/para-")[2]
                if number.isdigit():
                    g.add((node, T.IGKG.paragraphNumber, T.integer(int(number))))
            if e.year:
                g.add((node, T.DCTERMS.issued, T.year(e.year)))
        elif e.kind == "concept":
            g.add((node, T.RDF.type, T.SKOS.Concept))
            g.add((node, T.SKOS.prefLabel, T.literal(e.label)))
            g.add((node, T.SKOS.inScheme, T.iri(self.minter.entity(CONCEPT_SCHEME_KEY))))
        elif e.kind == "event":
            g.add((node, T.RDF.type, T.SCHEMA.Event))
            g.add((node, T.SKOS.prefLabel, T.literal(e.label)))
        elif e.kind == "place":
            g.add((node, T.RDF.type, T.SCHEMA.Place))
            g.add((node, T.SKOS.prefLabel, T.literal(e.label)))
        for alt in e.alt_labels:
            g.add((node, T.SKOS.altLabel, T.literal(alt)))
        return node

    def _node(self, g: Graph, key: str | None) -> URIRef | None:
        resolved = self.res.resolve(key) if key else None
        if resolved is None or resolved not in self.res.entities:
            return None
        return self._entity(g, self.res.entities[resolved])

    def _annotation(self, g: Graph, post: URIRef, m: Message, ev: Evidence, body: URIRef,
                    motivation: URIRef, *identity: str) -> URIRef:
        """An oa:Annotation tying `body` to the exact words at ev.start..ev.end of the post's text."""
        T = self.terms
        ann_iri = self.minter.hashed("annotation", m.id, str(ev.start), str(ev.end), ev.extractor, *identity)
        ann = T.iri(ann_iri)
        target, quote, position = T.fragment(ann, "target"), T.fragment(ann, "quote"), T.fragment(ann, "position")
        g.add((ann, T.RDF.type, T.OA.Annotation))
        g.add((ann, T.OA.hasBody, body))
        g.add((ann, T.OA.hasTarget, target))
        g.add((ann, T.OA.motivatedBy, motivation))
        g.add((target, T.RDF.type, T.OA.SpecificResource))
        g.add((target, T.OA.hasSource, post))
        g.add((target, T.OA.hasSelector, quote))
        g.add((target, T.OA.hasSelector, position))
        g.add((quote, T.RDF.type, T.OA.TextQuoteSelector))
        g.add((quote, T.OA.exact, T.literal(m.text[ev.start:ev.end])))
        g.add((quote, T.OA.prefix, T.literal(m.text[max(0, ev.start - CONTEXT_CHARS):ev.start])))
        g.add((quote, T.OA.suffix, T.literal(m.text[ev.end:ev.end + CONTEXT_CHARS])))
        g.add((position, T.RDF.type, T.OA.TextPositionSelector))
        g.add((position, T.OA.start, T.integer(ev.start)))
        g.add((position, T.OA.end, T.integer(ev.end)))
        agent, description = self._agents.get(ev.extractor) or self._agent(ev.extractor)
        g.add((ann, T.DCTERMS.creator, agent))
        T.add_all(g, description)
        return ann

    def _agent(self, extractor: str) -> tuple:
        """An extractor's node and description (kept: every annotation names one of a dozen)."""
        T = self.terms
        agent = T.iri(self.minter.extractor(extractor))
        description = ((agent, T.RDF.type, T.IGKG.Extractor), (agent, T.RDF.type, T.PROV.SoftwareAgent),
                       (agent, T.RDFS.label, T.literal(extractor)))
        self._agents[extractor] = (agent, description)
        return self._agents[extractor]

    def _relation(self, g: Graph, post: URIRef, m: Message, rel: Relation) -> None:
        T = self.terms
        subject = self._node(g, rel.subject)
        if subject is None:
            return
        pred = rel.predicate
        triple: tuple | None = None
        if pred == "holds_role" and rel.org is None:
            triple = (subject, T.IGKG.roleLabel, T.literal(rel.object))
            g.add(triple)
        elif pred in ("holds_role", "affiliated_with", "member_of"):
            org = self._node(g, rel.org if pred == "holds_role" else rel.object)
            if org is None:
                return
            role = rel.object if pred == "holds_role" else None
            triple = self._membership(g, post, m, subject, org, role, rel)
        elif pred == "cites":
            doc = self._node(g, rel.object)
            if doc is None:
                return
            triple = (post, T.IGKG.cites, doc)
            g.add(triple)
        elif pred == "authored":
            doc = self._node(g, rel.object)
            if doc is None:
                return
            triple = (doc, T.DCTERMS.creator, subject)
            g.add(triple)
        elif pred in RELATION_PROPERTIES:
            obj = self._node(g, rel.object)
            if obj is None or obj == subject:
                return
            triple = (subject, T.iri(RELATION_PROPERTIES[pred]), obj)
            g.add(triple)
        if triple is None:
            return
        ann = self._annotation(g, post, m, rel.evidence, subject, T.OA.linking, rel.predicate, rel.subject,
                               rel.object, rel.org or "")
        statement = T.iri(f"{T.value(ann)}#statement")
        g.remove((ann, T.OA.hasBody, subject))
        g.add((ann, T.OA.hasBody, statement))
        g.add((statement, T.RDF.type, T.RDF.Statement))
        g.add((statement, T.RDF.subject, triple[0]))
        g.add((statement, T.RDF.predicate, triple[1]))
        g.add((statement, T.RDF.object, triple[2]))

    def _membership(self, g: Graph, post: URIRef, m: Message, person: URIRef, org: URIRef,
                    role: str | None, rel: Relation) -> tuple:
        T = self.terms
        membership_iri = self.minter.hashed("membership", m.id, T.value(person), T.value(org), role or "")
        membership = T.iri(membership_iri)
        g.add((person, T.ORG.memberOf, org))
        g.add((person, T.ORG.hasMembership, membership))
        g.add((membership, T.RDF.type, T.ORG.Membership))
        g.add((membership, T.ORG.member, person))
        g.add((membership, T.ORG.organization, org))
        g.add((membership, T.IGKG.statedIn, post))
        if m.date is not None:
            g.add((membership, T.DCTERMS.date, T.date(m.date)))
        if role:
            role_node = T.iri(f"{membership_iri}#role")
            g.add((membership, T.ORG.role, role_node))
            g.add((role_node, T.RDF.type, T.ORG.Role))
            g.add((role_node, T.SKOS.prefLabel, T.literal(role)))
        return (person, T.ORG.hasMembership, membership)


def quoted_in_index(messages: Iterable[Message], links: Iterable[tuple[str, str]] = ()) -> dict[str, list[str]]:
    """Quoted message id -> ids of the messages whose text quoted it (their parent is that message).

    `links` adds (parent, child) pairs seen on copies that merging dropped: when one message is
    archived on its own page and quoted in another, each copy may name a different rendering of
    its parent, and both renderings were quoted by it."""
    messages = list(messages)
    index: dict[str, list[str]] = defaultdict(list)
    kinds = {m.id: m.kind for m in messages}
    for parent, child in [(m.parent_id, m.id) for m in messages] + list(links):
        if parent and kinds.get(parent) == "quoted" and child in kinds:
            index[parent].append(child)
    return {k: sorted(set(v)) for k, v in index.items()}


def kb_graph(kb: KnowledgeBase, ontology: Graph, minter: Minter, graph_type: type = Graph) -> Graph:
    """The ontology and the knowledge base, rebased on the configured base IRI (into a `graph_type`:
    a plain set of rdflib triples is enough, and faster, for a graph that is only hashed and stored)."""
    g = graph_type()
    for s, p, o in ontology:
        g.add((s, p, o))
    for s, p, o in kb.triples():
        s = URIRef(minter.rebase(str(s))) if isinstance(s, URIRef) else s
        o = URIRef(minter.rebase(str(o))) if isinstance(o, URIRef) else o
        g.add((s, p, o))
    return g


def meta_graph(minter: Minter, title: str, sources: list[str], counts: dict[str, int],
               newest: datetime | None = None) -> Graph:
    """VoID/DCAT/PROV description of the dataset. Its date is the newest message's, not the wall
    clock's, so the same input gives byte-identical output."""
    g = Graph()
    dataset = URIRef(minter.base + "dataset")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(title)))
    g.add((dataset, VOID.uriSpace, Literal(minter.base)))
    if newest is not None:
        g.add((dataset, DCTERMS.created, date_literal(newest)))
    g.add((dataset, VOID.documents, Literal(counts.get("messages", 0))))
    g.add((dataset, VOID.entities, Literal(counts.get("entities", 0))))
    activity = URIRef(minter.base + "dataset#build")
    g.add((dataset, PROV.wasGeneratedBy, activity))
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"igkg {__version__} build")))
    for source in sorted(set(sources)):
        g.add((activity, PROV.used, Literal(source)))
    return g
