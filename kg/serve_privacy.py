"""What the server and the static site never publish: contact details, contact predicates, suppressed people."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.privacy import contact_spans

# Predicates that carry contact details (or a reversible hash of one: security.md section 3).
BLOCKED_PREDICATES = frozenset({
    "http://xmlns.com/foaf/0.1/mbox",
    "http://xmlns.com/foaf/0.1/mbox_sha1sum",
    "http://xmlns.com/foaf/0.1/phone",
    "https://schema.org/email",
    "https://schema.org/telephone",
    "https://schema.org/faxNumber",
    "https://schema.org/address",
    "http://www.w3.org/2006/vcard/ns#hasEmail",
    "http://www.w3.org/2006/vcard/ns#email",
    "http://www.w3.org/2006/vcard/ns#hasTelephone",
    "http://www.w3.org/2006/vcard/ns#tel",
    "http://www.w3.org/2006/vcard/ns#hasAddress",
})
BLOCKED_SCHEMES = ("mailto:", "tel:", "fax:", "sms:")
# A cheap pre-check: only text with an @, an " at ", or a long digit run can hold a contact detail,
# so the slower phone matcher runs on few literals (most are labels).
_MAYBE_CONTACT = re.compile(r"@|\bat\b|\[at\]|\(at\)|\d[\d \t()./\-]{5,}\d", re.IGNORECASE)


def scrub_text(text: str) -> str:
    """`text` with every e-mail address, phone number and postal line replaced by a mask."""
    if not _MAYBE_CONTACT.search(text):
        return text
    spans = contact_spans(text)
    if not spans:
        return text
    out, cursor = [], 0
    for start, end, mask in spans:
        out.append(text[cursor:start])
        out.append(mask)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def scrub_term(term: Node | None) -> Node | None:
    """A literal with contact details masked (language and datatype kept); other terms unchanged."""
    if isinstance(term, Literal) and term.datatype is None:
        clean = scrub_text(str(term))
        return term if clean == str(term) else Literal(clean, lang=term.language)
    return term


def blocked_iri(term: Node | None) -> bool:
    """True for mailto:/tel: IRIs, which are contact details themselves."""
    return isinstance(term, URIRef) and str(term).lower().startswith(BLOCKED_SCHEMES)


def publishable(triples: Iterable[tuple[Node, Node, Node]], suppressed: frozenset[str]):
    """The triples that may be published, literals scrubbed: no contact predicate, no mailto:, no suppressed person."""
    for s, p, o in triples:
        if str(p) in BLOCKED_PREDICATES or blocked_iri(s) or blocked_iri(o):
            continue
        if str(s) in suppressed or str(o) in suppressed:
            continue
        yield s, p, scrub_term(o)


def expand_suppressed(store, people: Iterable[str]) -> frozenset[str]:
    """The suppressed people plus every post they wrote: those answer 410 and their text is not served."""
    people = frozenset(people)
    if not people:
        return people
    from kg.serve_data import _values  # late: serve_data imports this module

    query = f"SELECT DISTINCT ?post WHERE {{ {_values('p', sorted(people))} ?post <http://xmlns.com/foaf/0.1/maker> ?p }}"
    return people | {str(post) for (post,) in store.query(query).rows}


def hidden_graphs(base_iri: str, suppressed: frozenset[str]) -> frozenset[str]:
    """The named graphs of suppressed posts (`graph/post/x` for `post/x`), left out of dumps whole."""
    prefix = base_iri + "post/"
    return frozenset(base_iri + "graph/post/" + iri[len(prefix):] for iri in suppressed if iri.startswith(prefix))


def suppressed_names(store, people: Iterable[str]) -> frozenset[str]:
    """The names and other labels of suppressed people, so query results can leave out rows that hold one."""
    people = sorted(p for p in people if "/person/" in p)
    if not people:
        return frozenset()
    from kg.serve_data import _values

    preds = "<http://xmlns.com/foaf/0.1/name> <http://www.w3.org/2004/02/skos/core#altLabel> " \
            "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = f"SELECT DISTINCT ?l WHERE {{ {_values('p', people)} VALUES ?n {{ {preds} }} ?p ?n ?l }}"
    return frozenset(str(label) for (label,) in store.query(query).rows)
