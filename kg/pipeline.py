"""build(sources, settings) -> BuildResult: read units, parse and extract in parallel, resolve, map, write what changed."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from tqdm import tqdm

from kg.config import Settings
from kg.errors import SourceError
from kg.export import atomic_write
from kg.identity import Minter, Resolution, person_key, resolve
from kg.infer import ONTOLOGY_PATH, infer_store, load_ontology
from kg.infer_local import BuildInference
from kg.kb import kb_files_digest, load_kb
from kg.map_stage import MapTask, Mapper, context_bytes, derive_and_check, map_batch, merged_full, start_worker
from kg.model import Evidence, ExtractionResult, Mention, Message, Problem, Relation
from kg.parse.ids import content_key
from kg.graph_write import GraphWriter, as_graph
from kg.sources.registry import iter_units
from kg.stages import Slim, extract_batch, extraction_key, parse_batch, parse_salt
from kg.state import BuildState, unpack
from kg.store import QuadStore
from kg.suppression import load_suppression, suppressed_iris
from kg.terms import RDFLIB_TERMS
from kg.triples import MAPPING_VERSION, MessageGraphBuilder, kb_graph, meta_graph, quoted_in_index
from kg.vocab import DCAT, DCTERMS, FOAF, IGKG, OA, ORG, PROV, SCHEMA, SIOC, SKOS, VOID
from kg.validation import BuildChecks, text_triples
from kg.validation_cache import ValidationCache
from kg.workers import Workers

SUPPRESSED_SUFFIX = ".suppressed-iris.txt"  # beside the store: the person IRIs serve/publish answer 410 for
PREFIXES = {
    "igkg": IGKG._NS, "sioc": SIOC, "foaf": FOAF, "org": ORG, "skos": SKOS, "dcterms": DCTERMS,
    "prov": PROV, "oa": OA, "schema": SCHEMA, "void": VOID, "dcat": DCAT,
}
PARSE_CHUNK = 32  # raw items per worker task: big enough to amortise pickling, small enough to balance
EXTRACT_CHUNK = 32
MAP_CHUNK = 32  # messages per mapping task (~2 MB of N-Quads back)
# Mapping runs in the workers only from this many on: the store's bulk loads (RocksDB, in threads of
# the main process) are the build's largest cost, and with two workers on two cores mapping in the
# main process costs less CPU than shipping each graph back (100k messages, quiet machine:
# map+store 374 s mapped in the main process, 471 s mapped in two workers).
MAP_WORKERS_FROM = 3
READ_BATCH = 500  # cache rows fetched from the state per query
Located = tuple[Message, tuple[str, int] | None]  # a message and where its full text is cached


@dataclass
class BuildStats:
    """What a build did, for the summary, the tests and the benchmark."""

    units_read: int = 0
    units_unchanged: int = 0
    units_failed: int = 0
    items_parsed: int = 0
    items_cached: int = 0
    extracted: int = 0
    extraction_cached: int = 0
    graphs_written: int = 0
    graphs_unchanged: int = 0
    graphs_removed: int = 0
    inferred: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildResult:
    """What a build produced. `dataset`, `graphs` and `messages` are filled only for in-memory builds
    (build() without a store); a build into a store keeps counts, not the archive, in memory."""

    dataset: Dataset | None
    graphs: dict[str, Graph]
    messages: list[Message]
    resolution: Resolution
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    stats: BuildStats = field(default_factory=BuildStats)

    def summary(self) -> dict[str, int]:
        """Counts for the closing summary: messages, threads, entities by kind, problems."""
        counts = dict(self.counts)
        for entity in self.resolution.entities.values():
            counts[f"{entity.kind}s"] = counts.get(f"{entity.kind}s", 0) + 1
        counts["problems"] = len(self.problems)
        return counts


# --- merging copies of one message ---------------------------------------------------------------
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


def merge_located(records: list[Located], aliases: dict[str, str]) -> list[Located]:
    """One message per id, sorted by id: the archived copy wins over a quoted copy, and missing
    fields are filled from the other copies (a quoted copy may know the parent, an archived one the
    URL). Each message keeps the location of the copy that won."""
    by_id: dict[str, Located] = {}
    for m, loc in records:
        if m.id in aliases or (m.parent_id or "") in aliases:
            m = replace(m, id=aliases.get(m.id, m.id),
                        parent_id=aliases.get(m.parent_id, m.parent_id) if m.parent_id else None)
        seen = by_id.get(m.id)
        if seen is None:
            by_id[m.id] = (m, loc)
            continue
        (first, where), (second, _) = ((m, loc), seen) if (m.kind == "archived" and seen[0].kind != "archived") \
            else (seen, (m, loc))
        by_id[m.id] = (replace(
            first,
            parent_id=first.parent_id or second.parent_id,
            archive_url=first.archive_url or second.archive_url,
            subject=first.subject or second.subject,
            list_name=first.list_name or second.list_name,
            message_id=first.message_id or second.message_id,
            date=first.date or second.date,
        ), where)
    return [by_id[k] for k in sorted(by_id)]


def merge_duplicates(messages: list[Message]) -> list[Message]:
    """One message per id (see merge_located)."""
    return [m for m, _ in merge_located([(m, None) for m in messages], _alias_by_content(messages))]


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


# --- the build -----------------------------------------------------------------------------------
def _bar(settings: Settings, desc: str, unit: str, total: int | None = None) -> tqdm:
    return tqdm(desc=desc, total=total, unit=unit, disable=settings.quiet, leave=False, dynamic_ncols=True)


class _Run:
    """One build: the stages in order, sharing the state, the store and the worker pool."""

    def __init__(self, sources: list[str], settings: Settings, store: QuadStore, state: BuildState,
                 fetcher_factory: Callable | None, workers: Workers, infer: bool, keep: bool,
                 validation: ValidationCache | None = None):
        self.sources, self.settings, self.store, self.state = sources, settings, store, state
        self.validation = validation
        self.fetcher_factory, self.workers, self.infer, self.keep = fetcher_factory, workers, infer, keep
        self.problems: list[Problem] = []
        self.stats = BuildStats()
        self.minter = Minter(settings.base_iri, settings.person_key)
        self._full_cache: tuple[str, list[Message]] | None = None
        self._refs: list[tuple[str, ...]] = []  # per merged message: the entity keys its extraction names
        self.quote_links: list[tuple[str, str]] = []  # (parent, child) of every copy read, for igkg:quotedIn

    def timed(self, name: str, fn, *args):
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.stats.seconds[name] = self.stats.seconds.get(name, 0.0) + time.perf_counter() - start

    # stage 1: units -> parsed items in the cache; returns the cache keys of every item, in order
    def read(self) -> list[str]:
        redact = not self.settings.include_contact_details
        salt = parse_salt(redact)
        order: list[str] = []
        pending: set[str] = set()
        units_bar, parse_bar = _bar(self.settings, "reading", "unit"), _bar(self.settings, "parsing", "msg")
        fetchers: list = []

        def factory(url: str):
            fetchers.append(self.fetcher_factory(url))
            return fetchers[-1]

        def handle(done) -> None:
            for tag, value in done:
                if tag[0] == "batch":
                    self.state.put_parsed(value)
                    pending.difference_update(k for k, _, _ in value)
                    parse_bar.update(len(value))
                else:
                    _, key, fingerprint, final, keys = tag
                    self.state.commit_unit(key, fingerprint, final, keys)

        seen_units: set[str] = set()
        try:
            for entry in iter_units(self.sources, factory if self.fetcher_factory else None):
                units_bar.update(1)
                if isinstance(entry, Problem):
                    self.problems.append(entry)
                    continue
                unit = entry
                if unit.key in seen_units:
                    continue
                seen_units.add(unit.key)
                known = self.state.unit(unit.key)
                if known and (known.final or (unit.fingerprint is not None and unit.fingerprint == known.fingerprint)):
                    order.extend(self.state.unit_items(unit.key))
                    self.stats.units_unchanged += 1
                    continue
                try:
                    fingerprint, items = unit.open()
                    if known and fingerprint == known.fingerprint:
                        keys = self.state.unit_items(unit.key)
                        if known.final != unit.final:
                            self.state.commit_unit(unit.key, fingerprint, unit.final, keys)
                        order.extend(keys)
                        self.stats.units_unchanged += 1
                        continue
                    keys, batch = [], []
                    for item in items:
                        key = item.key(salt)
                        keys.append(key)
                        if key in pending or self.state.has_parsed(key):
                            self.stats.items_cached += 1
                            continue
                        pending.add(key)
                        batch.append((key, item))
                        if len(batch) >= PARSE_CHUNK:
                            handle(self.workers.submit(parse_batch, batch, redact, tag=("batch",)))
                            self.stats.items_parsed += len(batch)
                            batch = []
                    if batch:
                        handle(self.workers.submit(parse_batch, batch, redact, tag=("batch",)))
                        self.stats.items_parsed += len(batch)
                except (SourceError, OSError) as exc:
                    # nothing of a unit is committed unless all of it was read (security.md D15);
                    # the last good version of the unit, if any, stays in the build
                    self.problems.append(Problem(unit.key, str(exc)))
                    self.stats.units_failed += 1
                    if known:
                        order.extend(self.state.unit_items(unit.key))
                    continue
                handle(self.workers.marker(("commit", unit.key, fingerprint, unit.final, keys)))
                order.extend(keys)
                self.stats.units_read += 1
            handle(self.workers.drain())
        finally:
            for fetcher in fetchers:
                fetcher.close()
            units_bar.close()
            parse_bar.close()
        return order

    # stage 2: every copy of every message -> one message per id (light records, no text)
    def merge(self, order: list[str]) -> list[Located]:
        records: list[Located] = []
        aliases: dict[str, str] = {}
        common: dict = {}
        seen: set[str] = set()
        for key in order:
            if key in seen:
                continue  # the same raw message read twice (two files, two URLs) is one
            seen.add(key)
            blob = self.state.slim(key)
            if blob is None:
                self.problems.append(Problem(key, "parse cache entry missing; run again with --rebuild"))
                continue
            slims, problems = unpack(blob)
            self.problems.extend(problems)
            for i, s in enumerate(slims):
                s: Slim
                if s.alias:
                    aliases.setdefault(s.alias, s.message.id)
                m = s.message
                # one object per distinct author and source: a long archive repeats them in every
                # record, which stay in memory until the build ends (~1.3 kB a record at 100k)
                author, provenance = common.setdefault(m.author, m.author), common.setdefault(m.provenance, m.provenance)
                if author is not m.author or provenance is not m.provenance:
                    m = replace(m, author=author, provenance=provenance)
                records.append((m, (key, i)))
        merged = merge_located(records, aliases)
        # every copy's parent link, ids as merged: a dropped copy's parent was still quoted by it
        self.quote_links = sorted({(aliases.get(m.parent_id, m.parent_id), aliases.get(m.id, m.id))
                                   for m, _ in records if m.parent_id})
        listed = inherit_list([m for m, _ in merged])
        return [(m, loc) for m, (_, loc) in zip(listed, merged)]

    def full(self, m: Message, loc: tuple[str, int]) -> Message:
        """The message with its text, as merged."""
        key, index = loc
        if self._full_cache is None or self._full_cache[0] != key:
            self._full_cache = (key, unpack(self.state.full(key)))
        return merged_full(self._full_cache[1][index], m)

    # stage 3: extraction, cached by the final message's content and the extractors' versions
    def extract(self, merged: list[Located]) -> list[str]:
        keys: list[str] = []
        bar = _bar(self.settings, "extracting", "msg", len(merged))

        def handle(done) -> None:
            for _, rows in done:
                self.state.put_extracted(rows)
                bar.update(len(rows))

        try:
            for start in range(0, len(merged), READ_BATCH):
                chunk = [self.full(m, loc) for m, loc in merged[start:start + READ_BATCH]]
                chunk_keys = [extraction_key(m) for m in chunk]
                keys.extend(chunk_keys)
                cached = set(self.state.extracted(chunk_keys))
                todo = [(k, m) for k, m in zip(chunk_keys, chunk) if k not in cached]
                self.stats.extraction_cached += len(chunk) - len(todo)
                bar.update(len(chunk) - len(todo))
                self.stats.extracted += len(todo)
                for i in range(0, len(todo), EXTRACT_CHUNK):
                    handle(self.workers.submit(extract_batch, todo[i:i + EXTRACT_CHUNK], tag="x"))
            handle(self.workers.drain())
        finally:
            bar.close()
        return keys

    def results(self, keys: list[str]):
        """ExtractionResults for `keys`, in order, streamed from the cache."""
        for start in range(0, len(keys), READ_BATCH):
            chunk = keys[start:start + READ_BATCH]
            blobs = self.state.extracted(chunk)
            for key in chunk:
                yield unpack(blobs[key])

    # stage 4: identity resolution over light copies of every mention (shared, evidence-free objects)
    def resolve(self, merged: list[Located], keys: list[str], kb) -> Resolution:
        shared: dict[tuple, object] = {}
        nowhere = Evidence("", 0, 0, "", "")
        results: dict[str, ExtractionResult] = {}
        self._refs = []
        for (m, _), result in zip(merged, self.results(keys)):
            mentions = tuple(shared.setdefault(("m", x.kind, x.key, x.label or x.surface),
                                               Mention(x.kind, x.key, "", nowhere, x.label or x.surface))
                             for x in result.mentions)
            relations = tuple(shared.setdefault(("r", r.subject, r.object, r.object_is_literal, r.org),
                                                Relation(r.subject, "", r.object, nowhere, r.object_is_literal, r.org))
                              for r in result.relations)
            results[m.id] = ExtractionResult(m.id, mentions, relations)
            # the entity keys this message's graph depends on, for map()'s input keys (shared strings)
            self._refs.append(tuple(x.key for x in mentions) + tuple(
                k for r in relations for k in (r.subject, r.object, r.org) if k))
        return resolve([m for m, _ in merged], results, kb, self.minter)

    def suppress(self, resolution: Resolution, messages: list[Message]) -> tuple[Resolution, frozenset[str]]:
        """Resolution without the people on the suppression list, and their IRIs (written beside the
        store for `igkg serve`/`publish` to answer 410). Applied at every build: nothing about them
        is mapped, so no graph, export or page can hold it."""
        suppression = load_suppression(self.settings.suppression_path)
        people = suppressed_iris(suppression, resolution, messages)
        if self.store.path is not None:
            listing = self.store.path.with_name(self.store.path.name + SUPPRESSED_SUFFIX)
            if people or listing.exists():
                atomic_write(listing, "".join(f"{iri}\n" for iri in sorted(people)).encode(), manifest=False)
        if not people:
            return resolution, people
        kept = {k: e for k, e in resolution.entities.items() if e.iri not in people}
        return replace(resolution, entities=kept), people

    def authored_by(self, m: Message, canonical: dict[str, str], people: frozenset[str]) -> bool:
        """True when the author of `m` is one of the suppressed `people` (IRIs)."""
        if not (m.author and m.author.name):
            return False
        root = canonical.get(person_key(m.author.name))
        return root is not None and self.minter.person(root) in people

    # stage 5: RDF per message, mapped only when its input changed and written only when its content did
    def map(self, merged: list[Located], keys: list[str], resolution: Resolution, kb) -> dict[str, Graph]:
        resolution, people = self.suppress(resolution, [m for m, _ in merged])
        writer = GraphWriter(self.store, self.state)
        kept: dict[str, Graph] = {}
        quoted_in = quoted_in_index([m for m, _ in merged], self.quote_links)
        # each graph written is checked against the shapes as it is mapped, while its triples are at hand
        checks = BuildChecks(self.validation) if self.validation is not None else None
        if self.keep:  # in memory: rdflib graphs, mapped here
            mapper, builder = None, MessageGraphBuilder(self.minter, resolution, kb, quoted_in, RDFLIB_TERMS)
        else:  # the store path: N-Triples text, mapped (and checked) here or in worker processes
            mapper = Mapper(self.minter, resolution, kb, quoted_in, checks is not None, self.infer)
            builder = mapper.builder
        known_before = set(writer.known)
        inferred = self.minter.graph("inferred")
        # on the store path each graph's own consequences are derived as it is mapped (kg.infer_local)
        inference = BuildInference(self.store, self.state, inferred, known_before) \
            if self.infer and mapper is not None else None
        infer_seconds = 0.0
        bar = _bar(self.settings, "loading", "msg", len(merged))

        def write(iri: str, triples, input_key: str | None) -> None:
            nonlocal infer_seconds
            if writer.put(iri, triples, input_key) and (inference is not None or checks is not None):
                derived, seconds, check, check_seconds = derive_and_check(
                    iri, set(text_triples(triples)), checks.checker if checks is not None else None,
                    inference is not None)
                infer_seconds += seconds
                if inference is not None:
                    inference.written(iri, writer.last_digest, (f"{s} {p} {o} ." for s, p, o in derived),
                                      iri not in known_before)
                if checks is not None:
                    checks.add_check(iri, writer.last_digest, check, check_seconds)
            if self.keep:
                kept[iri] = triples

        def write_mapped(done) -> None:
            nonlocal infer_seconds
            for _, graphs in done:
                for g in graphs:
                    if writer.put_prepared(g.iri, g.digest, g.data, g.input_key):
                        if checks is not None:
                            checks.add_check(g.iri, g.digest, g.check, g.check_seconds)
                        if inference is not None:
                            inference.written(g.iri, g.digest, g.inferred, g.iri not in known_before)
                    infer_seconds += g.infer_seconds
                bar.update(len(graphs))

        with contextlib.ExitStack() as cleanup:
            cleanup.callback(bar.close)
            pool = None
            if mapper is not None and self.workers.n >= MAP_WORKERS_FROM:
                # the workers map in parallel; each gets the mapping context once, when it starts
                pool = cleanup.enter_context(Workers(self.workers.n, initializer=start_worker, initargs=(
                    context_bytes(self.minter, resolution, quoted_in, checks is not None, self.infer),)))
            for start in range(0, len(merged), READ_BATCH):
                todo = []
                for i in range(start, min(start + READ_BATCH, len(merged))):
                    m = merged[i][0]
                    if people and self.authored_by(m, resolution.canonical, people):
                        continue  # a suppressed person's own post is left out whole (its graph is removed)
                    iri, input_key = self.minter.post_graph(m.id), builder.input_key(m, keys[i], self._refs[i])
                    if self.keep or not writer.unchanged_input(iri, input_key):
                        todo.append((i, iri, input_key))
                bar.update(min(READ_BATCH, len(merged) - start) - len(todo))
                blobs = self.state.extracted([keys[i] for i, _, _ in todo])
                if pool is not None:
                    for j in range(0, len(todo), MAP_CHUNK):
                        tasks = [MapTask(iri, input_key, merged[i][0], *merged[i][1], blobs[keys[i]])
                                 for i, iri, input_key in todo[j:j + MAP_CHUNK]]
                        fulls = {t.full_key: self.state.full(t.full_key) for t in tasks}
                        write_mapped(pool.submit(map_batch, tasks, fulls, tag="map"))
                    continue
                for i, iri, input_key in todo:
                    m, loc = merged[i]
                    message, result = self.full(m, loc), unpack(blobs[keys[i]])
                    if mapper is None:
                        write(iri, builder.build(message, result), input_key)
                        bar.update(1)
                    else:
                        write_mapped([(None, [mapper.map(iri, input_key, message, result)])])
            if pool is not None:
                write_mapped(pool.drain())
        lists = sorted({m.list_name for m, _ in merged if m.list_name})
        newest = max((m.date for m, _ in merged if m.date is not None and m.date.tzinfo is not None), default=None)
        kb_iri = self.minter.graph("kb")
        # the KB graph is read from files: unchanged files, unchanged graph (no need to rebuild 11k triples)
        kb_input = hashlib.sha256("\x1f".join(
            [MAPPING_VERSION, self.minter.base, kb_files_digest(), ONTOLOGY_PATH.read_text("utf-8")]).encode()).hexdigest()
        fixed = {}
        if self.keep or not writer.unchanged_input(kb_iri, kb_input):
            fixed[kb_iri] = kb_graph(kb, load_ontology(), self.minter, Graph if self.keep else set)
        fixed[self.minter.graph("meta")] = meta_graph(
            self.minter, "igkg: " + (", ".join(lists) or "mailing-list archive"), self.sources,
            {"messages": len(merged), "entities": len(resolution.entities)}, newest)
        for iri, graph in fixed.items():
            write(iri, graph, kb_input if iri == kb_iri else None)
        writer.remove_others(keep=[inferred] if self.infer else [])
        if checks is not None:
            checks.flush()
            self.stats.seconds["checks"] = checks.seconds
        start = time.perf_counter()
        if inference is not None:
            self.stats.inferred = inference.finish(bool(writer.written or writer.removed), bool(writer.removed))
        elif self.infer:  # in memory: the whole (small) dataset at once
            infer_store(self.store, inferred)
            self.stats.inferred = True
        if self.stats.inferred:
            # the rules' CPU time: in the workers (per graph) and here (what needs the union)
            self.stats.seconds["infer"] = infer_seconds + time.perf_counter() - start
        self.store.flush()
        if self.keep and self.infer:
            kept[inferred] = as_graph((s, p, o) for s, p, o, _ in self.store.to_dataset([inferred]).quads())
        self.stats.graphs_written, self.stats.graphs_unchanged = writer.written, writer.unchanged
        self.stats.graphs_removed = writer.removed
        return kept


def default_fetcher_factory(cache_dir: Path | None) -> Callable:
    """One polite Fetcher per source URL, allowed on that URL's host, caching under `cache_dir`."""
    from kg.sources.fetch import Fetcher, FetchPolicy

    def factory(url: str):
        return Fetcher(FetchPolicy.for_urls([url], cache_dir=cache_dir))
    return factory


