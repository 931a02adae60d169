"""Assign every body line to the message that wrote it: the page's own, or one reconstructed from a quote."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.parse.headers import HeaderMatch
from kg.parse.lines import Line
from kg.parse.senders import fold, name_key


@dataclass
class Node:
    """A message under construction: its header, the quote depth its own lines stand at, its lines."""

    index: int
    header: HeaderMatch | None
    base: int
    owner: int | None  # the message whose text holds this one's header (the one that answers it)
    owned: list[int] = field(default_factory=list)  # line indices of its own text (and blank lines)
    children: list[int] = field(default_factory=list)  # messages it quotes, in reading order
    dropped: int = 0  # unattributed quoted lines left out of its text


def _next_content(lines: list[Line], start: int, end: int, skip: set[int]) -> list[int]:
    """For each i, the index of the first non-blank, non-footer line at or after i (end if none)."""
    out = [end] * (end + 1)
    nxt = end
    for i in range(end - 1, start - 1, -1):
        if not lines[i].blank and i not in skip:
            nxt = i
        out[i] = nxt
    return out


def build_tree(lines: list[Line], start: int, end: int, headers: list[HeaderMatch], skip: set[int]) -> list[Node]:
    """Walk lines[start:end] once and give each line to a message.

    A header opens a message whose own lines stand at the depth of the first line after it (one `>`
    deeper for "On ... wrote:" + "> text", the same depth for Outlook blocks and for attributions
    the archive left unquoted). A shallower line returns to the quoting message; a deeper line
    after the quoter's text re-opens the message quoted last (interleaved `>` replies).
    """
    nodes = [Node(0, None, 0, None)]
    stack = [0]
    at = {h.start: h for h in headers}
    nxt = _next_content(lines, start, end, skip)
    last_child: dict[int, int] = {}
    prev_content = -1
    i = start
    while i < end:
        if i in skip:
            i += 1
            continue
        header = at.get(i)
        depth = header.depth if header else lines[i].depth
        if header is None and lines[i].blank:
            nodes[stack[-1]].owned.append(i)
            i += 1
            continue
        if header is None and _rewrap_artifact(lines, i, end, nodes[stack[-1]].base, nxt, prev_content):
            # "> > ... (sea con paga o sin paga, es\n> indiferente)": the archive re-wrapped a
            # deep quote and the tail lost a marker; it belongs to the deeper message.
            nodes[stack[-1]].owned.append(i)
            prev_content = i
            i += 1
            continue
        while len(stack) > 1 and nodes[stack[-1]].base > depth:
            stack.pop()
        while nodes[stack[-1]].base < depth:
            child = last_child.get(stack[-1])
            if child is None or not nodes[stack[-1]].base < nodes[child].base <= depth:
                break
            stack.append(child)
        top = stack[-1]
        if header is not None:
            k = nxt[header.end] if header.end <= end else end
            base = lines[k].depth if k < end and lines[k].depth >= depth else depth
            node = Node(len(nodes), header, base, top)
            nodes.append(node)
            nodes[top].children.append(node.index)
            last_child[top] = node.index
            stack.append(node.index)
            i = header.end
            continue
        if nodes[top].base == depth:
            nodes[top].owned.append(i)
        else:
            nodes[top].dropped += 1  # quoted without an attribution: not this author's words
        prev_content = i
        i += 1
    return nodes


def _rewrap_artifact(lines: list[Line], i: int, end: int, base: int, nxt: list[int], prev: int) -> bool:
    """A short lowercase tail line one level shallower than the quote around it."""
    line = lines[i]
    if prev < 0 or line.depth != base - 1 or line.depth < 1 and base < 2 or prev != i - 1:
        return False
    before = lines[prev]
    if before.depth != base or before.content.endswith((".", "!", "?", ":")) or len(line.content) > 30:
        return False
    if not line.content[:1].islower():
        return False
    k = nxt[i + 1] if i + 1 <= end else end
    return k >= end or lines[k].depth >= base


_TOKEN = re.compile(r"\w+|[,!:;.]")


def _vocative(first_name: str, line: str) -> bool:
    """Does the line open by addressing `first_name`? ("Yes, Veni, that is ...", "Dear Veni:")"""
    tokens = _TOKEN.findall(fold(line[:120]))
    words = 0
    for pos, token in enumerate(tokens):
        if token.isalnum() or "_" in token:
            words += 1
            if words > 4:
                return False
            if token == first_name:
                after = tokens[pos + 1] if pos + 1 < len(tokens) else ""
                before = tokens[pos - 1] if pos else ""
                return after in (",", "!", ":") or before in ("dear", "hi", "hello", "querido", "querida", "cher")
    return False


def _signed_by(line: str, tokens: set[str]) -> bool:
    """A short closing line with the replier's name ("best, parminder")."""
    words = re.findall(r"\w+", fold(line))
    return 0 < len(words) <= 4 and any(w in tokens for w in words)


def reassign_interleaved(nodes: list[Node], lines: list[Line], names: list[str | None]) -> None:
    """Give back to the replier the paragraphs they wrote inside an unquoted attribution's text.

    Some archives drop the `>` markers of an HTML reply, so "On 23/07/25 19:02, Veni Markovski
    wrote:" is followed by Veni's text *and* the replier's answers at the same depth. A paragraph
    that opens by addressing the quoted author ("Yes, Veni, that is the default") starts the
    replier's words, which run to the replier's sign-off ("best, parminder") when one follows.
    """
    for node in nodes:
        header = node.header
        if header is None or header.style != "attribution" or node.owner is None:
            continue
        owner = nodes[node.owner]
        if node.base != owner.base:
            continue
        quoted_tokens = name_key(names[node.index]).split()
        if not quoted_tokens or len(quoted_tokens[0]) < 3:
            continue
        first_name = quoted_tokens[0]
        replier_tokens = {t for t in name_key(names[owner.index]).split() if len(t) >= 3} - set(quoted_tokens)
        paragraphs = _paragraphs(node.owned, lines)
        moved: set[int] = set()
        k = 0
        while k < len(paragraphs):
            para = paragraphs[k]
            if k > 0 and _vocative(first_name, lines[para[0]].content):
                stop = k
                for m in range(k, min(len(paragraphs), k + 8)):
                    if replier_tokens and _signed_by(lines[paragraphs[m][-1]].content, replier_tokens):
                        stop = m
                        break
                lo, hi = paragraphs[k][0], paragraphs[stop][-1]
                moved.update(i for i in node.owned if lo <= i <= hi)
                k = stop + 1
                continue
            if k > 0 and replier_tokens and len(para) == 1 and _signed_by(lines[para[0]].content, replier_tokens):
                moved.update(para)
            k += 1
        if moved:
            node.owned = [i for i in node.owned if i not in moved]
            owner.owned = sorted(owner.owned + sorted(moved))


def _paragraphs(owned: list[int], lines: list[Line]) -> list[list[int]]:
    """Runs of adjacent non-blank own lines."""
    out: list[list[int]] = []
    current: list[int] = []
    prev = -2
    for i in owned:
        # Flattened pages put a whole paragraph on one line (071): a long line stands alone.
        if lines[i].blank or i != prev + 1 or len(lines[i].content) > 120 or (
            prev >= 0 and len(lines[prev].content) > 120
        ):
            if current:
                out.append(current)
            current = [] if lines[i].blank else [i]
        else:
            current.append(i)
        prev = i
    if current:
        out.append(current)
    return out
