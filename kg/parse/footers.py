"""Find what the archive or the list added to a body: list footers (at any quote depth) and the page trailer."""

from __future__ import annotations

import re

from kg.parse.lines import Line

# Mailman appends, and every reply re-quotes, blocks like
#   _______________________________________________
#   WG-Strategy mailing list
#   WG-Strategy at intgovforum.org
#   http://intgovforum.org/mailman/listinfo/wg-strategy_intgovforum.org
_FOOTER_WORDS = re.compile(
    r"mailing list|listinfo|mailman|unsubscribe|subscriber|lists/info|list information|"
    r"removed from the list|manage your options|translate this email|subscribed to the google groups|"
    r"list archives?:|/options/|list-?info|sympa|wws/info",
    re.IGNORECASE,
)
_ADDRESS_ONLY = re.compile(r"^\S+(?:@| at )\S+\.\S+$")
_URL_ONLY = re.compile(r"^<?https?://\S+>?$")
_RULE = re.compile(r"^[_=-]{20,}$")
_RULE_START = frozenset("_=-")  # a cheap first test, as most lines are no rule
# pipermail's own additions after the body ("-------------- next part --------------",
# "More information about the WG-Strategy\nmailing list").
NEXT_PART = re.compile(r"^-{5,} ?next part ?-{5,}$", re.IGNORECASE)
MORE_INFO = re.compile(r"^More information about the (.{1,80}?)(?: mailing list)?$", re.IGNORECASE)


def _footer_line(content: str) -> bool:
    return bool(
        _FOOTER_WORDS.search(content) or _ADDRESS_ONLY.match(content) or _URL_ONLY.match(content)
        or _RULE.match(content)
    )


def find_trailer(lines: list[Line]) -> tuple[int, str | None]:
    """Where the pipermail trailer starts (len(lines) if none) and the list name it gives."""
    cut = len(lines)
    list_name = None
    for i, line in enumerate(lines):
        if line.depth or line.content[:1] not in ("-", "M", "m"):  # how NEXT_PART and MORE_INFO start
            continue
        if NEXT_PART.match(line.content) and cut == len(lines):
            cut = i
        more = MORE_INFO.match(line.content)
        if more:
            following = lines[i + 1].content if i + 1 < len(lines) else ""
            # A page cut inside the trailer ("More information about the Governan") names no list.
            if line.content.endswith("mailing list") or following.startswith("mailing list"):
                list_name = more.group(1).strip()
            cut = min(cut, i)
            break
    return cut, list_name


def find_footers(lines: list[Line], end: int) -> set[int]:
    """Indices of list-footer lines in lines[:end], wherever they are quoted."""
    out: set[int] = set()
    i = 0
    while i < end:
        line = lines[i]
        content = line.content
        starts = False
        if content[:1] in _RULE_START and _RULE.match(content) and "_" in content:
            # A rule is a footer only if list words follow within three lines ("WG-Strategy mailing
            # list"); Outlook's "____" line before "From:" is a header separator instead.
            seen = 0
            for j in range(i + 1, min(end, i + 8)):
                if lines[j].blank:
                    continue
                seen += 1
                if _FOOTER_WORDS.search(lines[j].content):
                    starts = True
                    break
                if seen >= 3:
                    break
        elif content.startswith(("You received this message", "To unsubscribe from this group")):
            starts = True
        if not starts:
            i += 1
            continue
        last = i
        j = i + 1
        while j < end:
            nxt = lines[j]
            if nxt.blank:
                j += 1
                continue
            if not _footer_line(nxt.content):
                break
            last = j
            j += 1
        out.update(range(i, last + 1))
        i = last + 1
    return out
