"""Gazetteer hits that are words of a person's name or a country's adjective, not places.

GeoNames lists towns named like given names and surnames ("Volodymyr" is an alternate name of
Volodymyr-Volynskyi, "Abiy" of Abiy Adi): in "President Volodymyr Zelensky said" or "Prime Minister Abiy Ahmed"
the alias is a word of a name that a title introduces. Read from the text, before any parse (the profile's
choice and the article's place list use the hits too), with two patterns:
- a title (`TITLES`: "President", "Prime Minister", "Gen.") followed by at most two more capitalised words
  and then the hit, or by the hit itself, all written as one run of capitalised words;
- the same word later in the article, wherever it stands ("Abiy accused the TPLF"): the article used it as a
  person's name.
A word of a country's adjective or stem before a lower-case word ("Shabaab takes Somali town") describes a noun
and is no place ("Somali" is also Ethiopia's Somali region).

spaCy's named-entity recogniser was measured as the alternative (extract.nlp leaves it out): it more than
doubles the parse's CPU time and, on single sentences of the devset, reads places as persons ("took Kherson" ->
PERSON); the title pattern needs neither.
"""
from __future__ import annotations

import re

from .cue_places import _country_stems, is_demonym

# titles written before a person's name in news reporting (lower case, without a final dot)
TITLES = frozenset({
    "president", "minister", "chancellor", "mr", "mrs", "ms", "dr", "sir", "gen", "lt",
    "lieutenant", "col", "colonel", "maj", "capt", "captain", "sgt", "sergeant", "commander", "cmdr",
    "admiral", "marshal", "brig", "brigadier", "sheikh", "shaikh", "mullah", "mawlawi", "maulvi", "imam", "emir",
    "king", "queen", "prince", "princess", "sultan", "pope", "senator", "sen", "rep", "spokesman",
    "spokeswoman", "spokesperson", "ambassador", "envoy", "secretary", "governor", "gov", "mayor",
})  # not "General", "Major", "Chief": adjectives too ("Taliban Seize Major City Kunduz")
_WORD_BEFORE = re.compile(r"([A-Z][\w'’.-]*)\s+$")
_MAX_BETWEEN = 2  # capitalised words between the title and the hit: "President [Volodymyr] Zelensky"


def _title_before(text: str, s: int, stop_words: frozenset[str]) -> bool:
    """Is the hit at text[s:] the next word of a run of capitalised words that a title opens?"""
    pos, between = s, 0
    while between <= _MAX_BETWEEN:
        m = _WORD_BEFORE.search(text, max(0, pos - 40), pos)
        if m is None:
            return False
        word = m.group(1).rstrip(".").lower()
        if word in TITLES:
            return True
        if word in stop_words or not m.group(1)[:1].isupper():
            return False  # "Killed In Kunduz": a headline's words, not a name
        pos, between = m.start(), between + 1
    return False


def _adjective(text: str, s: int, e: int) -> bool:
    """A country's adjective or stem before a lower-case word ("Somali town", "Afghan forces")?"""
    word = text[s:e].lower()
    stems = _country_stems()
    # an adjective, or a country's name without its final vowel ("Somali"), not the country's name ("Myanmar said")
    if " " in word or not (is_demonym(word) or any(word + v in stems for v in "aeiouy")):
        return False
    rest = text[e:e + 2]
    return len(rest) == 2 and rest[0] == " " and rest[1].islower()


def drop_person_names(text: str, hits: list[tuple[int, int, tuple[int, ...]]], stop_words: frozenset[str]
                      ) -> list[tuple[int, int, tuple[int, ...]]]:
    """The hits (start, end, places; offsets into `text`, one article) less the words of persons' names and
    countries' adjectives."""
    names: set[str] = set()
    for s, e, _ in hits:
        if _title_before(text, s, stop_words):
            names.add(text[s:e])
    return [h for h in hits if text[h[0]:h[1]] not in names and not _adjective(text, h[0], h[1])]
