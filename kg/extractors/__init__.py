"""The extractor registry: an ordered tuple of extractors and run_extractors() that combines them."""

from __future__ import annotations

from types import ModuleType
from typing import Protocol

from kg.extractors import (
    acronyms,
    concepts,
    documents,
    events,
    organizations,
    people,
    places,
    relations,
    signature_roles,
)
from kg.model import ExtractionResult, Mention, Message, Relation


class Extractor(Protocol):
    """What every registered extractor offers: a name, a version and a pure extract function."""

    NAME: str
    VERSION: str

    def extract(self, message: Message, found: ExtractionResult) -> ExtractionResult:
        """Return only what this extractor adds, given what the earlier ones found."""
        ...


# Order matters: definitions bind acronyms first; the KB kinds come before the open-world people
# finder (which must not read "Tunis Agenda" as a name); relations read everything found so far.
EXTRACTORS: tuple[ModuleType, ...] = (
    acronyms,
    organizations,
    documents,
    events,
    concepts,
    places,
    signature_roles,
    people,
    relations,
)


def names() -> list[str]:
    """The registered extractor names, in run order."""
    return [e.NAME for e in EXTRACTORS]


def _mention_order(m: Mention) -> tuple:
    return (m.evidence.start, m.evidence.end, m.kind, m.key, m.evidence.extractor)


def _relation_order(r: Relation) -> tuple:
    return (r.evidence.start, r.evidence.end, r.subject, r.predicate, r.object, r.org or "")


def run_extractors(message: Message, extractors: tuple = EXTRACTORS) -> ExtractionResult:
    """Run every extractor in order; the result is de-duplicated and sorted (deterministic)."""
    found = ExtractionResult(message.id)
    for extractor in extractors:
        added = extractor.extract(message, found)
        if added.mentions or added.relations:  # (else `found` stays as it is: no new copy)
            found = ExtractionResult(message.id, found.mentions + added.mentions, found.relations + added.relations)
    mentions: dict[tuple, Mention] = {}
    for m in found.mentions:
        mentions.setdefault((m.kind, m.key, m.evidence.start, m.evidence.end), m)
    relations: dict[tuple, Relation] = {}
    for r in found.relations:
        relations.setdefault((r.subject, r.predicate, r.object, r.org, r.evidence.start, r.evidence.end), r)
    return ExtractionResult(message.id, tuple(sorted(mentions.values(), key=_mention_order)),
                            tuple(sorted(relations.values(), key=_relation_order)))
