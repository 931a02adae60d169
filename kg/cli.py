"""The `igkg` command: a thin layer of click commands over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import __version__
from kg.config import Settings, settings_from_env
from kg.errors import ConfigError, IgkgError

STORE_HELP = "Embedded store folder (default: .igkg/store in the working folder, or $IGKG_STORE)."


class IgkgGroup(click.Group):
    """Turns igkg's own errors into one clear line on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"igkg: error: {exc}", err=True)
            sys.exit(2)
        except IgkgError as exc:
            click.echo(f"igkg: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=IgkgGroup)
@click.version_option(__version__, prog_name="igkg")
def main():
    """Build, check, query and export a knowledge graph of Internet-governance mailing-list archives."""


def _settings(store: str | None, base_iri: str | None = None, quiet: bool = False, **extra) -> Settings:
    return settings_from_env(store_path=store, base_iri=base_iri, quiet=quiet or None, **extra)


VALIDATION_SUFFIX = ".validation.sqlite"  # beside the store: what each graph's check found (kg.validation_cache)


def _beside(settings: Settings, suffix: str) -> Path:
    """A file next to the store folder (not inside: the folder belongs to the store engine)."""
    path = Path(settings.store_path)
    return path.parent / f"{path.name}{suffix}"


def _open_store(settings: Settings, must_exist: bool = True):
    from kg.store import QuadStore
    if must_exist and not Path(settings.store_path).exists():
        raise ConfigError(f"no store at {settings.store_path}: run `igkg build SOURCE...` first "
                          "(or point --store / $IGKG_STORE at one)")
    return QuadStore(settings.store_path)


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the graph to this file; "
              "the extension picks the format (.ttl .trig .nt .nq .jsonld). Without it: the embedded store.")
@click.option("--store", help=STORE_HELP)
@click.option("--base-iri", help="Base IRI of every minted IRI (default https://kg.example.org/id/).")
@click.option("--suppress", "suppress_file", type=click.Path(exists=True, dir_okay=False),
              help="Suppression list: people left out of the graph (person:<name>, a name, an address or "
              "sha256:<hex> a line; default $IGKG_SUPPRESSION).")
@click.option("--include-contact-details", is_flag=True,
              help="PRIVATE USE ONLY: keep e-mail addresses and phone numbers in message text.")
@click.option("--rebuild", is_flag=True, help="Forget the build state and rebuild the store from scratch.")
@click.option("-j", "--workers", type=click.IntRange(0), default=0, show_default=True,
              help="Worker processes for parsing and extraction (0: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
def build(sources, output, store, base_iri, suppress_file, include_contact_details, rebuild, workers, quiet):
    """Build the graph from SOURCES: pipermail or HyperKitty list URLs, mbox/.eml/Maildir files or
    folders, saved pipermail pages, or page URLs. Into the store, builds are incremental."""
    import os
    import shutil

    from kg.export import export, format_for
    from kg.pipeline import build as run_build
    from kg.state import BuildState
    from kg.validation_cache import ValidationCache

    settings = _settings(store, base_iri, quiet, include_contact_details=include_contact_details or None,
                         suppression_path=suppress_file)
    if output:
        format_for(output)  # fail on a bad extension before doing any work
    if include_contact_details:
        click.echo("igkg: WARNING: --include-contact-details keeps e-mail addresses and phone numbers "
                   "in the graph. Do not publish this build.", err=True)
    workers = workers or os.cpu_count() or 1
    if output:
        result = run_build(list(sources), settings, workers=workers)
    else:
        store_path = Path(settings.store_path)
        # beside the store: .igkg/store -> .igkg/store.state.sqlite, .igkg/store.http-cache/, and the
        # checks the build makes of each graph it writes (.igkg/store.validation.sqlite)
        state_path, checks_path = _beside(settings, ".state.sqlite"), _beside(settings, VALIDATION_SUFFIX)
        if rebuild:
            for db in (state_path, checks_path):
                for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                    leftover.unlink(missing_ok=True)
            shutil.rmtree(store_path, ignore_errors=True)
        store_, state, checks = _open_store(settings, must_exist=False), BuildState(state_path), ValidationCache(checks_path)
        try:
            result = run_build(list(sources), settings, store=store_, state=state, workers=workers, validation=checks)
        finally:
            state.close()
            checks.close()
    if not result.counts.get("messages"):
        for problem in result.problems:
            click.echo(f"igkg: {problem.severity}: {problem.locator}: {problem.reason}", err=True)
        raise IgkgError("no message could be read from the sources")
    if output:
        fmt = export(result.dataset, output, allow_contact_details=include_contact_details)
        where = f"{output} ({fmt.name})"
    else:
        s = result.stats
        where = (f"the store at {settings.store_path} ({s.graphs_written} graphs written, {s.graphs_unchanged} "
                 f"unchanged, {s.graphs_removed} removed; {s.units_read} units read, {s.units_unchanged} unchanged, "
                 f"{s.units_failed} failed)")
    if not quiet:
        counts = ", ".join(f"{v} {k}" for k, v in result.summary().items())
        click.echo(f"igkg: built {counts}; written to {where}", err=True)
        for problem in result.problems:
            click.echo(f"igkg: {problem.severity}: {problem.locator}: {problem.reason}", err=True)


@main.command("export")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--format", "fmt_name", help="Format name (turtle, trig, ntriples, nquads, jsonld); "
              "default: from OUTPUT's extension.")
