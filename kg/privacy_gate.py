"""The privacy gate: find contact details, address hashes and names-in-IRIs in what is about to be published."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

import phonenumbers
from rdflib import Dataset, Graph, Literal, URIRef

from kg.errors import IgkgError
from kg.privacy import PHONE_LABEL

# An address with an alphabetic TLD, so "organizations@0.1" (an extractor label) is not one.
# Runs of single character classes only: linear time on hostile text.
_LOCAL = r"[A-Za-z0-9._%+\-]{1,64}"
_DOMAIN = r"(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}\b"
EMAIL = re.compile(rf"(?<![A-Za-z0-9._%+\-]){_LOCAL}(?:@|%40| at | \[at\] |\[at\]| \(at\) ){_DOMAIN}", re.I)
# A Message-ID is an identifier, not a mailbox: "<abc@host>" in a literal, or the segment after
# "/post/" in a post IRI. Exempt unless it equals an address that was actually ingested.
_MESSAGE_ID_BEFORE = ("<", "%3C", "%3c", "/post/", "/graph/post/")
_HEX = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{16,}(?![0-9A-Fa-f])")
_HASH_PREFIX = 16  # a published 16-hex prefix of an address hash already identifies the address
# Postal lines: a house number next to a street word, a street word then a number, or a PO box.
_STREET_EN = r"street|st\.|road|rd\.|avenue|ave\.|boulevard|blvd\.?|lane|drive|square"
_STREET_FIRST = r"(?i:rue|avenida|av\.|rua|calle|piazza|plaza|praça|chemin|route de|carrera)|Via"
POSTAL = re.compile(
    rf"\b\d{{1,5}}[a-z]?,?[ \t]+(?:[A-Z][\w'\-]*[ \t]+){{1,4}}(?i:{_STREET_EN})(?![\w])"
    rf"|\b\d{{1,5}}(?:bis|ter)?,?[ \t]+(?i:rue|avenue|boulevard|bd|chemin|allée|quai|impasse)[ \t]"
    rf"|(?<![\w])(?:{_STREET_FIRST})[ \t]+(?:[A-Z][\w'\-.]*,?[ \t]+){{1,4}}\d{{1,5}}\b"
    rf"|\b[A-Z][\w\-]*(?:straße|strasse|str\.|weg|gasse|platz)[ \t]+\d{{1,4}}\b"
    rf"|(?i:\bp\.?[ \t]?o\.?[ \t]?box|caixa postal|apartado postal|postfach)[ \t]*\d{{1,8}}\b",
)
# Cheap pre-filters, matched against an ASCII-lower-cased copy (same offsets; case-insensitive
# alternations are ten times slower in `re`).
_MAYBE_POSTAL = re.compile(
    rf"(?:{_STREET_EN}|rue|avenida|av\.|rua|calle|piazza|plaza|praça|chemin|route de|carrera|via|straße|strasse|str\.|weg|gasse|boulevard|bd|chemin|allée|quai|impasse|platz|box|caixa postal|apartado|postfach)")
_MAYBE_PHONE = re.compile(r"(?m)\+[ \t(]*\d|^[ \t>]*(?:tel|tél|phone|fone|fax|mob|cel|t|m|f|p)\b")
_PERSON_PATH = "/person/"
_OPAQUE = re.compile(r"[0-9a-f]{16,64}")
_NAME_PREDICATES = frozenset({
    "http://xmlns.com/foaf/0.1/name", "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
})
_IDENTIFIER = URIRef("http://purl.org/dc/terms/identifier")
_CONTACT_SCHEMES = ("mailto:", "tel:", "fax:", "sms:")


class LeakError(IgkgError):
    """Something about to be published holds contact details; `findings` says what and where."""

    def __init__(self, findings: list[Finding], where: str = "the export"):
        self.findings = findings
        shown = "\n".join(f"  {f}" for f in findings[:20])
        more = f"\n  ... and {len(findings) - 20} more" if len(findings) > 20 else ""
        super().__init__(f"privacy gate: {len(findings)} leak(s) in {where}; nothing was written "
                         f"(private builds: allow_contact_details / --include-contact-details)\n{shown}{more}")


@dataclass(frozen=True)
class Finding:
    """One leak: its kind (email, address-hash, phone, postal, iri-name, iri-address, contact-iri),
    where it was found (a line number or an IRI) and a masked excerpt, never the leaked value itself."""

    kind: str
    where: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.kind} at {self.where}: {self.excerpt}"


def _mask(value: str) -> str:
    # Reports and CI logs must not become the leak: keep the shape, hide the content.
    value = " ".join(value.split())
    return value[:2] + "…" + value[-2:] if len(value) > 6 else "…"


def normalise_address(address: str) -> str:
    """The form addresses are compared and hashed in: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", address).strip().strip("<>").casefold()


