"""build(sources, settings) -> BuildResult: read, parse, redact, extract, resolve, map to RDF, infer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rdflib import Dataset, Graph, URIRef
from tqdm import tqdm

from kg.config import Settings
from kg.extractors import run_extractors
from kg.identity import Minter, Resolution, resolve
from kg.infer import infer, load_ontology
from kg.kb import load_kb
from kg.model import ExtractionResult, Message, Problem
from kg.parse import parse_page
from kg.parse.ids import content_key
from kg.privacy import redact_message
from kg.sources.pages import iter_sources
from kg.triples import MessageGraphBuilder, kb_graph, meta_graph, quoted_in_index
from kg.vocab import DCAT, DCTERMS, FOAF, IGKG, OA, ORG, PROV, SCHEMA, SIOC, SKOS, VOID

PREFIXES = {
    "igkg": IGKG._NS, "sioc": SIOC, "foaf": FOAF, "org": ORG, "skos": SKOS, "dcterms": DCTERMS,
    "prov": PROV, "oa": OA, "schema": SCHEMA, "void": VOID, "dcat": DCAT,
}


@dataclass
class BuildResult:
    """The dataset a build produced (named graphs), what it was made of, and what went wrong."""

    dataset: Dataset
    graphs: dict[str, Graph]
    messages: list[Message]
    resolution: Resolution
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Counts for the closing summary: messages, threads, entities by kind, problems."""
        counts = {"messages": len(self.messages),
                  "quoted messages": sum(m.kind == "quoted" for m in self.messages),
                  "threads": sum(1 for m in self.messages if m.parent_id is None)}
        for entity in self.resolution.entities.values():
            counts[f"{entity.kind}s"] = counts.get(f"{entity.kind}s", 0) + 1
        counts["problems"] = len(self.problems)
        return counts


def _alias_by_content(messages: list[Message]) -> dict[str, str]:
    """Content-key ids ("h-...") that name a message also known by its Message-ID: a quoted copy of
    an archived message gets the archived message's id, so the two become one."""
    aliases: dict[str, str] = {}
    for m in messages:
        if m.message_id:
            key = "h-" + content_key(m.author.name if m.author else None, m.text)
            if key != m.id:
                aliases.setdefault(key, m.id)
    return aliases


def merge_duplicates(messages: list[Message]) -> list[Message]:
    """One message per id: the archived copy wins over a quoted copy, and missing fields are filled
    from the other copies (a quoted copy may know the parent, an archived one the URL)."""
    aliases = _alias_by_content(messages)
    by_id: dict[str, Message] = {}
    for m in messages:
        if m.id in aliases or (m.parent_id or "") in aliases:
            m = replace(m, id=aliases.get(m.id, m.id),
                        parent_id=aliases.get(m.parent_id, m.parent_id) if m.parent_id else None)
        seen = by_id.get(m.id)
        if seen is None:
            by_id[m.id] = m
            continue
        first, second = (m, seen) if (m.kind == "archived" and seen.kind != "archived") else (seen, m)
        by_id[m.id] = replace(
            first,
            parent_id=first.parent_id or second.parent_id,
            archive_url=first.archive_url or second.archive_url,
            subject=first.subject or second.subject,
            list_name=first.list_name or second.list_name,
            message_id=first.message_id or second.message_id,
            date=first.date or second.date,
        )
    return [by_id[k] for k in sorted(by_id)]


def inherit_list(messages: list[Message]) -> list[Message]:
    """A quoted message was sent to the list of the message that quotes it (every post has a forum)."""
    by_id = {m.id: m for m in messages}
    for m in messages:
        name, parent_id, seen = by_id[m.id].list_name, m.parent_id, set()
        while name and parent_id in by_id and parent_id not in seen:
            seen.add(parent_id)
            parent = by_id[parent_id]
            if parent.list_name is None:
                by_id[parent_id] = parent = replace(parent, list_name=name)
            parent_id = parent.parent_id
    return [by_id[m.id] for m in messages]


def _progress(items, settings: Settings, desc: str, total: int | None = None):
    return tqdm(items, desc=desc, total=total, unit="msg" if desc != "reading" else "page",
                disable=settings.quiet, leave=False)


def build(sources: list[str], settings: Settings, fetcher_factory: Callable | None = None) -> BuildResult:
    """Run the whole pipeline over `sources` (files, folders, URLs)."""
    problems: list[Problem] = []
    parsed: list[Message] = []
    for read in _progress(iter_sources(sources, fetcher_factory), settings, "reading"):
        if read.problem:
            problems.append(read.problem)
        if read.page is None:
            continue
        page = parse_page(read.page.text, read.page.provenance, read.page.url)
        problems.extend(page.problems)
        parsed.extend(page.messages)
    messages = inherit_list(merge_duplicates(parsed))
    if not settings.include_contact_details:
        messages = [redact_message(m) for m in messages]
    results: dict[str, ExtractionResult] = {}
    for m in _progress(messages, settings, "extracting"):
        results[m.id] = run_extractors(m)
    kb = load_kb()
    minter = Minter(settings.base_iri, settings.person_key)
    resolution = resolve(messages, results, kb, minter)
    builder = MessageGraphBuilder(minter, resolution, kb, quoted_in_index(messages))
    graphs: dict[str, Graph] = {}
    for m in _progress(messages, settings, "mapping"):
        graphs[minter.post_graph(m.id)] = builder.build(m, results[m.id])
    graphs[minter.graph("kb")] = kb_graph(kb, load_ontology(), minter)
    lists = sorted({m.list_name for m in messages if m.list_name})
    counts = {"messages": len(messages), "entities": len(resolution.entities)}
    newest = max((m.date for m in messages if m.date is not None and m.date.tzinfo is not None), default=None)
    graphs[minter.graph("meta")] = meta_graph(minter, "igkg: " + (", ".join(lists) or "mailing-list archive"),
                                              sources, counts, newest)
    union = Graph()
    for g in graphs.values():
        for triple in g:
            union.add(triple)
    graphs[minter.graph("inferred")] = infer(union)
    return BuildResult(to_dataset(graphs), graphs, messages, resolution, problems)


def to_dataset(graphs: dict[str, Graph]) -> Dataset:
    """Named graphs as one rdflib Dataset with the project's prefixes bound."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True)
    for name in sorted(graphs):
        target = ds.graph(URIRef(name))
        for triple in graphs[name]:
            target.add(triple)
    return ds
