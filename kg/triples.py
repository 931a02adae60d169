"""The only model -> RDF mapping: one named graph per message, plus the knowledge-base and metadata graphs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.identity import Minter, Resolution, person_key
from kg.kb import KnowledgeBase
from kg.model import Entity, Evidence, ExtractionResult, Message, Relation
from kg.vocab import DCAT, DCTERMS, FOAF, IGKG, OA, ORG, PROV, RDF, RDFS, SCHEMA, SIOC, SKOS, VOID, XSD

CONTEXT_CHARS = 32  # oa:prefix / oa:suffix length: enough to re-anchor a quote in the text
CONCEPT_SCHEME_KEY = "concept/scheme"
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


def date_literal(value: datetime) -> Literal:
    """xsd:dateTime with the offset when known; naive (local) times are written without one."""
    return Literal(value.isoformat(), datatype=XSD.dateTime)


class MessageGraphBuilder:
    """Writes one message's graph: the post, its author, its mentions, relations and their evidence."""

    def __init__(self, minter: Minter, resolution: Resolution, kb: KnowledgeBase,
                 quoted_in: dict[str, list[str]]):
        self.minter = minter
        self.res = resolution
        self.kb = kb
        self.quoted_in = quoted_in

    def build(self, message: Message, result: ExtractionResult) -> Graph:
        """The named graph of `message`."""
        g = Graph()
        post = URIRef(self.minter.post(message.id))
        self._post(g, post, message)
        for mention in result.mentions:
            key = self.res.resolve(mention.key)
            if key is None or key not in self.res.entities:
                continue
            entity = self.res.entities[key]
            node = self._entity(g, entity)
            g.add((post, SCHEMA.mentions, node))
            self._annotation(g, post, message, mention.evidence, node, OA.identifying, key)
        for relation in result.relations:
            self._relation(g, post, message, relation)
        return g

    def _post(self, g: Graph, post: URIRef, m: Message) -> None:
        g.add((post, RDF.type, SIOC.Post))
        if m.kind == "quoted":
            g.add((post, RDF.type, IGKG.QuotedPost))
            for child in self.quoted_in.get(m.id, []):
                g.add((post, IGKG.quotedIn, URIRef(self.minter.post(child))))
        if m.list_name:
            forum = URIRef(self.minter.forum(m.list_name))
            g.add((post, SIOC.has_container, forum))
            g.add((forum, RDF.type, SIOC.Forum))
            g.add((forum, DCTERMS.title, Literal(m.list_name)))
        if m.author and m.author.name:
            key = self.res.resolve(person_key(m.author.name))
            if key in self.res.entities:
                g.add((post, FOAF.maker, self._entity(g, self.res.entities[key])))
        if m.date is not None:
            g.add((post, DCTERMS.created, date_literal(m.date)))
        if m.subject:
            g.add((post, DCTERMS.title, Literal(m.subject)))
        g.add((post, SIOC.content, Literal(m.text)))
        if m.parent_id:
            g.add((post, SIOC.reply_of, URIRef(self.minter.post(m.parent_id))))
        if m.message_id:
            g.add((post, DCTERMS.identifier, Literal(m.message_id)))
        if m.archive_url:
            g.add((post, IGKG.archivePage, URIRef(m.archive_url)))

    def _entity(self, g: Graph, e: Entity) -> URIRef:
        """The entity's node; its description goes into this graph unless the KB graph has it."""
        node = URIRef(e.iri)
        if e.from_kb:
            return node
        if e.kind == "person":
            g.add((node, RDF.type, FOAF.Person))
            g.add((node, FOAF.name, Literal(e.label)))
        elif e.kind == "organization":
            g.add((node, RDF.type, ORG.Organization))
            g.add((node, RDF.type, ORG_CLASSES.get(e.org_type or "other", IGKG.OtherOrganization)))
            g.add((node, SKOS.prefLabel, Literal(e.label)))
        elif e.kind == "document":
            g.add((node, RDF.type, FOAF.Document))
            g.add((node, DCTERMS.title, Literal(e.label)))
            for parent in e.parents:
                g.add((node, RDF.type, IGKG.Paragraph))
                g.add((node, DCTERMS.isPartOf, URIRef(self.minter.entity(parent))))
                number = e.key.rpartition("/para-")[2]
                if number.isdigit():
                    g.add((node, IGKG.paragraphNumber, Literal(int(number))))
            if e.year:
                g.add((node, DCTERMS.issued, Literal(str(e.year), datatype=XSD.gYear)))
        elif e.kind == "concept":
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.prefLabel, Literal(e.label)))
            g.add((node, SKOS.inScheme, URIRef(self.minter.entity(CONCEPT_SCHEME_KEY))))
        elif e.kind == "event":
            g.add((node, RDF.type, SCHEMA.Event))
            g.add((node, SKOS.prefLabel, Literal(e.label)))
        elif e.kind == "place":
            g.add((node, RDF.type, SCHEMA.Place))
            g.add((node, SKOS.prefLabel, Literal(e.label)))
        for alt in e.alt_labels:
            g.add((node, SKOS.altLabel, Literal(alt)))
        return node

    def _node(self, g: Graph, key: str | None) -> URIRef | None:
        resolved = self.res.resolve(key) if key else None
        if resolved is None or resolved not in self.res.entities:
            return None
        return self._entity(g, self.res.entities[resolved])

    def _annotation(self, g: Graph, post: URIRef, m: Message, ev: Evidence, body: URIRef,
                    motivation: URIRef, *identity: str) -> URIRef:
        """An oa:Annotation tying `body` to the exact words at ev.start..ev.end of the post's text."""
        ann = URIRef(self.minter.hashed("annotation", m.id, str(ev.start), str(ev.end), ev.extractor, *identity))
        target, quote, position = (URIRef(f"{ann}#{part}") for part in ("target", "quote", "position"))
        g.add((ann, RDF.type, OA.Annotation))
        g.add((ann, OA.hasBody, body))
        g.add((ann, OA.hasTarget, target))
        g.add((ann, OA.motivatedBy, motivation))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, post))
        g.add((target, OA.hasSelector, quote))
        g.add((target, OA.hasSelector, position))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(m.text[ev.start:ev.end])))
        g.add((quote, OA.prefix, Literal(m.text[max(0, ev.start - CONTEXT_CHARS):ev.start])))
        g.add((quote, OA.suffix, Literal(m.text[ev.end:ev.end + CONTEXT_CHARS])))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(ev.start)))
        g.add((position, OA.end, Literal(ev.end)))
        agent = URIRef(self.minter.extractor(ev.extractor))
        g.add((ann, DCTERMS.creator, agent))
        g.add((agent, RDF.type, IGKG.Extractor))
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(ev.extractor)))
        return ann

    def _relation(self, g: Graph, post: URIRef, m: Message, rel: Relation) -> None:
        subject = self._node(g, rel.subject)
        if subject is None:
            return
        pred = rel.predicate
        triple: tuple | None = None
        if pred == "holds_role" and rel.org is None:
            triple = (subject, IGKG.roleLabel, Literal(rel.object))
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
            triple = (post, IGKG.cites, doc)
            g.add(triple)
        elif pred == "authored":
            doc = self._node(g, rel.object)
            if doc is None:
                return
            triple = (doc, DCTERMS.creator, subject)
            g.add(triple)
        elif pred in RELATION_PROPERTIES:
            obj = self._node(g, rel.object)
            if obj is None or obj == subject:
                return
            triple = (subject, RELATION_PROPERTIES[pred], obj)
            g.add(triple)
        if triple is None:
            return
        ann = self._annotation(g, post, m, rel.evidence, subject, OA.linking, rel.predicate, rel.subject,
                               rel.object, rel.org or "")
        statement = URIRef(f"{ann}#statement")
        g.remove((ann, OA.hasBody, subject))
        g.add((ann, OA.hasBody, statement))
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.subject, triple[0]))
        g.add((statement, RDF.predicate, triple[1]))
        g.add((statement, RDF.object, triple[2]))

    def _membership(self, g: Graph, post: URIRef, m: Message, person: URIRef, org: URIRef,
                    role: str | None, rel: Relation) -> tuple:
        membership = URIRef(self.minter.hashed("membership", m.id, str(person), str(org), role or ""))
        g.add((person, ORG.memberOf, org))
        g.add((person, ORG.hasMembership, membership))
        g.add((membership, RDF.type, ORG.Membership))
        g.add((membership, ORG.member, person))
        g.add((membership, ORG.organization, org))
        g.add((membership, IGKG.statedIn, post))
        if m.date is not None:
            g.add((membership, DCTERMS.date, date_literal(m.date)))
        if role:
            role_node = URIRef(f"{membership}#role")
            g.add((membership, ORG.role, role_node))
            g.add((role_node, RDF.type, ORG.Role))
            g.add((role_node, SKOS.prefLabel, Literal(role)))
        return (person, ORG.hasMembership, membership)


def quoted_in_index(messages: Iterable[Message]) -> dict[str, list[str]]:
    """Quoted message id -> ids of the messages whose text quoted it (their parent is that message)."""
    index: dict[str, list[str]] = defaultdict(list)
    kinds = {m.id: m.kind for m in messages}
    for m in messages:
        if m.parent_id and kinds.get(m.parent_id) == "quoted":
            index[m.parent_id].append(m.id)
    return {k: sorted(set(v)) for k, v in index.items()}


def kb_graph(kb: KnowledgeBase, ontology: Graph, minter: Minter) -> Graph:
    """The ontology and the knowledge base, rebased on the configured base IRI."""
    g = Graph()
    for s, p, o in ontology:
        g.add((s, p, o))
    for s, p, o in kb.graph:
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