def address_digests(addresses: Iterable[str]) -> dict[str, str]:
    """hex digest -> which hash of an ingested address it is (md5/sha1/sha256 of addr and mailto:addr)."""
    digests: dict[str, str] = {}
    for address in addresses:
        norm = normalise_address(address)
        if not norm:
            continue
        for variant in {norm, address.strip(), "mailto:" + norm, "mailto:" + address.strip()}:
            for algo in ("md5", "sha1", "sha256"):
                digests[hashlib.new(algo, variant.encode("utf-8")).hexdigest()] = algo
    return digests


class _Known:
    """The ingested addresses in the forms the scanners look for, and the Message-IDs to let pass."""

    def __init__(self, addresses: Iterable[str], message_ids: Iterable[str] = ()):
        self.addresses = frozenset(normalise_address(a) for a in addresses if a and a.strip())
        self.message_ids = frozenset(normalise_address(i) for i in message_ids) - self.addresses
        self.digests = address_digests(self.addresses)
        self.by_prefix: dict[str, list[str]] = {}
        for digest in self.digests:
            self.by_prefix.setdefault(digest[:_HASH_PREFIX], []).append(digest)

    def hash_of(self, hex_run: str) -> str | None:
        """The algorithm when `hex_run` is (a prefix of, or starts with) a digest of a known address."""
        run = hex_run.lower()
        for digest in self.by_prefix.get(run[:_HASH_PREFIX], ()):
            if digest.startswith(run) or run.startswith(digest):
                return self.digests[digest]
        return None


def _as_address(match: str) -> str:
    text = unquote(match)
    for sep in (" [at] ", "[at]", " (at) ", " at "):
        text = text.replace(sep, "@")
    return normalise_address(text)


def _exempt_message_id(text: str, start: int, known: _Known, found: str) -> bool:
    address = _as_address(found)
    if address in known.addresses:
        return False
    if address in known.message_ids:
        return True
    head = text[max(0, start - 12):start]
    return head.endswith(_MESSAGE_ID_BEFORE) or bool(re.search(r"/post/[^/\s>\"]*$", text[max(0, start - 300):start]))


def _lines_matching(text: str, lowered: str, pattern: re.Pattern) -> list[tuple[int, str]]:
    """(offset, text) of each distinct line of `text` in which `pattern` matches its lowered copy."""
    lines: dict[int, str] = {}
    for m in pattern.finditer(lowered):
        start = text.rfind("\n", 0, m.start()) + 1
        if start not in lines:
            end = text.find("\n", m.start())
            lines[start] = text[start:end if end >= 0 else len(text)]
    return sorted(lines.items())


def _spans(text: str, known: _Known) -> list[tuple[str, int, str]]:
    """(kind, offset, masked excerpt) of every leak in `text`; regexes run once over the whole text."""
    found: list[tuple[str, int, str]] = []
    for m in EMAIL.finditer(text):
        if not _exempt_message_id(text, m.start(), known, m.group()):
            found.append(("email", m.start(), _mask(m.group())))
    for m in _HEX.finditer(text):
        algo = known.hash_of(m.group())
        if algo:
            found.append(("address-hash", m.start(), f"{algo} of an ingested address ({m.group()[:6]}…)"))
    found += [("phone", m.start("number"), _mask(m.group("number"))) for m in PHONE_LABEL.finditer(text)]
    # The pre-filters need a lowered copy with the same offsets. U+0130 "İ" is the only code point
    # whose lower() is two characters; as "i" it can only let more lines through to the real patterns,
    # which run on the original text (str.translate was a third of a whole scan).
    lowered = text.replace("\u0130", "i").lower() if "\u0130" in text else text.lower()
    # phonenumbers and the postal pattern are slow: run them only on lines that could hold one
    for line_start, line in _lines_matching(text, lowered, _MAYBE_PHONE):
        for pm in phonenumbers.PhoneNumberMatcher(line, None, leniency=phonenumbers.Leniency.VALID):
            found.append(("phone", line_start + pm.start, _mask(pm.raw_string)))
    for line_start, line in _lines_matching(text, lowered, _MAYBE_POSTAL):
        found += [("postal", line_start + m.start(), _mask(m.group())) for m in POSTAL.finditer(line)]
    for scheme in _CONTACT_SCHEMES:
        for quote in ("<", '"'):
            at = lowered.find(quote + scheme)
            while at >= 0:
                found.append(("contact-iri", at, scheme))
                at = lowered.find(quote + scheme, at + 1)
    return found


def scan_text(text: str, known_addresses: Iterable[str] = (), where: str = "text") -> list[Finding]:
    """Findings in one piece of text (a literal, a served page, a response body)."""
    known = known_addresses if isinstance(known_addresses, _Known) else _Known(known_addresses)
    return [Finding(kind, where, excerpt) for kind, _, excerpt in _spans(text, known)]


