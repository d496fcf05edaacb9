"""Who acts in a parsed sentence: the side named by an adjective, the side that reports a clause, an actor's name.

Used by frames.py when the actor phrase itself names no side of the conflict profile: "Russian units" (the
adjective), "Ukraine says troops enter Kherson" (the reporter), "Kyiv denied that ..." (the denier), and,
without a profile, the words that name the actor ("the ethnic Myanmar National Democratic Alliance Army").
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .model import Profile

if TYPE_CHECKING:
    from spacy.tokens import Token


def demonym_side(word: str, profile: Profile) -> str | None:
    """The side whose actor phrases of several words begin with this word ("Russian" -> russia: "Russian
    forces"), when only one side's do ("Syrian": the army and the Syrian National Army -> none)."""
    found = {side for side, phrases in profile.actors.items() for p in phrases
             if " " in p and p.split()[0].lower() == word}
    return found.pop() if len(found) == 1 else None


def name_tokens(head: Token) -> list[Token]:
    """The words naming an actor: its head noun and the modifiers before it ("the ethnic Myanmar National
    Democratic Alliance Army"), not its appositions, clauses or phrases ("..., made up of ...")."""
    out = [head]
    for c in head.lefts:
        if c.dep_ in ("compound", "amod", "nmod"):
            out += name_tokens(c)
    return sorted(out, key=lambda t: t.i)


def subject_side(verb: Token, sides: list[tuple[int, int, str]], profile: Profile | None = None) -> str | None:
    """The side named in the subject of a verb ("Kyiv denied ...", "Ukraine's president said ..."), or by the
    subject's modifier ("rebel spokesperson said", "Russian officials said")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects and verb.dep_ == "conj":  # "the army chief said ... but denied the town had fallen"
        subjects = [c for c in verb.head.children if c.dep_ == "nsubj"]
    for subj in subjects:
        inside = [x for x in sides if x[0] >= subj.left_edge.i and x[1] <= subj.right_edge.i + 1]
        if inside:
            return inside[0][2]
        if profile is not None:
            for c in subj.subtree:  # "rebel spokesperson Hassan Abdul Ghani said"
                side = demonym_side(c.lower_, profile) if c.dep_ in ("compound", "amod") else None
                if side:
                    return side
    return None


def reporting_side(tok: Token, sides: list[tuple[int, int, str]], lemma: Callable[[Token], str],
                   report_lemmas: set[str], profile: Profile | None = None) -> str | None:
    """The side that reports the clause of `tok` ("Ukraine's president said ... units have entered", "'We
    were able to liberate ...,' said rebel spokesperson ...")."""
    h, steps = tok, 0
    while h.dep_ in ("pobj", "prep", "attr", "dobj") and not h.tag_.startswith("VB") and h.head is not h \
            and steps < 3:  # '"X is under our control," the spokesman said': from the noun to its verb
        h, steps = h.head, steps + 1
    steps = 0
    while h.dep_ in ("ccomp", "xcomp", "conj", "advcl", "acomp") and h.head is not h and steps < 5:
        h, steps = h.head, steps + 1
        if lemma(h) in report_lemmas:
            return subject_side(h, sides, profile)
    return None
