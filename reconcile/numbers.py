"""Numbers as people write them, read in a locale: figures, words, approximate figures, bounds and ranges.

`read_number(text, locale)` turns one claimed value into a `Reading`: a closed interval of one point for a
figure ("1.200,5" in `de`, "1,200.5" in `en`, "two hundred", "1.5 million", "~200", "about 1,500") or an
interval for a bound or range ("more than 200" -> (200, inf), "at most 50" -> [-inf, 50], "200+" -> [200, inf],
"200-300" and "between 200 and 300" -> [200, 300]). Text that is none of these gives an error message.

Libraries do the reading: babel (CLDR) parses a figure in the locale, strictly, so that "1.5" in German
(grouping in the wrong place) is an error with babel's suggestions rather than a silent 15; text2num reads
numbers written in words (English, German, French, Spanish, Portuguese, Dutch, Danish, Italian). Written by
hand, because no library does it: the short tables of bound and approximation phrases below (English, plus
German for German locales; the symbols `> >= < <= ≥ ≤ ~ ≈` and a trailing `+` work in every locale) and the
scale words ("million") after a figure.

How a bound takes part in reconciliation is in `reconcile/solve/bounds.py`: like an ancestor in a value
hierarchy, it partially supports every figure inside it and conflicts with the figures outside it.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

INF = math.inf
DEFAULT_LOCALE = "en"

# Bound and approximation phrases, case-folded. gt/ge: a lower bound (exclusive/inclusive), lt/le: an
# upper bound, about: an approximate figure (read as the figure; the attribute's tolerance groups close figures).
_PREFIXES = {
    "en": {
        "more than": "gt", "over": "gt", "above": "gt", "greater than": "gt", "in excess of": "gt",
        "upwards of": "gt", "at least": "ge", "no fewer than": "ge", "no less than": "ge", "not less than": "ge",
        "a minimum of": "ge", "minimum": "ge", "fewer than": "lt", "less than": "lt", "under": "lt", "below": "lt",
        "at most": "le", "up to": "le", "no more than": "le", "not more than": "le", "a maximum of": "le",
        "maximum": "le", "about": "about", "around": "about", "approximately": "about", "approx.": "about",
        "approx": "about", "roughly": "about", "some": "about", "circa": "about", "ca.": "about", "c.": "about",
        "nearly": "about", "almost": "about", "an estimated": "about", "estimated": "about",
    },
    "de": {
        "mehr als": "gt", "über": "gt", "mindestens": "ge", "wenigstens": "ge", "weniger als": "lt",
        "unter": "lt", "höchstens": "le", "bis zu": "le", "maximal": "le", "etwa": "about", "rund": "about",
        "ungefähr": "about", "circa": "about", "ca.": "about", "knapp": "about", "fast": "about",
        "beinahe": "about", "schätzungsweise": "about",
    },
}
_SUFFIXES = {
    "en": {"or more": "ge", "and more": "ge", "and above": "ge", "or above": "ge", "or over": "ge", "plus": "ge",
           "or less": "le", "or fewer": "le", "and below": "le", "or below": "le", "or under": "le"},
    "de": {"oder mehr": "ge", "und mehr": "ge", "oder weniger": "le", "und weniger": "le"},
}
_SYMBOLS = (("≥", "ge"), (">=", "ge"), ("=>", "ge"), ("≤", "le"), ("<=", "le"), ("=<", "le"), (">", "gt"),
            ("<", "lt"), ("~", "about"), ("≈", "about"))
# ranges: (opening word, separator); an empty opening word: "200-300", "200 to 300"
_RANGES = {
    "en": (("between ", " and "), ("from ", " to "), ("", " to "), ("", "-"), ("", "–"), ("", "—")),
    "de": (("zwischen ", " und "), ("von ", " bis "), ("", " bis ")),
}
_SCALES = {
    "en": {"thousand": 3, "million": 6, "mn": 6, "billion": 9, "bn": 9, "trillion": 12},
    "de": {"tausend": 3, "million": 6, "millionen": 6, "mio.": 6, "mio": 6, "milliarde": 9, "milliarden": 9,
           "mrd.": 9, "mrd": 9, "billion": 12, "billionen": 12},
}
_WORD_LANGUAGES = ("en", "de", "fr", "es", "pt", "nl", "da", "it")  # what text2num reads
_PLAIN = re.compile(r"^[+-]?\d+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Reading:
    """A claimed value as an interval; a figure is the closed interval [x, x]. Infinite ends are closed."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    def key(self) -> str:
        """The canonical key claims are matched on: '1200.5', '>200', '>=30', '<10', '<=50', '[200, 300]'."""
        if self.is_point:
            return format_number(self.low)
        if self.high == INF:
            return (">" if self.low_open else ">=") + format_number(self.low)
        if self.low == -INF:
            return ("<" if self.high_open else "<=") + format_number(self.high)
        return (("(" if self.low_open else "[") + format_number(self.low) + ", " + format_number(self.high)
                + (")" if self.high_open else "]"))


