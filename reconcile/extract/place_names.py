"""One name per place: whether two spellings of a claim's subject name the same place.

The extractor names a place by its YAML entity, else its GeoNames name, else the text's spelling (a village no
gazetteer of 5,000+ towns lists); a facility is "<place> <kind>". Two names of one place therefore differ when a
spelling went unresolved in one article and resolved in another ("Makariwka" / "Makarivka", "Neskutschno" /
"Neskuchne"), when GeoNames lists the same town under a name no alias joins ("Ad Dindar" / "Ad-Dindar"), or when a
facility kind is worded two ways ("Zalingei base" / "Zalingei headquarters"). `place_key` gives both the same key
by the gazetteer's own identities (entity, GeoNames name or alias, `spelled_like`'s spelling key among the
article's countries, without the looser consonant skeleton); it never joins two places the gazetteer tells apart
(a city and its province: "Idlib" vs "Idlib province"). Used by the development-set scorer (bench/devset.py), so
that the score counts what the extractor found, not how a label happened to be spelled.
Written by hand: no library compares romanised place names across transliterations.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet

from .geonames import GeoGazetteer, Place
from .spelling import sound

# the word "international" in a facility's name ("Aleppo International Airport" = "Aleppo airport")
_NOISE = (" international ",)


def kind_name(kind: str, kind_names: Mapping[str, str]) -> str:
    """The one name of a facility kind (`extract.containment.kind_names`: "air base" -> airport, "army base" ->
    headquarters); a kind not listed keeps its own."""
    return kind_names.get(kind.lower(), kind.lower())


def one_entry(geo: GeoGazetteer, own: Place, same_named: Iterable[int]) -> str:
    """The one entry of a town GeoNames lists twice: of the entries an alias of the name hits that share its
    kind, country and first-level area ("Ad Dindar", 15,144 people, and "Ad-Dindar", 25,567, both of Sinnar), the
    most populous, as the extractor resolves a same-named place (parsed.py)."""
    twins = [geo.places[i] for i in same_named]
    twins = [p for p in twins if (p.kind, p.country, p.admin1) == (own.kind, own.country, own.admin1)] or [own]
    return max(twins, key=lambda p: (p.population, p.name)).name


def geo_name(geo: GeoGazetteer | None, name: str, countries: AbstractSet[str]) -> str | None:
    """The GeoNames place a name spells, preferring places of `countries`: the exact name (not a seat of unknown
    population named like a known town elsewhere), else a whole-name alias hit (first-level areas, then the most
    populous), else the name itself when GeoNames has it, else the same spelling key (`spelled_like`, strict). None when GeoNames has no such place."""
    if geo is None:
        return None
    own = geo.places[geo.by_name[name]] if name in geo.by_name else None
    hits = [h for h in geo.find(name) if h[0] == 0 and h[1] == len(name)]
    if own is not None and own.population > 0 and (not countries or own.country in countries):
        return one_entry(geo, own, hits[0][2] if hits else ())  # else "Bara" (a place elsewhere) is "Barah"
    if hits:
        cands = [geo.places[i] for i in hits[0][2] if geo.places[i].kind != "country"]
        pick = [p for p in cands if p.country in countries] or cands
        if pick:
            return max(pick, key=lambda p: (p.kind == "admin1", p.population, p.name)).name
    if own is not None:  # a GeoNames subject name as the extractor writes it ("‘Alīābād (AF-24)")
        return own.name
    if countries:  # the consonant skeleton only where the extractor uses it: a name of two words or hyphenated
        # ("Pul-Hesar" = Pul-e Hisar, the one town of the article's countries with its consonants; geonames.spelled_in)
        return geo.spelled_like(name, set(countries), loose=" " in name.strip() or "-" in name)
    return None


def place_key(geo: GeoGazetteer | None, entities: AbstractSet[str], name: str, countries: AbstractSet[str]) -> str:
    """A key shared by the spellings of one place: the YAML entity, else the GeoNames name (`geo_name`), else the
    name's spelling key (`spelled.sound`: w = v, tsch = ch, articles, doubled letters), marked "~" so that it is
    never a GeoNames name."""
    if name in entities:
        return name.lower()
    found = geo_name(geo, name, countries)
    return found.lower() if found is not None else "~" + sound(name)


def subject_key(geo: GeoGazetteer | None, entities: AbstractSet[str], facilities: Iterable[str],
                kind_names: Mapping[str, str], name: str, countries: AbstractSet[str]) -> str:
    """`place_key` of a claim's subject; a facility ("<place> <kind>", a kind of `facilities`, longest first) is
    its place's key and its kind's one name ("Bagram Air Base" = "Bagram airport", "Zalingei base" = "Zalingei
    headquarters")."""
    low = name.lower()
    for noise in _NOISE:
        low = low.replace(noise, " ")
    for fac in sorted({f.lower() for f in facilities}, key=lambda f: (-len(f), f)):
        if low.endswith(" " + fac) and name not in entities:
            place = name[: len(low) - len(fac) - 1]
            return place_key(geo, entities, place, countries) + " " + kind_name(fac, kind_names).split()[-1]
    return place_key(geo, entities, name, countries)


def feed_spellings(subjects: Iterable[str], resolved: Callable[[str], bool]) -> dict[str, str]:
    """old name -> new name for the subjects of one feed that spell one place several ways and that no gazetteer
    resolved (villages: "Makariwka" in one article, "Makarivka" in another): the names of one spelling key
    (`spelling.sound`) become the one most claims use, ties to the first in alphabetical order, so that the
    result does not depend on the order of the feed's rows. Names a gazetteer resolved (`resolved`: a YAML
    entity or GeoNames name) already are one per place and are left alone."""
    counts = Counter(subjects)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in sorted(counts):
        if not resolved(name) and sound(name):
            groups[sound(name)].append(name)
    out: dict[str, str] = {}
    for names in groups.values():
        best = min(names, key=lambda n: (-counts[n], n))
        out.update({n: best for n in names if n != best})
    return out