@contextlib.contextmanager
def long_lived_frozen():
    """Leave the objects alive now (the merged messages, the resolution: millions at 100k messages)
    out of the cyclic garbage collector's full passes while mapping: each pass walked all of them
    again (~0.4 s a pass, ~20 s a 100k build). Cycles among them wait until the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def build(sources: list[str], settings: Settings, fetcher_factory: Callable | None = None, *,
          store: QuadStore | None = None, state: BuildState | None = None, workers: int | None = None,
          infer: bool = True, validation: ValidationCache | None = None) -> BuildResult:
    """Build the graph of `sources` (files, folders, URLs).

    Without `store`, everything happens in memory and the result carries the dataset, the graphs
    and the messages (fine for pages and small lists). With a store and a state, the build is
    incremental and streams: only changed units are read, only new messages parsed and extracted,
    only changed named graphs written; memory does not grow with the archive. With `validation`,
    each graph written is checked against the shapes into it (see kg.validation).
    """
    keep = store is None
    store = store if store is not None else QuadStore()
    state = state if state is not None else BuildState()
    if fetcher_factory is None:
        cache = state.path.parent / (state.path.stem + ".http-cache") if state.path else None
        fetcher_factory = default_fetcher_factory(cache)
    with Workers(workers or settings.workers) as pool:
        run = _Run(sources, settings, store, state, fetcher_factory, pool, infer, keep, validation)
        order = run.timed("read+parse", run.read)
        merged = run.timed("merge", run.merge, order)
        del order
        keys = run.timed("extract", run.extract, merged)
    kb = load_kb()
    resolution = run.timed("resolve", run.resolve, merged, keys, kb)
    with long_lived_frozen():
        graphs = run.timed("map+store", run.map, merged, keys, resolution, kb)
    counts = {"messages": len(merged), "quoted messages": sum(m.kind == "quoted" for m, _ in merged),
              "threads": sum(1 for m, _ in merged if m.parent_id is None)}
    messages = [run.full(m, loc) for m, loc in merged] if keep else []
    return BuildResult(to_dataset(graphs) if keep else None, graphs, messages, resolution, run.problems, counts,
                       run.stats)


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