_KEY = re.compile(r"^(>=|>|<=|<)(.+)$|^([\[(])(.+), (.+)([\])])$")


@lru_cache(maxsize=65536)
def reading_of_key(key: str) -> Reading | None:
    """The interval of a canonical numeric key (the inverse of `Reading.key`); None if it is not one."""
    match = _KEY.match(key)
    try:
        if match is None:
            x = float(key)
            return Reading(x, x) if math.isfinite(x) else None
        if match.group(1):
            op, x = match.group(1), float(match.group(2))
            return Reading(x, INF, op == ">") if op[0] == ">" else Reading(-INF, x, False, op == "<")
        return Reading(float(match.group(4)), float(match.group(5)), match.group(3) == "(", match.group(6) == ")")
    except ValueError:
        return None


def format_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


@lru_cache(maxsize=256)
def _locale(tag: str) -> Locale:
    from babel import Locale

    return Locale.parse(tag.replace("-", "_"))


def check_locale(tag: str) -> str:
    """Validate a BCP-47 language tag ('en', 'de', 'de-CH', 'pt-BR') against babel's CLDR data."""
    from babel import UnknownLocaleError

    if not isinstance(tag, str) or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", tag):
        raise ValueError(f"{tag!r} is not a BCP-47 language tag (e.g. en, en-GB, de, de-CH, fr, pt-BR)")
    try:
        _locale(tag)
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"unknown locale {tag!r}: CLDR (babel) has no such language or region; "
                         "expected e.g. en, en-GB, de, de-CH, fr, pt-BR") from None
    return tag


@lru_cache(maxsize=256)
def _usual_shape(tag: str) -> re.Pattern[str]:
    """Figures grouped by thousands with the locale's symbols ('1,234,567.5' in en, '1.234.567,5' in de): read
    by this pattern without babel, for speed (babel takes ~45 us a value). Only shapes babel's strict reading
    accepts with the same result; anything else goes to babel (tests/test_numbers_locale.py checks both)."""
    group, decimal = _symbols(tag)[:2]
    pattern = _locale(tag).decimal_formats.get(None)
    if pattern is None or tuple(pattern.grouping) != (3, 3) or group.isspace() or group in "'’":
        return re.compile(r"(?!)")  # grouped otherwise (en-IN: 12,34,567) or by spaces: babel reads them
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(rf"^-?(?:0|[1-9]\d{{0,2}}(?:{g}\d{{3}})+|[1-9]\d*)(?:{d}\d+)?$")


@lru_cache(maxsize=256)
def _symbols(tag: str) -> tuple[str, str, str, tuple[str, ...]]:
    """(group symbol, decimal symbol, an example figure, phrase languages) of a locale."""
    from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

    loc = _locale(tag)
    languages = (loc.language,) + (("en",) if loc.language != "en" else ())
    return get_group_symbol(loc), get_decimal_symbol(loc), format_decimal(1234567.5, locale=loc), languages


def _fold(text: str) -> str:
    """Case and compatibility forms folded (no-break spaces become spaces), accents kept: 'zwölf' is a word."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _figure(text: str, tag: str) -> Decimal | str:
    """A figure in the locale, strictly (babel), or in words (text2num); else babel's complaint."""
    from babel.numbers import NumberFormatError, parse_decimal

    group, decimal, _, languages = _symbols(tag)
    candidate = text
    if group.isspace():  # French and others group with a (narrow) no-break space; folding made it a space
        candidate = candidate.replace(" ", group)
    elif group in "'’":
        candidate = candidate.replace("’", group).replace("'", group)
    try:
        value = parse_decimal(candidate, _locale(tag), strict=True)
        if value.is_finite():
            return value
        complaint = "not a finite number"
    except NumberFormatError as exc:
        suggestions = getattr(exc, "suggestions", None) or []
        complaint = "did you mean " + " or ".join(suggestions) + "?" if suggestions else ""
    except InvalidOperation:
        complaint = ""
    words = _words(text, languages)
    return words if words is not None else complaint


def _words(text: str, languages: tuple[str, ...]) -> Decimal | None:
    if not any(ch.isalpha() for ch in text):
        return None
    from text_to_num import text2num

    for language in languages:
        if language in _WORD_LANGUAGES:
            try:
                return Decimal(text2num(text, language))
            except (ValueError, TypeError):
                continue
    return None


