"""The schema.org JSON-LD embedded in each entity page (a dict @context with @vocab: never a URL)."""

from __future__ import annotations

SCHEMA_TYPES = {
    "person": "Person", "organization": "Organization", "document": "CreativeWork", "concept": "DefinedTerm",
    "event": "Event", "place": "Place", "post": "DiscussionForumPosting", "forum": "WebPage", "thing": "Thing",
}


def _first(view, name: str) -> str | None:
    for fact, values in view.facts:
        if fact == name and values:
            return values[0].text
    return None


def _refs(view, name: str) -> list[dict]:
    out = []
    for fact, values in view.facts:
        if fact == name:
            out += [{"@id": v.ref.iri, "name": v.text} for v in values if v.ref is not None]
    return out


def schema_org(view, links) -> dict:
    """A schema.org description of the entity, from its page view."""
    data: dict = {
        "@context": {"@vocab": "https://schema.org/"},
        "@id": view.iri,
        "@type": SCHEMA_TYPES.get(view.kind, "Thing"),
        "name": view.label,
    }
    url = links.page(view.iri)
    if url:
        data["url"] = url
    if view.alt_labels:
        data["alternateName"] = list(view.alt_labels)
    if view.kind == "organization" and (parents := _refs(view, "part of")):
        data["parentOrganization"] = parents
    if view.kind == "person" and view.memberships:
        data["affiliation"] = [{"@id": m.organization.iri, "name": m.organization.label} for m in view.memberships]
    if view.kind == "document":
        if issued := _first(view, "issued"):
            data["datePublished"] = issued
        if whole := _refs(view, "part of"):
            data["isPartOf"] = whole
    if view.kind == "post":
        data["headline"] = _first(view, "title") or view.label
        if created := _first(view, "date"):
            data["dateCreated"] = created
        if authors := _refs(view, "author"):
            data["author"] = authors
        if mentions := _refs(view, "mentions"):
            data["mentions"] = mentions
    if view.kind == "concept" and (schemes := _refs(view, "scheme")):
        data["inDefinedTermSet"] = schemes
    return data
