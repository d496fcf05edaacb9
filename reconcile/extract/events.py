"""Claims of one sentence: event phrases and quantities, their subjects, values, hedges, negation, time."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .matching import Gazetteer, Mention
from .modality import Modality
from .model import Event, ExtractRules
from .textutil import Hit, find_phrases, phrase_regex, word_count_between
from .timex import TimeSpan, find_times

_COORD = re.compile(r"^\s*(?:,\s*)?(?:and|or|as\s+well\s+as|,)\s+(?:[\w'’-]+\s+){0,4}$", re.IGNORECASE)
_PARTICIPLE = re.compile(r"\s*\w+ing\b")
MAX_OBJECT_GAP_WORDS = 4


@dataclass
class SentenceClaim:
    subject: str
    attribute: str
    value: str
    weight: float
    trigger: str
    hedges: list[str] = field(default_factory=list)
    partial: bool = False
    negated: bool = False
    bound: str = ""
    time: TimeSpan | None = None
    via: str = ""  # the facility a claim on its containing place was derived from (containment.py)


class SentenceExtractor:
    """Compiled lexicon, applied one sentence at a time."""

    def __init__(self, rules: ExtractRules, gazetteer: Gazetteer):
        self.rules = rules
        self.gaz = gazetteer
        self.event_items = [(p, i) for i, ev in enumerate(rules.events) for p in ev.phrases]
        self.hedge_items = [(p, i) for i, h in enumerate(rules.hedges) for p in h.phrases]
        self.neg_items = [(p, p) for p in rules.negation.cues]
        self.bound_items: list[tuple[str, str]] = [(p, b) for b, ps in rules.bounds.items() for p in ps]
        self.boundaries = [re.compile(b, re.IGNORECASE) for b in rules.clause_boundaries]
        self.modality = Modality(rules.frames) if rules.frames is not None else None

    def clauses(self, text: str, s: int, e: int) -> list[tuple[int, int]]:
        cuts = {s, e}
        for rx in self.boundaries:
            for m in rx.finditer(text, s, e):
                cuts.update((m.start(), m.end()))
        pts = sorted(cuts)
        return [(a, b) for a, b in zip(pts, pts[1:]) if b > a]

    @staticmethod
    def _clause_of(pos: int, clauses: list[tuple[int, int]]) -> tuple[int, int]:
        for a, b in clauses:
            if a <= pos < b:
                return a, b
        return clauses[-1]

    def _objects(self, text: str, trig: Hit[int], clause: tuple[int, int], ments: list[Mention]) -> list[Mention]:
        # a possessive place only modifies what follows ("took over Badakhshan's Faizabad city")
        after = [m for m in ments if m.start >= trig.end and m.end <= clause[1] and not m.possessive]
        if not after or word_count_between(text, trig.end, after[0].start) > MAX_OBJECT_GAP_WORDS:
            return []
        if self.modality is not None and self.modality.edge_gap(text[trig.end:after[0].start]):
            return []  # "entered the outskirts of Kandahar": nothing about Kandahar (modality.py)
        out = [after[0]]
        for m in after[1:]:
            if _COORD.match(text[out[-1].end:m.start]):
                out.append(m)
            else:
                break
        return out

    def _subjects(self, text: str, trig: Hit[int], ev: Event, clause: tuple[int, int], sent: tuple[int, int],
                  ments: list[Mention]) -> list[Mention]:
        before_sent = [m for m in ments if m.end <= trig.start and m.start >= sent[0]]
        if ev.subject == "in_phrase":
            m = re.compile(ev_regex(trig, ev), re.IGNORECASE).match(text, trig.start)
            if not m or m.start("subj") < 0:
                return []
            return [x for x in ments if x.start < m.end("subj") and x.end > m.start("subj")][:1]
        if ev.subject == "subject":
            cands = [m for m in before_sent if m.start >= clause[0] and not m.possessive]
            return cands[:1]
        if re.match(r"\s+it\b", text[trig.end:trig.end + 4]):  # "stormed it": the nearest entity before
            return before_sent[-1:]
        objs = self._objects(text, trig, clause, ments)
        if not objs and ev.subject == "object_or_previous":
            return before_sent[-1:]
        return objs

    def _value(self, text: str, trig: Hit[int], ev: Event, clause: tuple[int, int], sent: tuple[int, int]
               ) -> str | None:
        if ev.value is not None:
            return ev.value
        if ev.actor == "before":
            hits = [h for h in self.gaz.actors(text, clause[0], trig.start)] or \
                   [h for h in self.gaz.actors(text, sent[0], trig.start)]
            if hits:
                return hits[-1].key
        elif ev.actor == "after":
            hits = self.gaz.actors(text, trig.end, clause[1])
            if hits:
                return hits[0].key
        return ev.default_value

    def extract(self, text: str, s: int, e: int, frames: list[tuple[int, int]], mentions: list[Mention],
                anchor: datetime | None, times: list[TimeSpan] | None = None) -> tuple[list[SentenceClaim], int]:
        """Claims of text[s:e] and the number of claims dropped by negation (`times`: the sentence's time
        expressions when the caller has them already)."""
        def free(a: int, b: int) -> bool:
            return all(b <= fa or a >= fb for fa, fb in frames)

        ments = [m for m in mentions if s <= m.start and m.end <= e and free(m.start, m.end)]
        clauses = self.clauses(text, s, e)
        if times is None:
            times = find_times(text, s, e, anchor, self.rules.timex) if anchor else []
        hedges = [h for h in find_phrases(text, self.hedge_items, s, e) if free(h.start, h.end)]
        negs = find_phrases(text, self.neg_items, s, e)
        out: list[SentenceClaim] = []
        dropped = 0
        for trig in find_phrases(text, self.event_items, s, e):
            if not free(trig.start, trig.end):
                continue
            ev = self.rules.events[trig.key]
            clause = self._clause_of(trig.start, clauses)
            subjects = self._subjects(text, trig, ev, clause, (s, e), ments)
            value = self._value(text, trig, ev, clause, (s, e))
            if not subjects or value is None:
                continue
            weight, partial, used, conv = ev.weight, False, [], None
            for h in hedges:
                if clause[0] <= h.start < clause[1]:
                    rule = self.rules.hedges[h.key]
                    weight *= rule.weight
                    partial = partial or rule.partial
                    conv = rule.convert_to or conv
                    used.append(h.text)
            if conv:
                value = conv
            negated = any(n.end <= trig.start and n.start >= clause[0]
                          and word_count_between(text, n.end, trig.start) < self.rules.negation.window_words
                          for n in negs)
            if negated:
                if ev.negated_value is None:
                    dropped += len(subjects)
                    continue
                value = ev.negated_value
            when = _after(text, times, clause, clauses, self._time(text, times, trig, clause))
            for m in subjects:
                for subj in m.entities:
                    out.append(SentenceClaim(subj, ev.attribute, value, round(weight * m.weight, 4),
                                             trig.text, used, partial, negated, "", when))
        out += self._quantities(text, s, e, ments, times, free)
        return _merge(out), dropped

    @staticmethod
    def _time(text: str, times: list[TimeSpan], trig: Hit[int], clause: tuple[int, int]) -> TimeSpan | None:
        """The time expression of the event's clause; a participle clause (", taking over ...") shares the
        time of the clause before it. Otherwise none: a time in another clause is another event's."""
        inside = [t for t in times if clause[0] <= t.start < clause[1]]
        if inside:
            return inside[0]
        if _PARTICIPLE.match(text, clause[0]):
            before = [t for t in times if t.end <= trig.start]
            return before[-1] if before else None
        return None

    def _quantities(self, text: str, s: int, e: int, ments: list[Mention], times: list[TimeSpan],
                    free: Callable[[int, int], bool]) -> list[SentenceClaim]:
        out = []
        for q in self.rules.quantities:
            for m in re.compile(q.pattern).finditer(text, s, e):
                if not free(m.start(), m.end()):
                    continue
                subj = [x for x in ments if not q.subject_types
                        or any(self.gaz.entity[n].type in q.subject_types for n in x.entities)]
                if not subj:
                    continue
                bound = "="
                if m.groupdict().get("bound"):
                    hit = find_phrases(m.group("bound"), self.bound_items)
                    bound = hit[0].key if hit else "="
                value = m.group("value").replace(",", "")
                inside = [t for t in times if m.start() <= t.start < m.end()]
                out.append(SentenceClaim(subj[0].entities[0], q.attribute, value, 1.0, m.group(0), [], False,
                                         False, bound, inside[0] if inside else None))
        return out


