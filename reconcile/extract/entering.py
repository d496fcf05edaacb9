"""An entry the same sentence says succeeded is no contested claim.

"Entered" or "stormed" alone is fighting inside a place (`contested`, rules/extract/frames.yaml), but the labels'
convention, and a reader's, is that a side that entered a place it then holds holds it: "entered the towns of
Talbiseh and Rastan ... and captured them", "stormed the town soon after the enemy pulled out", "entered the city
..., forcing the government forces to retreat", "entered Hama city ..., leading to the redeployment of its units
outside the city", "capturing several towns, including Sinja, which they entered". When a word of taking or of
the other side's withdrawal is joined to the entering verb in the parse (a conjunct of it, in its clause, or the
clause that holds it), not negated nor said of the entering side itself ("entered the town but later withdrew"),
the contested claim becomes the entering side's (the side its subject names; for "they", the side named last
before it), or is dropped when no side is known: no claim is better than a wrong `contested`. A taking of another
place ("had taken control of Homs, and have entered Damascus") or of a part ("securing the entire eastern side",
"taking control of some districts") leaves the entry contested, and so does a flight "toward" somewhere.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
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


def _partial(t: Token, enter: Token) -> bool:
    """A taking of part of a place: "securing the entire eastern side", "seized major parts of the city", "taking
    control of some districts" (words of the taking's phrase, not of an entry it holds)."""
    own = {k.i for k in enter.subtree} if t.is_ancestor(enter) else set()
    return any(k.lower_ in PARTS for k in t.subtree if k.i not in own)


def succeeded(enter: Token, place: str, subjects: dict[int, tuple[str, ...]], lemma: Callable[[Token], str]) -> bool:
    """Does the sentence say that the entry of token `enter` into `place` took it: a joined word of taking (of no
    other place: not "had taken control of Homs, and have entered Damascus"; not of a part) or of the other
    side's withdrawal (from no other place)?"""
    mine = _subject(enter)
    inside = {t.i for t in enter.subtree}
    for i in sorted(_joined(enter) - {enter.i}):
        t = enter.doc[i]
        lem = lemma(t)
        if (lem not in TAKE and lem not in WITHDRAW) or _negated(t) or _partial(t, enter):
            continue
        if lem in TAKE:
            took = _subject(t)
            if took is not None and (mine is None or took.i != mine.i):
                continue  # "recaptured the buildings after Taliban fighters stormed it": another's taking
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
                   lemma: Callable[[Token], str], side_of: Callable[[Token], str | None] = lambda t: None,
                   contested: str = "contested") -> list[SentenceClaim]:
    """The sentence's claims with the contested ones of an entry the sentence says succeeded given to the entering
    side (`side_of` its subject: "they entered the towns of X and Y and captured them"), or dropped when the side
    is not known."""
    if not any(c.value == contested for c in claims):
        return claims
    entries = [t for t in doc if lemma(t) in ENTER and not _negated(t)]
    if not entries:
        return claims
    out: list[SentenceClaim] = []
    for c in claims:
        done = [t for t in entries if c.value == contested and t.text.lower() == c.trigger.lower()
                and succeeded(t, c.subject, subjects, lemma)]
        if not done:
            out.append(c)
            continue
        who = _subject(done[0])
        side = side_of(who) if who is not None else None
        if side and not any(k.subject == c.subject and k.value == side for k in claims):
            out.append(replace(c, value=side))
    return out


def subject_side(tok: Token, sides: list[tuple[int, int, str]], side_before: Callable[[int], str | None]) -> str | None:
    """The side a subject names: a side phrase over it or its head noun's compounds, or for a pronoun the side named
    last before it in the text (`side_before`, by character offset in the sentence)."""
    for a, b, side in sides:
        if a <= tok.i < b:
            return side
    return side_before(tok.idx) if tok.lower_ in PRONOUNS else None