@click.option("--store", help=STORE_HELP)
def export_cmd(output, fmt_name, store):
    """Export the store to OUTPUT (Turtle is the union of all graphs; TriG/N-Quads keep them)."""
    from kg.export import export, format_for

    fmt = format_for(output, fmt_name)
    settings = _settings(store)
    export(_open_store(settings).to_dataset(), output, fmt)
    click.echo(f"igkg: wrote {output} ({fmt.name})", err=True)


@main.command()
@click.option("--store", help=STORE_HELP)
@click.option("--report", type=click.Path(dir_okay=False), help="Also write the sh:ValidationReport as Turtle.")
@click.option("--no-cache", is_flag=True, help="Check every graph again (default: only graphs changed since "
              "they were last checked, by the build or by this command).")
@click.option("--reference", is_flag=True, help="Validate with pyshacl over the whole union graph (slow; the "
              "reference the fast checks are tested against).")
def validate(store, report, no_cache, reference):
    """Check the store against the SHACL shapes; exit 1 when any shape is violated."""
    from kg.export import atomic_write
    from kg.state import BuildState
    from kg.validate import validate_graph
    from kg.validate_report import report_graph, summarize
    from kg.validation import validate as validate_store
    from kg.validation_cache import ValidationCache

    settings = _settings(store)
    store_ = _open_store(settings)
    if reference:
        results = validate_graph(store_.union_graph()).results
        click.echo("igkg: validated the whole union graph with pyshacl", err=True)
    else:
        state_path, cache_path = _beside(settings, ".state.sqlite"), _beside(settings, VALIDATION_SUFFIX)
        keys = {}
        if state_path.exists():  # the build's content hashes: unchanged graphs need not be read to know it
            state = BuildState(state_path)
            keys = state.graph_hashes()
            state.close()
        cache = ValidationCache(None if no_cache else cache_path)
        try:
            result = validate_store(store_, cache, keys)
        finally:
            cache.close()
        results = result.results
        click.echo(f"igkg: read and checked {result.graphs_validated} graph(s), {result.graphs_reused} already "
                   f"checked (by the build or an earlier run); {result.cross_nodes} shared node(s) checked "
                   f"from the union", err=True)
    for shape, severity, count in summarize(results):
        click.echo(f"{severity}\t{count}\t{shape}")
    violations = [r for r in results if r.severity == "http://www.w3.org/ns/shacl#Violation"]
    if report:
        atomic_write(report, report_graph(results, not violations).serialize(format="turtle", encoding="utf-8"))
    if not violations:
        click.echo("igkg: the graph conforms to the shapes", err=True)
    else:
        for r in violations[:20]:
            click.echo(f"  {r.focus_node} {r.result_path}: {r.message}", err=True)
        click.echo(f"igkg: {len(violations)} violation(s)", err=True)
        sys.exit(1)


@main.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "tsv", "json", "xml"]), help="Output format.")
@click.option("--list", "list_", is_flag=True, help="List the catalogue's queries and exit.")
@click.option("--file", "file_", type=click.Path(exists=True, dir_okay=False), help="Run an ad-hoc query file.")
@click.option("--endpoint", help="Query this SPARQL 1.1 endpoint (its default graph the union of the "
              "graphs, e.g. after `igkg push`) instead of the embedded store.")
