"""Value matching: turn raw claimed values into canonical keys, per attribute rule.

Two claims support each other exactly when their keys are equal (numeric and time values within a tolerance
are grouped later, per subject, in `solve.arrays`). Functions here run on the *unique* raw values of an
attribute, never once per claim. The same matcher is used for gold values in `evaluate` and for every
library compared in `bench/`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .numbers import DEFAULT_LOCALE, format_number, read_number
from .rules.model import AttributeRule

_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def fold(text: str) -> str:
    """Case, accents, compatibility forms and whitespace folded: 'Qala-e-Naw ' == 'qala-e-naw'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE.sub(" ", text.casefold()).strip()


def token_set(text: str) -> str:
    return " ".join(sorted(set(t for t in _NON_WORD.split(fold(text)) if t)))


def _last_names(person_parts: list[str]) -> list[str]:
    out = []
    for part in person_parts:
        tokens = [t for t in _NON_WORD.split(part) if len(t) > 1]  # initials are not last names
        if tokens:
            out.append(tokens[-1])
    return out


def person_names(text: str) -> str:
    """Author lists -> sorted set of last names: 'Knuth, Donald E.; Fuller, John' == 'Donald Knuth and John Fuller'.

    Persons are separated by ';' or ' and ' or '&'; within a list, 'Last, First' pairs are recognised when the
    first comma-separated part is a single word, otherwise each comma-separated part is one 'First Last'.
    """
    text = fold(text).replace("&", ";")
    text = re.sub(r"\s+and\s+", ";", text)
    # drop role words that are not names
    text = re.sub(r"\b(ed|eds|editor|editors|et al|jr|sr|phd|ph\.d|dr|prof)\b\.?", " ", text)
    persons: list[str] = []
    for chunk in (c.strip(" ,") for c in text.split(";")):
        if not chunk:
            continue
        parts = [p.strip() for p in chunk.split(",") if p.strip()]
        if len(parts) >= 2 and len(_NON_WORD.split(parts[0].strip())) == 1:
            persons.extend(parts[0::2])  # Last, First[, Last, First ...]
        else:
            persons.extend(_last_names(parts))
    names = {p.split()[-1] if " " in p else p for p in persons if p}
    names = {n for n in (_NON_WORD.sub("", x) for x in names) if len(n) > 1}
    return "|".join(sorted(names))


@dataclass
class Canonical:
    """Per raw value: the key claims are matched on, a number for numeric kinds, and why a value is invalid."""

    key: pd.Series  # str
    number: pd.Series | None  # float64, numeric / time kinds only; NaN for a bound or range ("more than 200")
    invalid: pd.Series  # str reason, "" when valid


def _vocabulary(rule: AttributeRule) -> dict[str, str]:
    table = {}
    for canonical, synonyms in rule.values.items():
        table[fold(canonical)] = canonical
        for synonym in synonyms:
            table[fold(synonym)] = canonical
    return table


def _parse_time_of_day(text: str) -> float:
    match = _TIME.match(text)
    if not match:
        return float("nan")
    h, m, s = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if h > 23 or m > 59 or s > 59:
        return float("nan")
    return float(h * 3600 + m * 60 + s)


def _format_time_of_day(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{(s % 3600) // 60:02d}" + (f":{s % 60:02d}" if s % 60 else "")


def place_names(raw: list[str], rule: AttributeRule) -> list[str]:
    """kind: place: the rule's vocabulary first ("LA" -> "Los Angeles"), then the gazetteer reads the name."""
    vocab = _vocabulary(rule) if rule.values else {}
    return [vocab.get(fold(r), r) for r in raw] if vocab else raw


def canonicalise_unique(raw: pd.Series, rule: AttributeRule) -> Canonical:
    """Canonicalise unique raw values (a Series of str) under one attribute rule."""
    raw = raw.astype(str)
    invalid = pd.Series("", index=raw.index, dtype=object)
    number = None
    kind, match = rule.kind, rule.equivalence.match
    vocab = _vocabulary(rule) if rule.values else {}
    if kind in ("categorical", "text"):
        if vocab:
            folded = raw.map(fold)
            key = folded.map(vocab)
            unknown = key.isna()
            if rule.closed:
                invalid[unknown] = "value not in the vocabulary of a closed attribute (known: " + \
                    ", ".join(sorted(rule.values)) + ")"
            fallback = {"exact": raw, "fold": folded}.get(match)
            if fallback is None:
                fallback = raw.map(token_set if match == "token_set" else person_names)
            key = key.where(~unknown, fallback)
        elif match == "exact":
            key = raw
        elif match == "fold":
            key = raw.map(fold)
        elif match == "token_set":
            key = raw.map(token_set)
        else:
            key = raw.map(person_names)
        empty = key.astype(str).str.len() == 0
        invalid[empty & (invalid == "")] = "value is empty after matching (no name or word in it)"
    elif kind == "numeric":  # figures in the rule's locale, words, bounds and ranges (numbers.py)
        text = raw.to_numpy(dtype=object)
        values, keys, reasons = np.full(len(text), np.nan), np.full(len(text), "", dtype=object), \
            np.full(len(text), "", dtype=object)
        plain = raw.str.fullmatch(r"[+-]?\d{1,15}").to_numpy(dtype=bool)  # the same in every locale: vectorised
        values[plain] = text[plain].astype("int64")
        keys[plain] = values[plain].astype("int64").astype(str)
        for i in np.flatnonzero(~plain):
            reading = read_number(text[i], rule.locale or DEFAULT_LOCALE, rule.bounds)
            if isinstance(reading, str):
                reasons[i] = reading
            else:
                keys[i] = reading.key()
                values[i] = reading.low if reading.is_point else np.nan
        number = pd.Series(values, index=raw.index, dtype="float64")
        key = pd.Series(keys, index=raw.index, dtype=object)
        invalid = pd.Series(reasons, index=raw.index, dtype=object)
    elif kind == "time_of_day":
        number = raw.map(_parse_time_of_day).astype("float64")
        bad = number.isna()
        invalid[bad] = "not a time of day (expected HH:MM or HH:MM:SS)"
        key = number.map(lambda s: _format_time_of_day(s) if s == s else "")
    elif kind == "place":  # GeoNames places by their path; an ambiguous name's reading in context: feed/validate
        from .places import default_keys

        key = pd.Series(default_keys(place_names(raw.tolist(), rule)), index=raw.index, dtype=object)
        invalid[key.str.len() == 0] = "value is empty (no place name in it)"
    else:  # datetime
        parsed = pd.to_datetime(raw, utc=True, errors="coerce", format="ISO8601")
        bad = parsed.isna()
        invalid[bad] = "not an ISO 8601 date-time"
        number = pd.Series(np.where(bad, np.nan, parsed.astype("int64") / 1e9), index=raw.index)
        key = parsed.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(~bad, "")
    return Canonical(key=key.astype(str), number=number, invalid=invalid)
