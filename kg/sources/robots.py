"""robots.txt rules per RFC 9309: groups by user agent, longest match wins, plus Crawl-delay."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

# Not urllib.robotparser (checked on 3.11.7): it drops fractional delays ("Crawl-delay: 0.5" -> None),
# uses the first matching line instead of the longest (Disallow: /a/ + Allow: /a/b refuses /a/b),
# and knows no `*` or `$` wildcards.


@dataclass(frozen=True)
class Rule:
    """One Allow or Disallow line: a path pattern with `*` and a trailing `$`."""

    allow: bool
    pattern: str

    def matches(self, path: str) -> bool:
        """True if the pattern matches `path` (path plus query) from its start."""
        if self.pattern.endswith("$"):
            return _glob(self.pattern[:-1], path)
        return _glob(self.pattern + "*", path)


def _glob(pattern: str, text: str) -> bool:
    """Whole-string match where `*` is any run of characters: O(len * len), never exponential.

    A regex built from a hostile line such as `/*a*a*a*a*a*a*a*a*b` backtracks exponentially.
    """
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, t, p + 1
        elif p < len(pattern) and pattern[p] == text[t]:
            p, t = p + 1, t + 1
        elif star >= 0:
            mark += 1
            p, t = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one robots.txt that apply to one user agent."""

    rules: tuple[Rule, ...] = ()
    crawl_delay: float | None = None
    disallow_all: bool = False
    reason: str = ""

    @classmethod
    def allow_all(cls, reason: str = "") -> RobotsRules:
        """No robots.txt (RFC 9309 §2.3.1.3: a 4xx means the crawler may access anything)."""
        return cls(reason=reason)

    @classmethod
    def deny_all(cls, reason: str) -> RobotsRules:
        """robots.txt unreachable (RFC 9309 §2.3.1.4: a 5xx or network error means complete disallow)."""
        return cls(disallow_all=True, reason=reason)

    def can_fetch(self, url: str) -> bool:
        """True if `url` may be fetched; /robots.txt itself always may."""
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path == "/robots.txt":
            return True
        if self.disallow_all:
            return False
        best: Rule | None = None
        for rule in self.rules:
            if rule.matches(path) and (
                best is None
                or len(rule.pattern) > len(best.pattern)
                # RFC 9309 §2.2.2: on equal length the least restrictive (Allow) wins.
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow


def parse_robots(text: str, agent: str) -> RobotsRules:
    """Rules for product token `agent` (e.g. "igkg"): its own groups if any, else the `*` groups."""
    agent = agent.lower()
    groups: list[tuple[set[str], list[Rule], list[float]]] = []
    in_agents = False  # consecutive User-agent lines share one group
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if not in_agents:
                groups.append((set(), [], []))
                in_agents = True
            groups[-1][0].add(value.lower())
            continue
        in_agents = False
        if not groups:
            continue  # rules before any User-agent line belong to no group
        if key in ("allow", "disallow") and value:  # an empty Disallow allows everything
            groups[-1][1].append(Rule(key == "allow", value if value.startswith(("/", "*")) else "/" + value))
        elif key == "crawl-delay":
            try:
                delay = float(value)
            except ValueError:
                continue
            if delay >= 0:  # float() accepts "nan" and "inf"; nan fails this test
                groups[-1][2].append(delay)
    mine = [g for g in groups if agent in g[0]] or [g for g in groups if "*" in g[0]]
    # RFC 9309 §2.2.1: several groups for the same agent are combined into one.
    rules = tuple(r for g in mine for r in g[1])
    delays = [d for g in mine for d in g[2]]
    return RobotsRules(rules=rules, crawl_delay=max(delays) if delays else None)
