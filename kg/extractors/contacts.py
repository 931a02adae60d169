"""Recognise contact lines (phone, e-mail, web, postal address) so they are never extracted as entities."""

from __future__ import annotations

import functools
import re

import phonenumbers

from kg.extractors.text import protected_spans

# Field labels that open a contact line, in the languages of the archives:
# "T: +351 ...", "Tel: ...", "Téléphone mobile:+243...", "skype : x", "Site Web : ...".
_CONTACT_LABEL = re.compile(
    r"^\s*(?:[TMFP]|tel|tél|phone|mobile|mob|cell|fax|téléphone(?: mobile)?|telefone|teléfono|telefono|"
    r"e-?mail|courriel|correo|skype|blog|web(?:site)?|site web|sitio web|twitter|linkedin|x|mastodon|"
    r"whatsapp|signal|office|direct|pgp|gpg)\b\s*[:.]",
    re.IGNORECASE,
)
# Street words and postal codes: "Avenida do Brasil, n.º 101 | 1700-066 Lisboa", "Rue de Lausanne 12".
_STREET = re.compile(
    r"\b(?:avenida|avenue|av\.|street|st\.|road|rd\.|rua|calle|rue|strasse|straße|str\.|boulevard|blvd|"
    r"box|p\.?o\.? box|suite|floor|piso|andar|n\.º|nº|no\.|place|square|lane|via|plaza|praça)\b",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"\b\d{4}-\d{3}\b|\b\d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b|\bCH-\d{4}\b")


def has_phone(line: str) -> bool:
    """True when the line holds a phone number (libphonenumber, international or labelled)."""
    if not _DECIMAL.search(line):
        return False  # both tests below need a decimal digit: skip libphonenumber's matcher
    # Without a default region libphonenumber parses only international numbers, which start with a
    # plus sign: without one in the line, its matcher (slow) finds nothing.
    if ("+" in line or "＋" in line) and any(True for _ in phonenumbers.PhoneNumberMatcher(line, None)):
        return True
    digits = sum(c.isdigit() for c in line)
    return digits >= 7 and bool(re.search(r"\+?\(?\d[\d ()./-]{6,}\d", line)) and not re.search(r"[a-z]{4,}", line)


_DECIMAL = re.compile(r"\d")


@functools.lru_cache(maxsize=4096)  # a pure function of one line; signature lines recur across messages
def contact_kind(line: str) -> str | None:
    """'phone', 'web' (URL or e-mail), 'address' or None for an ordinary line."""
    stripped = line.strip()
    if not stripped:
        return None
    if _CONTACT_LABEL.match(stripped):
        return "phone" if has_phone(stripped) else "web"
    covered = sum(e - s for s, e in protected_spans(stripped))
    if covered and covered >= 0.5 * len(re.sub(r"[\s<>|_*]", "", stripped)):
        return "web"
    if has_phone(stripped):
        return "phone"
    if re.search(r"\d", stripped) and (_STREET.search(stripped) or _POSTCODE.search(stripped)):
        return "address"
    return None


_STREET_NAME = re.compile(_STREET.pattern + r"\s+(?:(?:de|do|da|dos|das|del|de la|du|des|of|the|von|der)\s+)*$",
                          re.IGNORECASE)


def street_before(text: str) -> bool:
    """True when `text` ends with a street word: the place after it names the street ("Avenida do Brasil")."""
    return bool(_STREET_NAME.search(text[-40:]))