def _amount(text: str, tag: str) -> Decimal | str:
    """A figure, possibly followed by a scale word ('1.5 million', 'zwei Millionen')."""
    text = text.strip()
    if text.startswith("+"):  # a plus sign changes nothing (babel's strict reading refuses it before groups)
        text = text[1:].lstrip()
    if _PLAIN.match(text):
        return Decimal(text)
    if _usual_shape(tag).match(text):
        group, decimal = _symbols(tag)[:2]
        return Decimal(text.replace(group, "").replace(decimal, "."))
    value = _figure(text, tag)
    if isinstance(value, Decimal):
        return value
    head, _, scale = text.rpartition(" ")
    for language in _symbols(tag)[3]:
        exponent = _SCALES.get(language, {}).get(scale)
        if exponent is not None and head:
            base = _figure(head, tag)
            if isinstance(base, Decimal):
                return base.scaleb(exponent)
    return value


def _bound(kind: str, x: float) -> Reading:
    return {"gt": Reading(x, INF, True), "ge": Reading(x, INF), "lt": Reading(-INF, x, False, True),
            "le": Reading(-INF, x), "about": Reading(x, x)}[kind]


def _strip_phrase(text: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
    """(kind, rest) when the text starts or ends with a bound / approximation phrase or symbol."""
    for symbol, kind in _SYMBOLS:
        if text.startswith(symbol):
            return kind, text[len(symbol):].strip()
    if text.endswith("+") and len(text) > 1:
        return "ge", text[:-1].strip()
    for language in languages:
        for phrase, kind in _PREFIXES.get(language, {}).items():
            if text.startswith(phrase + " ") or (phrase.endswith(".") and text.startswith(phrase)):
                return kind, text[len(phrase):].strip()
        for phrase, kind in _SUFFIXES.get(language, {}).items():
            if text.endswith(" " + phrase):
                return kind, text[: -len(phrase)].strip()
    return None


def _range(text: str, tag: str, languages: tuple[str, ...]) -> Reading | str | None:
    """A range, None if the text is not one, or a reason when it splits into a range in several ways ("between
    two hundred and fifty and three hundred": 'and' is also inside the words)."""
    for language in languages:
        for opening, separator in _RANGES.get(language, ()):
            if opening and not text.startswith(opening):
                continue
            body = text[len(opening):]
            found: set[tuple[Decimal, Decimal]] = set()
            start = 1  # never split at the first character ('-5' is a negative figure)
            while (at := body.find(separator, start)) > 0:
                low, high = _amount(body[:at], tag), _amount(body[at + len(separator):], tag)
                if isinstance(low, Decimal) and isinstance(high, Decimal) and low <= high:
                    found.add((low, high))
                start = at + 1
            if len(found) == 1:
                low, high = found.pop()
                return Reading(float(low), float(high))
            if found:
                return "an ambiguous range: it reads as " + " or ".join(
                    f"{format_number(float(a))} to {format_number(float(b))}" for a, b in sorted(found))
    return None


@lru_cache(maxsize=65536)
def read_number(text: str, locale: str = DEFAULT_LOCALE, bounds: bool = True) -> Reading | str:
    """One claimed value -> its Reading, or the reason it is not a number in this locale."""
    reading = _read(text, locale, bounds)
    if isinstance(reading, Reading) and not (reading.low < INF and reading.high > -INF):
        return "a number too large for a 64-bit float"
    return reading


def _read(text: str, locale: str, bounds: bool) -> Reading | str:
    folded = _fold(text)
    if _PLAIN.match(folded):
        return Reading(float(folded), float(folded))
    group, decimal, example, languages = _symbols(locale)
    if _usual_shape(locale).match(folded):
        x = float(folded.replace(group, "").replace(decimal, "."))
        return Reading(x, x)
    phrase = _strip_phrase(folded, languages)  # before babel: cheaper than failing to read it as a figure
    if phrase is not None:
        kind, rest = phrase
        inner = _amount(rest, locale)
        if isinstance(inner, Decimal):
            reading = _bound(kind, float(inner))
            if reading.is_point or bounds:
                return reading
            return "a bound, not one figure (this attribute takes figures only: `bounds: false`)"
    value = _amount(folded, locale)
    if isinstance(value, Decimal):
        return Reading(float(value), float(value))
    span = _range(folded, locale, languages)
    if isinstance(span, str):
        return span
    if span is not None:
        if span.is_point or bounds:
            return span
        return "a range, not one figure (this attribute takes figures only: `bounds: false`)"
    hint = f"; {value}" if value else ""
    also = "; nor a bound or range such as 'more than 200' or '200-300'" if bounds else ""
    return f"not a number in locale {locale} (written like {example}{hint}){also}"
