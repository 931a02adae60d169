"""Parse archive and attribution dates in many languages; resolve day/month order against a reference."""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

from kg.parse.langs import DATEPARSER_CODES

# Zone abbreviations pipermail prints ("Wed Jul 23 14:30:34 EDT 2025"); offsets in hours.
TZ_ABBREVIATIONS: dict[str, float] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 5.5, "WEST": 1, "CET": 1, "MET": 1,
    "MEZ": 1, "CEST": 2, "MEST": 2, "MESZ": 2, "EET": 2, "EEST": 3, "SAST": 2, "WAT": 1, "CAT": 2, "EAT": 3,
    "MSK": 3, "MSD": 4, "GST": 4, "PKT": 5, "NPT": 5.75, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "AWST": 8,
    "PHT": 8, "CST8": 8, "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9,
    "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5, "BRT": -3, "BRST": -2,
    "ART": -3, "UYT": -3, "UYST": -2, "CLT": -4, "CLST": -3, "PYT": -4, "PYST": -3, "COT": -5, "PET": -5,
    "ECT": -5, "VET": -4, "BOT": -4,
}

FALLBACK_LANGUAGES = tuple(sorted(set(DATEPARSER_CODES.values())))
_MONTHS_EN = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

# "Wed Jul 23 14:30:34 EDT 2025", "Tue Sep 16 21:14:34 -03 2025"
PIPERMAIL_DATE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) "
    r"(\d{1,2}):(\d\d):(\d\d) ([A-Z]{1,5}\d?|[+-]\d{2}(?::?\d{2})?) (\d{4})$"
)
_NUMERIC = re.compile(
    r"^(?:[^\d\s]{1,12}\.?,?\s+)?(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4}),?\s+(?:(?:at|um|à|às|a las|alle|om|в)\s+)?"
    r"(\d{1,2})[:.](\d\d)(?::(\d\d))?\s*([AaPp]\.?\s?[Mm]\.?)?(?:\s*Uhr)?$"
)
# English forms, parsed here to keep dateparser for the rest: "Fri, Jul 11, 2025 at 11:13 AM",
# "Tuesday, July 22, 2025 at 22:46", "23 July 2025 14:42", "Sun, 16 Nov 2014 12:11".
_EN_MDY = re.compile(
    r"^(?:[A-Za-z]{3,9}\.?,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(?:at\s+)?"
    r"(\d{1,2}):(\d\d)(?::(\d\d))?\s*([AaPp][Mm])?$"
)
_EN_DMY = re.compile(
    r"^(?:[A-Za-z]{3,9}\.?,?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}),?\s+(?:at\s+)?"
    r"(\d{1,2}):(\d\d)(?::(\d\d))?\s*([AaPp][Mm])?$"
)
_MONTH_NAMES = {name: i for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
_NUMERIC_DATE_ONLY = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
_PAREN_OFFSET = re.compile(r"\(\s*(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})\s*\)")
_TRAILING_OFFSET = re.compile(r"\s([+-])(\d{2}):?(\d{2})$")
_TRAILING_ZONE = re.compile(r"\s\(?([A-Z]{2,5})\)?$")
_AMPM_ES = re.compile(r"\b([ap])\.\s?m\.", re.IGNORECASE)
_NOISE = re.compile(
    r"\b(?:a las|às|as|alle ore|alle|um|om|à|kl\.|klo|г\.|в)\s+(?=\d)|\bUhr\b|(?<=\d)h(?=\d)", re.IGNORECASE
)


def _offset(hours: float) -> timezone:
    return timezone(timedelta(minutes=round(hours * 60)))


def parse_pipermail_date(text: str) -> datetime | None:
    """The date line of a pipermail page, timezone-aware ("EDT" -> -04:00, "-03" -> -03:00)."""
    match = PIPERMAIL_DATE.match(text.strip())
    if not match:
        return None
    mon, day, hh, mm, ss, zone, year = match.groups()
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        hours = int(digits[:2]) + (int(digits[2:4]) / 60 if len(digits) >= 4 else 0)
        tz = _offset(hours if zone[0] == "+" else -hours)
    elif zone in TZ_ABBREVIATIONS:
        tz = _offset(TZ_ABBREVIATIONS[zone])
    else:
        tz = None
    try:
        value = datetime(int(year), _MONTHS_EN[mon.lower()], int(day), int(hh), int(mm), int(ss))
    except ValueError:
        return None
    return value.replace(tzinfo=tz) if tz else value


def _pick(candidates: list[datetime], reference: datetime | None) -> datetime | None:
    """The candidate at or before the reference and nearest to it (a quoted message is older)."""
    if not candidates:
        return None
    if reference is None:
        return candidates[0]
    ref = reference.replace(tzinfo=None)
    # A quoted attribution is in the quoter's local time, the reference maybe in another zone.
    slack = timedelta(days=1)

    def score(value: datetime) -> tuple[int, float]:
        delta = (ref - value.replace(tzinfo=None)).total_seconds()
        return (0 if delta >= -slack.total_seconds() else 1, abs(delta))

    return min(candidates, key=score)


def _numeric(text: str, reference: datetime | None) -> datetime | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    a, _sep, b, c, hh, mm, ss, ampm = match.groups()
    hour = int(hh)
    if ampm:
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    minute, second = int(mm), int(ss or 0)
    orders: list[tuple[int, int, int]] = []
    if len(a) == 4:  # 2025/07/23
        orders.append((int(a), int(b), int(c)))
    else:
        year = int(c) + (2000 if len(c) == 2 and int(c) < 70 else 1900 if len(c) == 2 else 0)
        orders.append((year, int(b), int(a)))  # day/month/year (23/07/25)
        orders.append((year, int(a), int(b)))  # month/day/year (1/13/07)
        if ampm:  # a 12-hour clock is the US habit: month first when nothing else decides
            orders.reverse()
    candidates = []
    for year, month, day in orders:
        try:
            candidates.append(datetime(year, month, day, hour, minute, second))
        except ValueError:
            continue
    return _pick(candidates, reference)


def _english(text: str) -> datetime | None:
    for pattern, month_group in ((_EN_MDY, 1), (_EN_DMY, 2)):
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        month_word = groups[month_group - 1].lower()
        month = _MONTHS_EN.get(month_word[:3]) if month_word in _MONTH_NAMES or month_word[:3] in _MONTHS_EN and (
            len(month_word) == 3 or month_word == "sept") else None
        if month is None:
            return None
        day = int(groups[1] if month_group == 1 else groups[0])
        hour, minute, second, ampm = int(groups[3]), int(groups[4]), int(groups[5] or 0), groups[6]
        if ampm:
            hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
        try:
            return datetime(int(groups[2]), month, day, hour, minute, second)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=4096)
