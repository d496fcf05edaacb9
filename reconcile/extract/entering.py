"""An entry the same sentence says succeeded is no contested claim.

"Entered" or "stormed" alone is fighting inside a place (`contested`, rules/extract/frames.yaml), but the labels'
convention, and a reader's, is that a side that entered a place it then holds holds it: "entered the towns of
Talbiseh and Rastan ... and captured them", "stormed the town soon after the enemy pulled out", "entered the city
..., forcing the government forces to retreat", "entered Hama city ..., leading to the redeployment of its units
outside the city", "capturing several towns, including Sinja, which they entered". When a word of taking or of
the other side's withdrawal is joined to the entering verb in the parse (a conjunct of it, in its clause, or the
clause that holds it), not negated nor said of the entering side itself ("entered the town but later withdrew"),
the contested claim is dropped: the taking gives the side's claim where the frames read it, and no claim is
better than a wrong `contested`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .events import SentenceClaim

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ENTER = {"enter", "storm", "march", "break"}
TAKE = {"capture", "seize", "take", "liberate", "overrun", "recapture", "retake", "free", "clear", "secure"}
WITHDRAW = {"withdraw", "withdrawal", "retreat", "pull", "flee", "redeploy", "redeployment", "abandon", "evacuate"}
FAILED = {"fail", "unable", "try", "attempt", "seek", "plan", "want", "aim"}
PRONOUNS = {"they", "it", "he", "she", "we"}
PARTS = {"side", "sides", "part", "parts", "district", "districts", "neighbourhood", "neighbourhoods", "neighborhood",
         "neighborhoods", "areas", "area", "outskirts", "half", "most", "much", "some", "positions", "quarter"}


def _joined(enter: Token) -> set[int]:
    """The tokens of the entering verb's clause, of the clauses that hold it, and of the verb it is a conjunct of."""
    out = {t.i for t in enter.subtree} | {t.i for t in enter.ancestors}
    if enter.dep_ == "conj":
        out |= {t.i for t in enter.head.subtree}
    return out


def _negated(t: Token) -> bool:
    return any(c.dep_ == "neg" for c in t.children) or any(a.lemma_ in FAILED for a in list(t.ancestors)[:2])


def _subject(t: Token) -> Token | None:
    return next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _partial(t: Token) -> bool:
    """A taking of part of a place: "securing the entire eastern side", "seized major parts of the city"."""
    return any(c.dep_ in ("dobj", "nsubjpass") and c.lower_ in PARTS for c in t.children)


def succeeded(enter: Token, place: str, subjects: dict[int, tuple[str, ...]], lemma: Callable[[Token], str]) -> bool:
    """Does the sentence say that the entry of token `enter` into `place` took it: a joined word of taking (of no
    other place: not "had taken control of Homs, and have entered Damascus"; not of a part) or of the other
    side's withdrawal (from no other place)?"""
    mine = _subject(enter)
    inside = {t.i for t in enter.subtree}
    for i in sorted(_joined(enter) - {enter.i}):
        t = enter.doc[i]
        lem = lemma(t)
        if (lem not in TAKE and lem not in WITHDRAW) or _negated(t) or _partial(t):
            continue
        if lem in WITHDRAW:
            them = _subject(t)
            if them is None or them.lower_ in PRONOUNS or (mine is not None and them.i == mine.i):
                continue  # "entered the town but later withdrew": the entering side left
            preps = {p.lower_ for p in t.children if p.dep_ == "prep"}
            if preps & {"to", "toward", "towards"} and "from" not in preps:
                continue  # "fled toward Jufra": from where, the sentence does not say
            scope = [k for p in t.children if p.dep_ == "prep" and p.lower_ == "from" for k in p.subtree]
        else:
            scope = list(t.subtree)
        if all(k.i in inside or place in subjects.get(k.i, (place,)) for k in scope):
            return True
    return False


def settle_entries(doc: Doc, claims: list[SentenceClaim], subjects: dict[int, tuple[str, ...]],
                   lemma: Callable[[Token], str], contested: str = "contested") -> list[SentenceClaim]:
    """The sentence's claims without the contested ones of an entry the sentence says succeeded."""
    if not any(c.value == contested for c in claims):
        return claims
    entries = [t for t in doc if lemma(t) in ENTER and not _negated(t)]
    if not entries:
        return claims
    return [c for c in claims if not (c.value == contested and any(
        t.text.lower() == c.trigger.lower() and succeeded(t, c.subject, subjects, lemma) for t in entries))]
