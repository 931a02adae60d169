"""The suppression list: people who asked to be removed, dropped from every build and answered 410 by the server.

File format (UTF-8, one entry per line; blank lines and `#` comments ignored):

    # Dana Okafor asked to be removed on 2025-08-01 (ticket 17)
    person:dana okafor          the identity key (kg.identity.person_key of the name)
    Dana Okafor                 a plain name, folded to its identity key at load
    dana@example.org            an address: hashed at load, never kept in memory or written anywhere
    sha256:9f86d0...            the sha256 of a normalised address, for lists that must not hold one

Entries survive rebuilds because they name people by stable keys, not by IRIs (which change with
the person key and the base IRI).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.errors import ConfigError
from kg.identity import person_key
from kg.privacy_gate import normalise_address

_ADDRESS = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_DIGEST = re.compile(r"^sha256:([0-9a-f]{64})$")
_MAKER = "http://xmlns.com/foaf/0.1/maker"


def address_digest(address: str) -> str:
    """The sha256 hex of a normalised address: how the list remembers addresses."""
    return hashlib.sha256(normalise_address(address).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SuppressionList:
    """People to leave out: identity keys and address digests (never addresses)."""

    person_keys: frozenset[str] = frozenset()
    address_digests: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.person_keys) + len(self.address_digests)

    def is_suppressed(self, *, person_key_: str | None = None, name: str | None = None,
                      address: str | None = None) -> bool:
        """True when the identity key, the name (folded to its key) or the address is on the list."""
        if person_key_ and person_key_ in self.person_keys:
            return True
        if name and person_key(name) in self.person_keys:
            return True
        return bool(address) and address_digest(address) in self.address_digests


def parse_suppression(text: str, source: str = "suppression list") -> SuppressionList:
    """A SuppressionList from the file format above; ConfigError names the first bad line."""
    keys: set[str] = set()
    digests: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if (m := _DIGEST.match(line.lower())) is not None:
            digests.add(m.group(1))
        elif _ADDRESS.match(line):
            digests.add(address_digest(line))
        elif line.lower().startswith("person:"):
            key = person_key(line.split(":", 1)[1])
            if key == "person:":
                raise ConfigError(f"{source}, line {number}: 'person:' needs a name after it")
            keys.add(key)
        elif "@" in line or ":" in line:
            raise ConfigError(f"{source}, line {number}: not understood; valid entries: person:<name>, "
                              "a name, an e-mail address, sha256:<64 hex>")
        else:
            key = person_key(line)
            if key != "person:":
                keys.add(key)
    return SuppressionList(frozenset(keys), frozenset(digests))


def load_suppression(path: str | Path | None) -> SuppressionList:
    """The list in `path` (an empty list for None); ConfigError when it cannot be read."""
    if path is None:
        return SuppressionList()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the suppression list {path}: {exc}") from exc
    return parse_suppression(text, str(path))


def suppressed_iris(suppression: SuppressionList, resolution, messages: Iterable = ()) -> frozenset[str]:
    """The person IRIs of a build (kg.identity.Resolution) that the list names, by key, name or address."""
    if not len(suppression):
        return frozenset()
    roots: set[str] = set()
    for key, root in resolution.canonical.items():
        if key.startswith("person:") and suppression.is_suppressed(person_key_=key):
            roots.add(root)
    for entity in resolution.entities.values():
        if entity.kind == "person" and suppression.is_suppressed(name=entity.label):
            roots.add(entity.key)
    for m in messages:
        author = getattr(m, "author", None)
        if author and author.address and author.name and suppression.is_suppressed(address=author.address):
            root = resolution.canonical.get(person_key(author.name))
            if root:
                roots.add(root)
    return frozenset(resolution.entities[r].iri for r in roots if r in resolution.entities)


@dataclass
class SuppressionReport:
    """What applying the list removed."""

    people: frozenset[str]
    posts: frozenset[str] = frozenset()
    removed_triples: int = 0
    dropped_graphs: list[str] = field(default_factory=list)


def _dependent(iri: str) -> bool:
    # Nodes that exist only to say something about the person: evidence and memberships, and
    # skolemised parts of them (<annotation/h#statement>). Posts that merely mention the person stay.
    return "#" in iri or "/annotation/" in iri or "/membership/" in iri


def apply_suppression(ds: Dataset, people: Iterable[str], *, drop_posts: bool = True) -> SuppressionReport:
    """Remove, in place, every triple about the suppressed `people` IRIs: their own triples, triples
    pointing at them, the evidence and memberships about them, and (drop_posts) the named graphs
    of the posts they wrote. Run at every build, before validation and export."""
    people = frozenset(people)
    report = SuppressionReport(people)
    if not people:
        return report
    posts = {str(s) for s, _, o, _ in ds.quads((None, URIRef(_MAKER), None, None)) if str(o) in people}
    report.posts = frozenset(posts) if drop_posts else frozenset()
    doomed = set(people) | set(report.posts)
    if drop_posts:
        for post in sorted(report.posts):
            graph_name = post.replace("/post/", "/graph/post/", 1)
            graph = ds.graph(URIRef(graph_name))
            if len(graph):
                report.removed_triples += len(graph)
                ds.remove_graph(graph)
                report.dropped_graphs.append(graph_name)
    # Dependents first (a fixpoint: a statement node hangs off an annotation that points at the person).
    changed = True
    while changed:
        changed = False
        for s, _, o, _ in list(ds.quads((None, None, None, None))):
            if str(o) in doomed and isinstance(s, URIRef) and str(s) not in doomed and _dependent(str(s)):
                doomed.add(str(s))
                doomed.add(str(s).split("#", 1)[0])
                changed = True
    doomed_prefixes = tuple(d + "#" for d in doomed)
    for s, p, o, g in list(ds.quads((None, None, None, None))):
        if str(s) in doomed or str(o) in doomed or str(s).startswith(doomed_prefixes):
            ds.remove((s, p, o, g))
            report.removed_triples += 1
    return report


def graph_mentions(graph: Graph | Dataset, iris: Iterable[str]) -> int:
    """How many triples name any of `iris` (the test of case 40: zero after a rebuild)."""
    iris = frozenset(iris)
    quads = graph.quads((None, None, None, None)) if isinstance(graph, Dataset) else \
        ((s, p, o, None) for s, p, o in graph)
    return sum(1 for s, _, o, _ in quads if str(s) in iris or str(o) in iris)