def _after(text: str, times: list[TimeSpan], clause: tuple[int, int], clauses: list[tuple[int, int]],
           when: TimeSpan | None) -> TimeSpan | None:
    """Order of events in a sentence: "X ... after Y <time>" - X holds from the end of Y's time on
    ("recaptured government buildings ... after Taliban fighters stormed it overnight")."""
    k = clauses.index(clause) if clause in clauses else -1
    if when is None or k < 0 or k + 1 >= len(clauses):
        return when
    nxt = clauses[k + 1]
    if not text[nxt[0]:nxt[1]].strip().lower().startswith("after"):
        return when
    if text[nxt[0]:nxt[1]].strip().lower() == "after" and k + 2 < len(clauses):  # the cut word on its own
        nxt = (nxt[0], clauses[k + 2][1])
    prior = [t for t in times if nxt[0] <= t.start < nxt[1]]
    if not prior or not (when.valid_from < prior[0].valid_to <= when.valid_to):
        return when
    return TimeSpan(when.start, when.end, f"{when.text}, after {prior[0].text}", prior[0].valid_to, when.valid_to)


def ev_regex(trig: Hit[int], ev: Event) -> str:
    for p in ev.phrases:
        rx = phrase_regex(p)
        if rx.match(trig.text):
            return rx.pattern
    return re.escape(trig.text)


def _merge(claims: list[SentenceClaim]) -> list[SentenceClaim]:
    """One claim per (subject, attribute, value) in a sentence: the strongest wording."""
    best: dict[tuple[str, str, str], SentenceClaim] = {}
    for c in claims:
        k = (c.subject, c.attribute, c.value)
        if k not in best or c.weight > best[k].weight:
            best[k] = c
    return list(best.values())
