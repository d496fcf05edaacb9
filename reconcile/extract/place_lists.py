"""Lists of places that one predicate is about, read from the words between them when the parse misses them.

The small English model often breaks a list of names: "captured Kunduz on Sunday, Sar-e Pul on Monday and Taloqan
on Tuesday" hangs Sar-e Pul on the verb as an adverb, "Only Mazar-i-Sharif in Balkh, and Maimana in Faryab remain
under government control" makes Mazar-i-Sharif the root, "seized three capitals: Farah city in the west;
Pul-e-Khumri, the capital of Baghlan province; and Faizabad, ..." hangs the members on each other. A list is read
here from the tokens: places one after the other, each pair apart by a separator (",", ";", "and", "as well as")
with at most a short description between them ("in the west", "on Monday", "the capital of Baghlan province":
a place after "of" or "in" there only describes the member before it), no verb, no "or", "but", "from", "to" or
quotation mark. A claim the frames read on one member is then also a claim on each other member that no frame
of the sentence reads, unless that member is another verb's subject or object, a side's voice ("Kabul said"),
a province that only locates a town, or a modifier of a noun ("Kunduz's governor").
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import replace
from typing import TYPE_CHECKING

from .events import SentenceClaim

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SEPARATORS = {",", ";", "and"}
# words that end a list: another clause, an alternative, a contrast, a movement between places
BREAKS = {"or", "but", "while", "whereas", "after", "before", "from", "to", "than", "not", "nor", "between", "toward",
          "towards", "into", "said", "says", '"', "“", "”", "(", ")", "'", "‘", "’", "which", "who", "where",
          "that"}
# what may stand between the last separator and the next member: "and the town of", "; and the northern"
TAIL_TAGS = {"DT", "JJ", "PDT", "CD", "RB"}
TAIL_NOUNS = {"town", "towns", "city", "cities", "village", "villages", "settlement", "settlements", "of", "district",
              "districts", "township", "hamlet", "as", "well", "also", "along", "with", "such", "including",
              "surrounding", "nearby", "other", "areas", "area"}  # "Palmyra, along with surrounding areas such as X"
DESCRIBING = {"of", "in", "near", "outside", "at", "on"}  # a place after these in a gap describes the member before
MAX_GAP = 12  # tokens between two members
PLACE_HEADS = {"city", "town", "village"}  # "Farah city": a member written with its settlement noun
# "of" after these makes the place a description, never a member: "the capital of Baghlan province", "the
# southwestern province of Nimruz", "just south of Khartoum", "much of Aleppo"
OF_DESCRIBES = {"capital", "capitals", "province", "provinces", "region", "state", "governorate", "oblast", "district",
                "governor", "outskirts", "north", "south", "east", "west", "northeast", "northwest", "southeast",
                "southwest", "much", "most", "part", "parts", "all", "some", "half", "areas", "cities"}


def _verb(tok: Token) -> bool:
    return (tok.tag_.startswith("VB") or tok.tag_ == "MD") and tok.lower_ not in TAIL_NOUNS  # "including"


def _governor(tok: Token) -> Token | None:
    """The nearest verb above a token in the parse (None for a verbless fragment)."""
    h = tok
    for _ in range(12):
        if h.head is h:
            return h if _verb(h) else None
        h = h.head
        if _verb(h):
            return h
    return None


def _described(doc: Doc, i: int) -> bool:
    """A place only described by the words before it ("the capital of X", "much of X"), or under a capital word
    ("the provincial capitals of Kandahar, Helmand ...": the frames read the capitals, not the provinces)."""
    j = i - 1
    while j > 0 and (doc[j].tag_ in ("JJ", "CC") or doc[j].text == ","):  # "of remote and rugged Badakhshan"
        j -= 1
    if j >= 1 and doc[j].lower_ == "of" and doc[j - 1].lower_ in OF_DESCRIBES:
        return True
    return any(a.lower_ == "of" and (a.head.lower_ in ("capital", "capitals")
                                      or any(c.lower_ == "capital" for c in a.head.children))
               for a in doc[i].ancestors)


def list_groups(doc: Doc, members: list[int], described: AbstractSet[int] = frozenset()) -> list[list[int]]:
    """The place tokens (sorted indices) grouped into lists read from the words between them; a place of
    `described` in a gap ("Pul-e-Khumri, the capital of Baghlan province; and Faizabad") needs a ";" or "and"
    after it (not "of Sar-e-Pul, Takhar, Kunduz provinces": a list inside the description)."""
    groups: list[list[int]] = []
    for i in members:
        if groups:
            last = groups[-1][-1]
            gap = doc[last + 1:i]
            seps = [t.i for t in gap if t.text in SEPARATORS
                    or (t.lower_ == "as" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "well")]
            inner = [t.i for t in gap if t.i in described]
            if inner and not any(t.text == ";" or t.lower_ == "and" for t in doc[max(inner) + 1:i]):
                seps = []
            if gap and seps and len(gap) <= MAX_GAP and not any(_verb(t) or t.lower_ in BREAKS for t in gap):
                tail = doc[max(seps) + 1:i]
                if all(t.tag_ in TAIL_TAGS or t.lower_ in TAIL_NOUNS for t in tail):
                    groups[-1].append(i)
                    continue
            if doc[i - 1].lower_ in DESCRIBING and i - last <= MAX_GAP and not any(
                    _verb(t) or t.lower_ in BREAKS for t in gap):
                continue  # "Pul-e-Khumri, the capital of Baghlan province; and Faizabad": Baghlan describes
        groups.append([i])
    return [g for g in groups if len(g) > 1]


def list_claims(doc: Doc, subjects: dict[int, tuple[str, ...]], skip: AbstractSet[int],
                claims: list[SentenceClaim]) -> list[SentenceClaim]:
    """Claims on the members of a list that the sentence's claims on one member imply (none already read)."""
    if len(subjects) < 2 or not claims:
        return []
    claimed = {n for c in claims for n in [c.subject]}
    described = {i for i in subjects if _described(doc, i)}
    members = sorted(i for i in subjects if not ((doc[i].dep_ == "compound" and doc[i].head.lower_ not in PLACE_HEADS)
                                                 or doc[i].dep_ == "poss" or i in described
                                                 or any(c.dep_ == "case" for c in doc[i].children)))
    out: list[SentenceClaim] = []
    seen: set[tuple[str, str]] = set()
    for group in list_groups(doc, members, described):
        for c in claims:
            mine = [i for i in group if c.subject in subjects[i]]
            if not mine:
                continue
            verb = _governor(doc[mine[0]])
            for i in group:
                name = subjects[i][0]
                if i in mine or i in skip or name in claimed or (name, c.value) in seen:
                    continue
                other = _governor(doc[i])
                if other is not None and verb is not None and other.i != verb.i and \
                        doc[i].dep_ in ("nsubj", "nsubjpass", "dobj", "conj"):
                    continue  # "captured Kunduz, and Herat is expected to fall": another verb's place
                seen.add((name, c.value))
                out.append(replace(c, subject=name))
    return out
