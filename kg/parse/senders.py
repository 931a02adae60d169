"""Read a message author (name and own address) from a header or attribution text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.model import Sender

# pipermail writes "anriette at apc.org"; only a dotted domain with an alphabetic TLD counts, so the
# gender-neutral "Estimad at s" (corpus 028) and the domain-stripped "jeanette at" (007) stay text.
_OBFUSCATED = re.compile(r"(?<![\w.%+-])([\w.%+'-]{1,64}) at ((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})\b")
_ADDRESS = re.compile(r"[\w.%+'-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}")
_ANGLE = re.compile(r"<[^<>]{0,300}>")
_BRACKET = re.compile(r"\[mailto:[^\]]{0,300}\]?", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]{0,80}\)")
_BEHALF = re.compile(r"\s+on behalf of\s+", re.IGNORECASE)
_VIA = re.compile(r"\s+via\s+(\S.{0,80})$", re.IGNORECASE)
_LIST_SUFFIXES = ("-request", "-bounces", "-admin", "-owner", "-unsubscribe", "-subscribe")
# An archive has far fewer senders than messages, and every reply quotes one: parse_sender and
# name_key remember up to 4096 results (pure functions, immutable values) for values this short.
_CACHED_CHARS = 500


def deobfuscate(text: str) -> str:
    """Turn pipermail's "name at domain.org" into "name@domain.org" wherever it is an address."""
    if " at " not in text:
        return text
    return _OBFUSCATED.sub(r"\1@\2", text)


def find_addresses(text: str) -> list[str]:
    """All e-mail addresses in `text` (after de-obfuscation), lower-cased, in order, without repeats."""
    seen: list[str] = []
    for match in _ADDRESS.finditer(deobfuscate(text)):
        addr = match.group(0).strip(".'").lower()
        if addr not in seen:
            seen.append(addr)
    return seen


def _compact(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def is_list_address(address: str, list_names: tuple[str, ...] = ()) -> bool:
    """True for a mailing list's own address: `*-request`, `*-bounces`, `*-admin`, or the list's name.

    "wg-strategy@intgovforum.org" is the WG-Strategy list; "plenary-admin@wsis-cs.org" its admin.
    """
    local = address.split("@", 1)[0].lower()
    if local.endswith(_LIST_SUFFIXES):
        return True
    key = _compact(local)
    for name in list_names:
        for part in re.split(r"[/\s]+", name):
            pkey = _compact(part)
            if len(pkey) >= 3 and (key == pkey or key.startswith(pkey)):
                return True
    return False


def fold(text: str) -> str:
    """Accent- and case-folded text ("Kleinwächter" -> "kleinwachter")."""
    if text.isascii():  # most text: NFKD leaves ASCII alone and casefold() is lower() there
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _looks_like_address(text: str) -> bool:
    return "@" in text or bool(re.search(r"\S at \S|\S at$", text)) or bool(re.fullmatch(r"\S+ at", text))


def clean_name(text: str) -> str | None:
    """A display name as a person would write it: quotes and (ORG) dropped, "Last, First" turned round.

    "Blaker, Paul (DSIT)" -> "Paul Blaker"; '"Parminder"' -> "Parminder"; an address -> None.
    """
    name = _PAREN.sub(" ", text)
    name = name.replace('"', " ").replace("“", " ").replace("”", " ").replace("'", "'")
    name = name.strip(" \t'*,;:<>[]")
    name = " ".join(name.split())
    if not name or _looks_like_address(name):
        return None
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and len(first.split()) <= 3 and len(last.split()) <= 3 and not any(
            ch.isdigit() for ch in name
        ):
            name = f"{first} {last}"
    if not any(ch.isalpha() for ch in name):
        return None
    return name


def parse_sender(raw: str, list_names: tuple[str, ...] = ()) -> Sender:
    """The person behind a header value, with their own address or None.

    "X via List <list@...>" and "list-admin@... on behalf of X" name the person X; an address that
    belongs to the list is not theirs. An address-only sender has no name (never guessed from it).
    """
    parse = _parse_sender if len(raw) <= _CACHED_CHARS else _parse_sender.__wrapped__
    return parse(raw, tuple(list_names))


@lru_cache(maxsize=4096)
def _parse_sender(raw: str, list_names: tuple[str, ...]) -> Sender:
    """parse_sender's work, remembered (see _CACHED_CHARS)."""
    raw_clean = " ".join(raw.split())
    text = deobfuscate(raw_clean)
    lists = list(list_names)
    agent_addresses: list[str] = []
    behalf = _BEHALF.split(text, maxsplit=1)
    if len(behalf) == 2:
        # "From: plenary-admin at wsis-cs.org on behalf of Rikke Frank Joergensen": the person is after.
        agent_addresses = find_addresses(behalf[0])
        text = behalf[1]
    via = _VIA.search(_strip_addresses(text))
    if via:
        lists.append(via.group(1).strip(" <>\"'"))
    addresses = [a for a in find_addresses(text) if not is_list_address(a, tuple(lists))]
    addresses = [a for a in addresses if a not in agent_addresses]
    name_text = _strip_addresses(text)
    if via:
        name_text = _VIA.sub("", name_text)
    name = clean_name(name_text)
    return Sender(name=name, address=addresses[0] if addresses else None, raw=raw.strip())


def _strip_addresses(text: str) -> str:
    text = _BRACKET.sub(" ", text)
    text = _ANGLE.sub(" ", text)
    text = _ADDRESS.sub(" ", text)
    text = text.replace("<", " ").replace(">", " ")
    return " ".join(text.split())


def name_key(name: str | None) -> str:
    """The identity form of a person's name: folded, "Last, First (ORG) via List" -> "first last"."""
    if not name:
        return ""
    return _name_key(name) if len(name) <= _CACHED_CHARS else _name_key.__wrapped__(name)


@lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    """name_key's work, remembered (see _CACHED_CHARS)."""
    text = _VIA.sub("", _strip_addresses(deobfuscate(name)))
    cleaned = clean_name(text) or ""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(cleaned)).split())


def name_matches_address(name: str, address: str) -> bool:
    """True when the address's local part spells the name from its words or initials.

    "Hernan Seoane" ~ "hernan.seoane@..."; "Jose F. Callo Romero" ~ "jfcallo@...". Used only to
    confirm a signature name for a sender shown by address alone, never to invent one.
    """
    local = "".join(ch for ch in fold(address.split("@", 1)[0]) if ch.isalpha())
    tokens = [t for t in name_key(name).split() if t.isalpha()][:6]
    if len(local) < 4 or len(tokens) < 2:
        return False
    # reachable[i]: local[:i] can be spelled by a prefix of the tokens; each token is used whole,
    # as its initial, or skipped.
    states = {(0, 0)}
    for token in tokens:
        nxt = set()
        for pos, whole in states:
            nxt.add((pos, whole))
            if local.startswith(token, pos):
                nxt.add((pos + len(token), whole + 1))
            if local.startswith(token[0], pos):
                nxt.add((pos + 1, whole))
        states = nxt
    return any(pos == len(local) and whole >= 1 for pos, whole in states)
