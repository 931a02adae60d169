"""Synthetic Internet-governance mailing-list archives (mbox, pipermail site, HyperKitty export) for tests and benchmarks."""

from __future__ import annotations

import gzip
import html
import random
import textwrap
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

# Fictional people: first and last names combined at random, so no real person is generated.
FIRST = ("Amara Bruno Chen Dalia Emeka Farah Goran Hana Inès Jonas Kofi Lina Mateo Nadia Omar Priya "
         "Quentin Rosa Samir Tala Ugo Vera Wen Ximena Yusuf Zoë Aiko Béla Carmen Dmitri").split()
LAST = ("Abara Berger Castillo Dube Eriksen Fonseca Gupta Haddad Ito Jensen Kamau Lindqvist Moreau "
        "Nakamura Okafor Petrov Quispe Rahman Silva Tanaka Umarov Vidal Wójcik Xu Yılmaz Zulu Müller Núñez").split()
FOOTER = ("_______________________________________________\n{name} mailing list\n{name}@lists.example.org\n"
          "https://lists.example.org/mailman/listinfo/{name}")
SCRUBBED = ("-------------- next part --------------\nAn HTML attachment was scrubbed...\n"
            "URL: <https://lists.example.org/pipermail/{name}/attachments/{n:08d}/attachment.html>")
ORGS = ("CSTD", "ICANN", "the GAC", "the IGF", "the MAG", "ITU", "UNESCO", "the OECD", "ISOC", "the IETF",
        "LACNIC", "the Council of Europe", "the European Commission", "WGIG", "the HRC")
TOPICS = ("enhanced cooperation", "the multistakeholder model", "net neutrality", "cybersecurity",
          "Internet fragmentation", "data governance", "AI governance", "the digital divide",
          "the WSIS+20 review", "the Global Digital Compact", "the IANA stewardship transition",
          "capacity building", "human rights online", "the Tunis Agenda")
ROLES = ("Senior Policy Adviser", "Head of Internet Governance", "Programme Director", "MAG Member",
         "Researcher", "Chair of the Working Group", "Executive Director")
SENTENCES = (
    "I think {org} should take the lead on {topic} before the next meeting.",
    "As paragraph {para} of the Tunis Agenda says, {topic} is a shared responsibility.",
    "We discussed {topic} at length with colleagues from {org} last week.",
    "I agree with {first} that {topic} needs a clearer mandate.",
    "The report on {topic} prepared by {org} deserves a closer reading.",
    "Could {org} circulate the draft text on {topic} to the list?",
    "I am not convinced that {topic} belongs on the agenda of {org}.",
)


@dataclass(frozen=True)
class Person:
    """A fictional list member."""

    name: str
    address: str
    role: str
    org: str


def _people(rng: random.Random, count: int) -> list[Person]:
    people = []
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
        local = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode().lower()
        address = f"{local}{i}@example.org"
        people.append(Person(f"{first} {last}", address, rng.choice(ROLES), rng.choice(ORGS).removeprefix("the ")))
    return people