def _dateparser(text: str, languages: tuple[str, ...], order: str | None) -> datetime | None:
    import dateparser  # imported lazily: loading its language data costs time

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                                   "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False}
    if order:
        settings["DATE_ORDER"] = order
    try:
        with warnings.catch_warnings():
            # dateparser and its dependencies emit Deprecation/UserWarnings on some inputs.
            warnings.simplefilter("ignore")
            return dateparser.parse(text, languages=list(languages) or None, settings=settings)
    except Exception:  # noqa: BLE001 - a third-party parser failing on odd text means "no date"
        return None


def _prenormalise(text: str) -> str:
    text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    text = _AMPM_ES.sub(lambda m: m.group(1).upper() + "M", text)  # "5:06 p. m." -> "5:06 PM"
    text = _NOISE.sub(" ", text)
    return " ".join(text.replace(" ,", ",").split()).strip(" ,")


def parse_date(text: str, reference: datetime | None = None, languages: tuple[str, ...] = (),
               allow_slow: bool = True) -> datetime | None:
    """A date from a header or attribution, aware when the text gives a zone, else naive local time.

    Day/month order is taken from context: of the readings, the one at or just before
    `reference` (the date of the message that quotes this one) wins. With `allow_slow` False only
    the built-in fast forms are tried (callers use it to bound the work on adversarial pages).
    """
    if not text or len(text) > 200:
        return None
    text = " ".join(text.split()).strip(" ,*")
    if not text:
        return None
    piper = parse_pipermail_date(text)
    if piper:
        return piper
    tz = None
    paren = _PAREN_OFFSET.search(text)
    if paren:  # Samsung: "11/16/2014 5:29 PM (GMT-05:00)"
        sign, hh, mm = paren.groups()
        hours = int(hh) + int(mm) / 60
        tz = _offset(hours if sign == "+" else -hours)
        text = (text[: paren.start()] + text[paren.end():]).strip()
    if re.search(r"\d{1,2}:\d\d:\d\d [+-]\d{4}", text) or re.search(r"\d{1,2}:\d\d(:\d\d)? (GMT|UT|UTC)$", text):
        try:  # RFC 2822: "Sun, 3 Apr 2005 11:26:29 -0400"
            value = parsedate_to_datetime(text)
            if value is not None:
                return value
        except (TypeError, ValueError, IndexError):
            pass
    offset = _TRAILING_OFFSET.search(text)
    if offset and tz is None:
        sign, hh, mm = offset.groups()
        hours = int(hh) + int(mm) / 60
        tz = _offset(hours if sign == "+" else -hours)
        text = text[: offset.start()]
    zone = _TRAILING_ZONE.search(text)
    if zone and zone.group(1) in TZ_ABBREVIATIONS and tz is None:
        tz = _offset(TZ_ABBREVIATIONS[zone.group(1)])
        text = text[: zone.start()]
    norm = _prenormalise(text)
    value = _numeric(norm, reference) or _english(norm)
    if value is None:
        only = _NUMERIC_DATE_ONLY.match(norm)
        if only:
            try:
                value = datetime(int(only.group(1)), int(only.group(2)), int(only.group(3)))
            except ValueError:
                value = None
    if value is None and allow_slow and re.search(r"\d", norm):
        langs = tuple(sorted(set(languages)))
        if re.search(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", norm):
            found = [_dateparser(norm, langs, order) for order in ("DMY", "MDY")]
            value = _pick([v for v in found if v is not None], reference)
        else:
            value = _dateparser(norm, langs, None)
            if value is None:
                # Not every language dateparser knows: loading all of them costs seconds.
                value = _dateparser(norm, FALLBACK_LANGUAGES, None)
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value.replace(tzinfo=tz) if tz else value


def is_date_only(text: str) -> bool:
    """True when the text carries a date but no time of day ("2012/3/3")."""
    return not re.search(r"\d{1,2}[:h]\d\d", text)