@click.option("--store", help=STORE_HELP)
def query(name, params, fmt, list_, file_, endpoint, store):
    """Run catalogue query NAME (see --list) or an ad-hoc --file over the store or an --endpoint."""
    from kg.queries import format_result, load_catalogue, run_named, run_text

    catalogue = load_catalogue()
    if list_:
        for q in catalogue.values():
            click.echo(f"{q.name}\t{q.title}")
        return
    raw: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--param {item!r} must be KEY=VALUE")
        raw[key.strip()] = value
    if endpoint:
        from kg.remote import RemoteStore
        store_ = RemoteStore(endpoint)
    else:
        store_ = _open_store(_settings(store))
    if file_:
        result = run_text(store_, Path(file_).read_text(encoding="utf-8"))
    elif name:
        result = run_named(store_, name, raw)
    else:
        raise ConfigError("give a query NAME, --file Q.rq, or --list")
    click.echo(format_result(result, fmt), nl=False)


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("pages_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="List missed and extra entities per page.")
def eval_cmd(gold_dir, pages_dir, verbose):
    """Score builds of PAGES_DIR against gold annotations in GOLD_DIR (precision, recall, F1)."""
    from kg.evaluate import evaluate, report

    click.echo(report(evaluate(Path(gold_dir), Path(pages_dir)), verbose), nl=False)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def parse(file):
    """Show what the parser recovers from one page: messages, authors, dates, parents, segments."""
    from kg.sources.pages import read_file
    from kg.parse import parse_page

    read = read_file(Path(file))
    if read.page is None:
        raise IgkgError(f"{file}: {read.problem.reason if read.problem else 'unreadable'}")
    page = parse_page(read.page.text, read.page.provenance, read.page.url)
    index = {m.id: i for i, m in enumerate(page.messages)}
    for i, m in enumerate(page.messages):
        author = m.author.name if m.author else None
        parent = index.get(m.parent_id, m.parent_id) if m.parent_id else None
        click.echo(f"[{i}] {m.kind} id={m.id} author={author!r} address={'yes' if m.author and m.author.address else 'no'}"
                   f" date={m.date.isoformat() if m.date else None} parent={parent}")
        for seg in m.segments:
            excerpt = " ".join(m.text[seg.start:seg.end].split())[:100]
            click.echo(f"    {seg.kind} {seg.start}-{seg.end}: {excerpt}")
    for problem in page.problems:
        click.echo(f"problem: {problem.severity}: {problem.reason}", err=True)


SUPPRESSED_HELP = "File of person IRIs (one a line) to answer 410 Gone for and leave out."


def _read_iris(path: str | None, settings: Settings) -> frozenset[str]:
    """Person IRIs, one a line (# comments), that the server and site answer 410 Gone for: those of
    `path` and those the last build suppressed (written beside the store)."""
    from kg.pipeline import SUPPRESSED_SUFFIX

    store_path = Path(settings.store_path)
    files = [Path(p) for p in (path, store_path.with_name(store_path.name + SUPPRESSED_SUFFIX)) if p]
    lines = [line for f in files if f.is_file() for line in f.read_text(encoding="utf-8").splitlines()]
    return frozenset(s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--suppressed", "suppressed_file", type=click.Path(exists=True, dir_okay=False), help=SUPPRESSED_HELP)
@click.option("--base-iri", help="Base IRI of the data (default $IGKG_BASE_IRI or https://kg.example.org/id/).")
@click.option("--store", help=STORE_HELP)
def serve(host, port, suppressed_file, base_iri, store):
    """Serve the store as linked data: entity pages, content negotiation, SPARQL at /sparql."""
    try:
        import uvicorn

        from kg.serve import create_app
    except ImportError as exc:
        raise ConfigError("the server needs its extra: pip install -e '.[serve]'") from exc
    settings = _settings(store, base_iri)
    app = create_app(_open_store(settings), settings, _read_iris(suppressed_file, settings))
    # no access log: query strings can hold searches for people (security.md section 3)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


@main.command()
@click.option("--site", "site_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the static site (replaced atomically; must be empty, new, or an earlier site).")
@click.option("--public-root", help="URL the site is served from, for VoID's links (default: the base IRI's host).")
@click.option("--suppressed", "suppressed_file", type=click.Path(exists=True, dir_okay=False), help=SUPPRESSED_HELP)
@click.option("--base-iri", help="Base IRI of the data.")
@click.option("--store", help=STORE_HELP)
def publish(site_dir, public_root, suppressed_file, base_iri, store):
    """Write a static linked-data site: HTML, Turtle and JSON-LD per entity, nginx/Apache config."""
    from kg.site import publish_site

    settings = _settings(store, base_iri)
    report = publish_site(_open_store(settings), settings, site_dir,
                          suppressed=_read_iris(suppressed_file, settings), public_root=public_root)
    click.echo(f"wrote {report.entities} entity pages and {report.threads} thread(s) to {report.out_dir}")


@main.command("push")
@click.argument("endpoint")
@click.option("--graph", "graphs", multiple=True, help="Push only this named graph (repeatable).")
@click.option("--force", is_flag=True, help="Push every graph, ignoring what was pushed before.")
@click.option("--store", help=STORE_HELP)
def push_cmd(endpoint, graphs, force, store):
    """Load the named graphs into a SPARQL 1.1 store (Graph Store Protocol), skipping unchanged ones."""
    from kg.push import push

    report = push(_open_store(_settings(store)), endpoint, graphs=list(graphs) or None, force=force)
    click.echo(f"pushed {len(report.pushed)}, unchanged {len(report.skipped)}, "
               f"deleted {len(report.deleted)} graph(s) at {report.endpoint}")


if __name__ == "__main__":
    main()