def scan_bytes(data: bytes, known_addresses: Iterable[str] = ()) -> list[Finding]:
    """Findings in serialised output (any RDF format, an HTML page, a JSON body), by line number."""
    known = known_addresses if isinstance(known_addresses, _Known) else _Known(known_addresses)
    # N-Triples/Turtle escape newlines inside literals: unescape so line-anchored patterns see lines.
    text = data.decode("utf-8", errors="replace").replace("\\n", "\n")
    return [Finding(kind, f"line {text.count(chr(10), 0, offset) + 1}", excerpt)
            for kind, offset, excerpt in _spans(text, known)]


def _name_tokens(label: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", label)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return {t for t in re.split(r"[^\w]+", folded) if len(t) >= 3 and not t.isdigit()}


def _iri_tokens(iri: str) -> set[str]:
    return _name_tokens(unquote(iri).replace("-", " ").replace("_", " "))


def scan_graph(graph: Graph | Dataset, known_addresses: Iterable[str] = ()) -> list[Finding]:
    """Findings in a graph's terms: every literal, every IRI, and person IRIs against their names."""
    known = known_addresses if isinstance(known_addresses, _Known) else _Known(known_addresses)
    findings: list[Finding] = []
    iris: set[str] = set()
    names: dict[str, set[str]] = {}
    triples = graph.quads((None, None, None, None)) if isinstance(graph, Dataset) else \
        ((s, p, o, None) for s, p, o in graph)
    seen_literals: set[Literal] = set()
    for s, p, o, _ in triples:
        for term in (s, p, o):
            if isinstance(term, URIRef):
                iris.add(str(term))
        if isinstance(o, Literal):
            if str(p) in _NAME_PREDICATES and isinstance(s, URIRef) and _PERSON_PATH in str(s):
                names.setdefault(str(s), set()).update(_name_tokens(str(o)))
            if o not in seen_literals:
                seen_literals.add(o)
                findings += scan_text(str(o), known, f"literal of <{s}> <{p}>")
    for iri in sorted(iris):
        findings += _scan_iri(iri, known, names.get(iri, set()))
    return findings


def _scan_iri(iri: str, known: _Known, own_names: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    where = f"IRI <{_mask(iri)}>" if _PERSON_PATH in iri else f"IRI <{iri[:80]}>"
    if iri.lower().startswith(_CONTACT_SCHEMES):
        return [Finding("contact-iri", f"IRI <{iri.split(':', 1)[0]}:…>", "a mailto:/tel: IRI")]
    decoded = unquote(iri)
    for m in EMAIL.finditer(decoded):
        if not _exempt_message_id(decoded, m.start(), known, m.group()):
            findings.append(Finding("iri-address", where, _mask(m.group())))
    for m in _HEX.finditer(iri):
        algo = known.hash_of(m.group())
        if algo:
            findings.append(Finding("address-hash", where, f"{algo} of an ingested address"))
    if _PERSON_PATH in iri:
        rest = iri.split(_PERSON_PATH, 1)[1].split("#", 1)[0]
        if not _OPAQUE.fullmatch(rest):
            findings.append(Finding("iri-name", where, "person IRI is not an opaque hash"))
        elif own_names & _iri_tokens(rest):
            findings.append(Finding("iri-name", where, "person IRI contains a name token"))
    return findings


def scan_dataset(ds: Graph | Dataset, known_addresses: Iterable[str] = ()) -> list[Finding]:
    """Findings in a dataset (or graph): literals, IRIs, and person IRIs against their own names.

    The dataset's own Message-IDs (dcterms:identifier) are not addresses unless one was ingested.
    """
    if not isinstance(known_addresses, _Known):
        known_addresses = _Known(known_addresses, message_ids_of(ds))
    return scan_graph(ds, known_addresses)


def message_ids_of(ds: Graph | Dataset) -> set[str]:
    """The Message-IDs a dataset publishes (dcterms:identifier literals), which look like addresses."""
    return {str(o).strip("<>") for o in ds.objects(None, _IDENTIFIER) if isinstance(o, Literal)} if \
        not isinstance(ds, Dataset) else \
        {str(o).strip("<>") for _, _, o, _ in ds.quads((None, _IDENTIFIER, None, None)) if isinstance(o, Literal)}


def known(addresses: Iterable[str], message_ids: Iterable[str] = ()) -> _Known:
    """Prepare ingested addresses (and the Message-IDs to let pass) once for several scans;
    pass the result as `known_addresses`."""
    return _Known(addresses, message_ids)


def check(findings: list[Finding], where: str = "the export") -> None:
    """Raise LeakError when there is any finding."""
    if findings:
        raise LeakError(sorted(findings, key=lambda f: (f.kind, f.where)), where)


def addresses_in(texts: Iterable[str]) -> set[str]:
    """Every address in raw texts (plain or pipermail-obfuscated), normalised: the pipeline's list
    of ingested addresses for the gate, taken from the pages *before* redaction."""
    from kg.parse.senders import find_addresses

    found: set[str] = set()
    for text in texts:
        found.update(normalise_address(a) for a in find_addresses(text))
    return found
