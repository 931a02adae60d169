"""HTML pages for entities, threads, search, the index and the SPARQL form, from the views in serve_data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from kg.serve_data import EntityView, Ref, ThreadNode
from kg.serve_html import Safe, activity_svg, document, el, json_script
from kg.serve_schema import schema_org
from kg.store import QueryResult

KIND_TITLES = {
    "person": "Person", "organization": "Organization", "document": "Document", "concept": "Concept",
    "event": "Event", "place": "Place", "post": "Post", "forum": "Mailing list", "thing": "Resource",
}


@dataclass(frozen=True)
class Links:
    """Where links point: the server's paths or the static site's relative files."""

    page: Callable[[str], str | None]  # entity IRI -> URL of its HTML page (None: no page of ours)
    thread: Callable[[str], str | None]  # root post IRI -> URL of its thread view
    home: str
    search: str | None = None  # None on the static site (no server to search)
    sparql: str | None = None
    void: str | None = None
    alternates: Callable[[str], list[tuple[str, str]]] = lambda iri: []  # (media type, URL) of RDF versions


def link(ref: Ref, links: Links) -> Safe:
    """A link to a resource by its label; plain text when it has no page of ours."""
    href = links.page(ref.iri)
    return el("a", ref.label, href=href) if href else el("span", ref.label, title=ref.iri)


def _facts(view: EntityView, links: Links):
    rows = []
    for name, values in view.facts:
        cells = []
        for v in values:
            if v.ref is not None:
                cells.append(el("li", link(v.ref, links) if v.ref.kind else
                                el("a", v.text, href=v.ref.iri) if v.ref.iri.startswith(("http://", "https://"))
                                else v.text))
            else:
                cells.append(el("li", v.text, " ", el("span", v.note, class_="note") if v.note else None))
        rows.append(el("tr", el("th", name, scope="row"), el("td", el("ul", cells))))
    return el("table", rows, class_="facts") if rows else None


def _quotes(view: EntityView, links: Links):
    if not view.quotes:
        return None
    items = []
    for q in view.quotes:
        source = [link(q.post, links)]
        if q.date:
            source.append(el("span", f" {q.date[:10]}", class_="note"))
        if q.archive_page:
            source += [" · ", el("a", "archive page", href=q.archive_page, rel="nofollow")]
        items.append(el("li", el("blockquote", "…", q.prefix, el("mark", q.exact), q.suffix, "…"), source))
    return [el("h2", "Evidence"), el("ul", items, class_="quotes")]


def _memberships(view: EntityView, links: Links):
    if not view.memberships:
        return None
    title = "Affiliations" if view.kind == "person" else "Members and roles"
    items = []
    for m in view.memberships:
        who = link(m.organization if view.kind == "person" else m.person, links)
        role = el("span", f" — {m.role}") if m.role else None
        stated = [" ", el("span", "stated in ", class_="note"), link(m.stated_in, links)] if m.stated_in else None
        items.append(el("li", who, role, stated))
    return [el("h2", title), el("ul", items, class_="memberships")]


def _inverse(view: EntityView, links: Links):
    out = []
    for title, refs in view.inverse:
        out += [el("h2", title, " ", el("span", f"({len(refs)})", class_="note")),
                el("ul", [el("li", link(r, links)) for r in refs])]
    return out


def entity_page(view: EntityView, links: Links) -> bytes:
    """The HTML page of one entity."""
    alternates = [el("a", mt, href=url, rel="alternate", type=mt) for mt, url in links.alternates(view.iri)]
    body = [
        el("h1", view.label),
        el("p", el("span", KIND_TITLES.get(view.kind, view.kind), class_="kind"), " ",
           el("span", view.iri, class_="iri")),
        el("p", "Also known as: ", ", ".join(view.alt_labels)) if view.alt_labels else None,
        el("p", el("span", "Data: ", class_="note"), [[a, " "] for a in alternates]) if alternates else None,
        _facts(view, links),
    ]
    if view.content is not None:
        body += [el("h2", "Text"), el("pre", view.content, class_="content")]
    if view.thread_root and (href := links.thread(view.thread_root)):
        body.append(el("p", el("a", "Show the whole thread", href=href)))
    body += [_memberships(view, links), _quotes(view, links)]
    chart = activity_svg(view.activity, f"Posts per month about {view.label}")
    if chart:
        body += [el("h2", "Activity over time"), chart]
    body += _inverse(view, links)
    head = [el("link", rel="alternate", type=mt, href=url) for mt, url in links.alternates(view.iri)]
    head.append(json_script(schema_org(view, links)))
    return document(f"{view.label} · igkg", body, home=links.home, search=links.search, head_extra=head)


def _tree(node: ThreadNode, links: Links, current: str | None) -> Safe:
    label = link(node.post, links)
    if node.post.iri == current:
        label = el("strong", label)
    meta = el("span", " ", " · ".join(x for x in (node.author, (node.date or "")[:16]) if x), class_="note")
    kids = el("ul", [_tree(c, links, current) for c in node.replies]) if node.replies else None
    return el("li", label, meta, kids)


def thread_page(root: ThreadNode, links: Links, current: str | None = None) -> bytes:
    """The reply tree of a thread."""
    body = [el("h1", "Thread: ", root.post.label), el("ul", _tree(root, links, current), class_="thread")]
    return document(f"Thread: {root.post.label} · igkg", body, home=links.home, search=links.search)


def search_page(query: str, hits: list[Ref], links: Links) -> bytes:
    """Search results over labels."""
    items = [el("li", link(r, links), " ", el("span", KIND_TITLES.get(r.kind or "", ""), class_="kind")) for r in hits]
    body = [el("h1", "Search"), el("p", f"{len(hits)} result(s) for “{query}”") if query else None,
            el("ul", items, class_="results")]
    return document("Search · igkg", body, home=links.home, search=links.search)


def index_page(entities: list[tuple[str, str, str]], links: Links, per_kind: int | None = 200) -> bytes:
    """The home page: what the dataset holds, by kind, with the ways in (SPARQL, VoID, dumps)."""
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for iri, kind, label in entities:
        by_kind.setdefault(kind, []).append((iri, label))
    ways = [el("li", el("a", "SPARQL endpoint", href=links.sparql)) if links.sparql else None,
            el("li", el("a", "Dataset description (VoID, DCAT)", href=links.void)) if links.void else None,
            el("li", el("a", "Download (Turtle)", href=links.home.rstrip("/") + "/dump.ttl")),
            el("li", el("a", "Download (N-Quads, one graph per message)", href=links.home.rstrip("/") + "/dump.nq"))]
    body = [el("h1", "Internet-governance mailing lists: knowledge graph"), el("ul", ways)]
    for kind in KIND_TITLES:
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        shown = rows if per_kind is None else rows[:per_kind]
        body += [el("h2", f"{KIND_TITLES[kind]}s ", el("span", f"({len(rows)})", class_="note")),
                 el("ul", [el("li", link(Ref(i, label, kind), links)) for i, label in shown])]
    return document("igkg", body, home=links.home, search=links.search)


def sparql_page(links: Links, query: str = "", result: QueryResult | None = None,
                error: str | None = None, cell: Callable | None = None) -> bytes:
    """The SPARQL form, and the results as a table when a query ran."""
    form = el("form", el("label", "Query", for_="query"),
              el("textarea", query, id="query", name="query", rows="10", cols="80"),
              el("p", el("button", "Run query", type="submit", id="run")),
              action=links.sparql, method="post")
    body: list = [el("h1", "SPARQL"), el("p", "Read-only: SELECT and ASK; no SERVICE, FROM or LOAD.", class_="note"),
                  form]
    if error:
        body.append(el("p", error, class_="error", role="alert"))
    if result is not None:
        if result.boolean is not None:
            body.append(el("p", "Answer: ", el("strong", "yes" if result.boolean else "no")))
        else:
            head = el("tr", [el("th", v) for v in result.variables])
            rows = [el("tr", [el("td", cell(t) if cell else ("" if t is None else str(t))) for t in row])
                    for row in result.rows]
            body += [el("p", f"{len(result.rows)} row(s)", id="count"),
                     el("table", el("thead", head), el("tbody", rows), class_="results")]
    return document("SPARQL · igkg", body, home=links.home, search=links.search)


def message_page(title: str, text: str, links: Links) -> bytes:
    """A plain page for errors and notices (404, 406, 410): fixed text, never exception details."""
    return document(f"{title} · igkg", [el("h1", title), el("p", text)], home=links.home, search=links.search)
