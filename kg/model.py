"""Frozen dataclasses that flow through the pipeline: raw input, messages, evidence, mentions, problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Provenance:
    """Where something was read: a file path or URL, and what produced it."""

    locator: str
    source_kind: str  # e.g. "pipermail-text", "pipermail-html", "mbox", "eml"


@dataclass(frozen=True)
class RawPage:
    """One archive page (or one raw email) as read from disk or the network, before parsing."""

    text: str
    provenance: Provenance
    url: str | None = None  # the archive URL of the page when known


@dataclass(frozen=True)
class Sender:
    """A message author as the header or attribution line shows it.

    `address` is None when the page shows no address of the author's own (hidden, domain-stripped,
    or only the list's address); `raw` keeps the exact header text for evidence.
    """

    name: str | None
    address: str | None
    raw: str = ""


@dataclass(frozen=True)
class Segment:
    """A span of a message's `text`: `kind` is "body" (the author's own words) or "signature"."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Message:
    """One message: archived (the page's own) or reconstructed from a quote inside another message.

    `text` is the author's own text with its signature and without quoted parts (what becomes
    sioc:content); all evidence offsets point into it. `date` is timezone-aware when the source gave
    an offset, naive (local time) when it came from a quoted attribution without one.
    """

    id: str
    text: str
    author: Sender | None
    date: datetime | None
    subject: str | None = None
    list_name: str | None = None
    parent_id: str | None = None
    references: tuple[str, ...] = ()
    message_id: str | None = None  # the Message-ID header, normalised, when known
    archive_url: str | None = None
    kind: str = "archived"  # "archived" | "quoted"
    segments: tuple[Segment, ...] = ()
    header: str = ""  # the exact header/attribution text the author and date were read from
    provenance: Provenance | None = None

    @property
    def signature(self) -> str:
        """The signature part of `text` (empty when none was found)."""
        return "".join(self.text[s.start : s.end] for s in self.segments if s.kind == "signature")


@dataclass(frozen=True)
class Evidence:
    """The exact words a fact was read from: offsets (code points) into a message's `text`."""

    message_id: str
    start: int
    end: int
    exact: str
    extractor: str  # "name@version"


@dataclass(frozen=True)
class Mention:
    """An entity named in a message's own text. `key` is a stable identity key, not an IRI.

    Keys: knowledge-base entities use their KB key (e.g. "org/cstd"); others use
    "<kind>:<normalised label>" (e.g. "person:paul blaker"). `label` is the best name seen.
    """

    kind: str  # person | organization | document | concept | event | place
    key: str
    surface: str
    evidence: Evidence
    label: str | None = None


@dataclass(frozen=True)
class Relation:
    """A statement between two entity keys (or an entity and a literal), with its evidence.

    Predicates: affiliated_with, member_of, holds_role (object is a literal role string, `org`
    optionally names the organization the role is held in), part_of, authored, cites,
    agrees_with, disagrees_with, proposes, chairs, located_in.
    """

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    object_is_literal: bool = False
    org: str | None = None


@dataclass(frozen=True)
class ExtractionResult:
    """What the extractors found in one message."""

    message_id: str
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A page or message that could not be (fully) used: where, and why. The run goes on."""

    locator: str
    reason: str
    severity: str = "error"  # "error" (dropped) | "warning" (used, partly)


@dataclass
class PageParse:
    """Result of parsing one page: the page's own message first, then embedded ones outermost first."""

    messages: list[Message] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Entity:
    """One resolved real-world thing with its IRI, names and (for KB entities) what the KB knows."""

    key: str
    kind: str  # person | organization | document | concept | event | place
    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    from_kb: bool = False
    org_type: str | None = None
    parents: tuple[str, ...] = ()  # keys of parent entities (sub-organization, part of a document)
    year: int | None = None


@dataclass(frozen=True)
class MergeDecision:
    """Why two keys were resolved to one entity, kept so merges can be reviewed."""

    kept: str
    merged: str
    rule: str