@dataclass(frozen=True)
class SynthMessage:
    """One generated email: headers, the author's own text, and the full body with its quote."""

    message_id: str
    subject: str
    topic: str
    author: Person
    date: datetime
    month: int
    own: str
    body: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()

    html_part: bool = False  # sent as text + HTML: pipermail scrubs the HTML to a stub

    def as_text(self, list_name: str = "wg-synth", obfuscate: bool = False, threading: bool = True) -> str:
        """RFC 5322 text (8-bit UTF-8 body, RFC 2047 headers). `obfuscate` writes what Mailman 2 puts in
        its monthly .txt archive: "From: x at y (Name)", the body as text with any HTML part scrubbed
        to a stub; `threading=False` drops In-Reply-To/References, as old Mailman archives did."""
        name = _encoded(self.author.name)
        if obfuscate:
            headers = [f"From: {self.author.address.replace('@', ' at ')} ({name})"]
        else:
            headers = [f"From: {name} <{self.author.address}>"]
        headers += [f"Date: {format_datetime(self.date)}", f"Subject: {_encoded(self.subject)}"]
        if self.in_reply_to and threading:
            headers.append(f"In-Reply-To: {self.in_reply_to}")
            headers.append("References: " + " ".join(self.references))
        headers.append(f"Message-ID: {self.message_id}")
        if obfuscate:
            body = self.body + ("\n" + SCRUBBED.format(name=list_name, n=zlib.crc32(self.message_id.encode()))
                                if self.html_part else "")
            return "\n".join(headers) + "\n\n" + body + "\n"
        headers.append(f"List-Id: <{list_name}.lists.example.org>")
        headers.append("MIME-Version: 1.0")
        if not self.html_part:
            headers += ['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit"]
            return "\n".join(headers) + "\n\n" + self.body + "\n"
        boundary = f"=_synth_{self.message_id.strip('<>').split('@')[0]}"
        rich = "<html><body><p>" + html.escape(self.body).replace("\n", "<br>\n") + "</p></body></html>"
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        return ("\n".join(headers) + f"\n\nThis is a multi-part message in MIME format.\n--{boundary}\n"
                'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
                f"{self.body}\n--{boundary}\nContent-Type: text/html; charset=\"utf-8\"\n"
                f"Content-Transfer-Encoding: 8bit\n\n{rich}\n--{boundary}--\n")


def _encoded(text: str) -> str:
    """RFC 2047 encoded words for a header value that is not ASCII (as mail clients send it)."""
    return text if text.isascii() else Header(text, "utf-8").encode()


def _quote(parent: SynthMessage, style: int) -> str:
    """The parent quoted in one of several mail clients' styles and languages."""
    name, when, body = parent.author.name, parent.date, parent.own + "\n" + FOOTER.format(name="wg-synth")
    quoted = "\n".join("> " + line if line else ">" for line in body.splitlines())
    if style == 0:
        return f"On {when:%a, %d %b %Y at %H:%M}, {name} wrote:\n{quoted}"
    if style == 1:
        return f"El {when.day}/{when.month}/{when.year} a las {when:%H:%M}, {name} escribió:\n{quoted}"
    if style == 2:
        return f"Le {when.day:02d}/{when.month:02d}/{when.year} à {when:%H:%M}, {name} a écrit :\n{quoted}"
    if style == 3:
        return f"Am {when.day:02d}.{when.month:02d}.{when.year} um {when:%H:%M} schrieb {name}:\n{quoted}"
    return (f"-----Original Message-----\nFrom: {name}\nSent: {when:%d %B %Y %H:%M}\n"
            f"To: wg-synth@lists.example.org\nSubject: {parent.subject}\n\n{body}")


def generate(messages: int = 2000, months: int = 12, seed: int = 1,
             start: datetime = datetime(2024, 1, 1, tzinfo=timezone.utc)) -> list[SynthMessage]:
    """`messages` emails spread over `months` months, in threads, with quoting and signatures."""
    rng = random.Random(seed)
    people = _people(rng, max(8, min(60, messages // 20)))
    per_month = max(1, -(-messages // months))
    out: list[SynthMessage] = []
    for i in range(messages):
        month = min(i // per_month, months - 1)
        month_start = (start.replace(day=1) + timedelta(days=32 * month)).replace(day=1)
        when = month_start + timedelta(days=(i % per_month) * 27 // per_month, minutes=(i * 37) % 1440)
        author = people[rng.randrange(len(people))]
        recent = [m for m in out[-30:] if m.month == month]
        parent = rng.choice(recent) if recent and rng.random() < 0.7 else None
        first = people[rng.randrange(len(people))].name.split()[0]
        text = " ".join(rng.choice(SENTENCES).format(org=rng.choice(ORGS), topic=rng.choice(TOPICS),
                                                     para=rng.choice((35, 69, 71, 72)), first=first)
                        for _ in range(rng.randint(2, 5)))
        # every 11th message has a body line starting "From " (unescaped in pipermail's .txt)
        desk = f"From the desk of the {author.role}: see below.\n\n" if i % 11 == 7 else ""
        own = (f"Dear all,\n\n{desk}{textwrap.fill(text, 72)}\n\nBest regards,\n{author.name.split()[0]}\n\n"
               f"--\n{author.name}\n{author.role}\n{author.org}")
        topic = parent.topic if parent else (lambda t: t[0].upper() + t[1:])(rng.choice(TOPICS))
        if parent is None and i % 13 == 5:
            topic = rng.choice(("Coopération renforcée", "Gobernanza de Internet", "Цифровой разрыв", "数据治理"))
        message_id = f"<synth-{seed}-{i}@lists.example.org>"
        body = own + ("\n\n" + _quote(parent, i % 5) if parent else "")
        out.append(SynthMessage(
            message_id, f"[WG-Synth] {'Re: ' if parent else ''}{topic}", topic, author, when, month, own, body,
            parent.message_id if parent else None,
            (*parent.references, parent.message_id) if parent else (), i % 9 == 4))
    return out


def from_line(msg: SynthMessage) -> str:
    """The mbox From_ line (asctime date, UTC) of a message."""
    return f"From {msg.author.address} {msg.date.astimezone(timezone.utc):%a %b %d %H:%M:%S %Y}"


def _escape_from(text: str) -> str:
    # mboxrd: a body line "From ..." or ">From ..." gets one more ">" so it cannot split the message
    return "\n".join(">" + line if line.lstrip(">").startswith("From ") else line for line in text.split("\n"))


def to_mbox(msgs: list[SynthMessage], pipermail: bool = False, list_name: str = "wg-synth",
            threading: bool = True) -> bytes:
    """An mboxrd of the messages; `pipermail=True` writes Mailman 2's monthly .txt instead: From_
    lines and From headers obfuscated, body lines starting "From " left unescaped."""
    if pipermail:
        return "".join(pipermail_from_line(m) + "\n" + m.as_text(list_name, True, threading) + "\n"
                       for m in msgs).encode("utf-8")
    return "".join(from_line(m) + "\n" + _escape_from(m.as_text(list_name)) + "\n" for m in msgs).encode("utf-8")


def pipermail_from_line(msg: SynthMessage) -> str:
    """Mailman 2's From_ line: obfuscated sender, two spaces, asctime date."""
    return f"From {msg.author.address.replace('@', ' at ')}  {msg.date.astimezone(timezone.utc):%a %b %d %H:%M:%S %Y}"


def month_key(msg: SynthMessage) -> str:
    """Pipermail's month folder name, e.g. "2024-January"."""
    return f"{msg.date:%Y-%B}"


def _by_month(msgs: list[SynthMessage], key) -> dict[str, list[SynthMessage]]:
    months: dict[str, list[SynthMessage]] = {}
    for msg in msgs:
        months.setdefault(key(msg), []).append(msg)
    return months


def _message_page(msg: SynthMessage, list_name: str) -> bytes:
    body = msg.body.replace("@", " at ")
    return (
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2//EN\">\n<HTML>\n <HEAD>\n"
        f"   <TITLE> {html.escape(msg.subject)}\n   </TITLE>\n </HEAD>\n <BODY BGCOLOR=\"#ffffff\">\n"
        f"   <H1>{html.escape(msg.subject)}</H1>\n    <B>{html.escape(msg.author.name)}</B> \n"
        f"    <A HREF=\"mailto:{list_name}%40lists.example.org?Subject=Re&In-Reply-To="
        f"{html.escape(msg.message_id)}\" TITLE=\"{html.escape(msg.subject)}\">"
        f"{html.escape(msg.author.address.replace('@', ' at '))}\n       </A><BR>\n"
        f"    <I>{msg.date:%a %b %d %H:%M:%S UTC %Y}</I>\n    <P><UL>\n"
        f"<!--beginarticle-->\n<PRE>{html.escape(body)}\n</PRE>\n<!--endarticle-->\n"
        f"<HR>\n<P><UL>\n<LI>More information about the {list_name}\nmailing list</LI></UL>\n"
        "</body></html>\n"
    ).encode("utf-8")


def _thread_index(items: list[tuple[str, SynthMessage]]) -> bytes:
    """pipermail's thread.html: replies nested in <UL>s under the message they answer."""
    page_of = {m.message_id: page for page, m in items}
    children: dict[str | None, list[tuple[str, SynthMessage]]] = {}
    for page, m in items:
        parent = m.in_reply_to if m.in_reply_to in page_of else None
        children.setdefault(parent, []).append((page, m))
    out: list[str] = []

    def walk(parent: str | None) -> None:
        out.append("<UL>")
        for page, m in children.get(parent, []):
            out.append(f'<LI><A HREF="{page}">{html.escape(m.subject)}\n</A><A NAME="{page[:6]}">&nbsp;</A>'
                       f"\n<I>{html.escape(m.author.name)}\n</I>")
            if m.message_id in children:
                walk(m.message_id)
        out.append("</UL>")

    walk(None)
    return ("<html><body>\n" + "\n".join(out) + "\n</body></html>\n").encode("utf-8")


def pipermail_site(msgs: list[SynthMessage], list_name: str = "wg-synth", headerless_months: int = 0) -> dict[str, bytes]:
    """path -> bytes of a Mailman 2 pipermail archive: index, month indexes (date, nested thread),
    message pages, monthly .txt.gz. The first `headerless_months` months' .txt lack In-Reply-To and
    References, as old Mailman archives do; their replies are known from thread.html only."""
    files: dict[str, bytes] = {}
    root = f"/pipermail/{list_name}/"
    index_rows = []
    number = 0
    for k, (month, items) in enumerate(_by_month(msgs, month_key).items()):
        files[f"{root}{month}.txt.gz"] = gzip.compress(
            to_mbox(items, pipermail=True, list_name=list_name, threading=k >= headerless_months), mtime=0)
        pages = []
        for msg in items:
            number += 1
            page = f"{number:06d}.html"
            files[f"{root}{month}/{page}"] = _message_page(msg, list_name)
            pages.append((page, msg))
        rows = [f'<LI><A HREF="{page}">{html.escape(m.subject)}</A> <I>{html.escape(m.author.name)}</I>'
                for page, m in pages]
        files[f"{root}{month}/date.html"] = ("<html><body><ul>\n" + "\n".join(rows) + "\n</ul></body></html>\n").encode()
        files[f"{root}{month}/thread.html"] = _thread_index(pages)
        index_rows.append(f'<tr><td>{month}:</td><td><A href="{month}/thread.html">[ Thread ]</a>'
                          f'<A href="{month}/date.html">[ Date ]</a></td>'
                          f'<td><A href="{month}.txt.gz">[ Gzip\'d Text ]</a></td></tr>')
    files[root] = ("<html><body><table>\n" + "\n".join(reversed(index_rows)) + "\n</table></body></html>\n").encode()
    return files


def hyperkitty_export(msgs: list[SynthMessage], list_name: str = "wg-synth") -> dict[str, bytes]:
    """path -> bytes of a Mailman 3 HyperKitty list: the list page linking each month, and one
    gzipped mbox export per month (served whatever the ?start=&end= query)."""
    files: dict[str, bytes] = {}
    address = f"{list_name}@lists.example.org"
    base = f"/hyperkitty/list/{address}/"
    links = []
    for month, items in _by_month(msgs, lambda m: f"{m.date:%Y-%m}").items():
        files[f"{base}export/{list_name}-{month}.mbox.gz"] = gzip.compress(to_mbox(items, list_name=list_name), mtime=0)
        year, number = month.split("-")
        links.append(f'<li><a href="{base}{year}/{int(number)}/">{month}</a></li>')
    files[base] = ("<html><body><ul>\n" + "\n".join(reversed(links)) + "\n</ul></body></html>\n").encode()
    return files


def write_mbox(path: Path, messages: int = 2000, months: int = 12, seed: int = 1) -> Path:
    """Generate and write an mbox file; returns its path."""
    path.write_bytes(to_mbox(generate(messages, months, seed)))
    return path
