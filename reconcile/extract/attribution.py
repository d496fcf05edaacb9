"""Who says it: find the attribution frame of a sentence ("X said", "X told Reuters", "said the official",
"according to X", "<outlet> reported") and resolve X to a speaker with role and affiliation.

The speaker's words are the rest of the sentence; sentences inside a quotation with no frame of their own
take the speaker of the nearest framed sentence of the same paragraph. Sentences with no frame are the
outlet's own voice (speaker empty).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .articles import outlet_named
from .model import ExtractRules
from .textutil import find_phrases, phrase_regex

_FRAME_TAIL = re.compile(r"(?:,?\s+(?:on\s+\w+day|in\s+a\s+statement|on\s+condition\s+of\s+anonymity|too|also|"
                         r"in\s+an\s+interview|by\s+phone|by\s+telephone))*(?:\s+that\b)?", re.IGNORECASE)
_LEAD = re.compile(r"^(?:earlier|later|but|and|meanwhile|however|separately)\s*,?\s+", re.IGNORECASE)
_TRAIL = re.compile(r"(?:\s*,)?\s+(?:too|also|has|have|had)\s*$|[\s,:;\"“”']+$", re.IGNORECASE)
_CAP = re.compile(r"[A-Z][\w'’-]*")


@dataclass
class Speaker:
    name: str = ""  # empty: the outlet's own voice
    role: str = ""
    affiliation: str = ""
    derived_from: str = ""


@dataclass
class Frame:
    start: int
    end: int
    speaker: Speaker


@dataclass
class SpeakerMemory:
    """Speakers met so far in an article, for 'he said', 'the official' and 'Shams said'."""
    seen: list[Speaker] = field(default_factory=list)

    def last(self, word: str | None = None) -> Speaker | None:
        for s in reversed(self.seen):
            if word is None or word in f"{s.name} {s.role}".lower():
                return s
        return None


_QUOTE_MARK = re.compile('[“”"]')


def quoted_regions(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans inside quotation marks within a paragraph; an unclosed quotation runs to its end."""
    out, open_at = [], None
    for m in _QUOTE_MARK.finditer(text, lo, hi):  # only the quotation marks, not every character
        i, c = m.start(), m.group(0)
        if c == "“" or (c == '"' and open_at is None):
            if open_at is None:
                open_at = i
        elif c in "”\"" and open_at is not None:
            out.append((open_at, i + 1))
            open_at = None
    if open_at is not None:
        out.append((open_at, hi))
    return out


def _inside(pos: int, regions: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in regions)


def _person_name(np: str, rules: ExtractRules) -> str | None:
    stop = {w.lower() for w in rules.speakers.name_stopwords}
    best: list[str] = []
    run: list[str] = []
    for tok in re.findall(r"[\w'’-]+|[^\w\s]", np):
        if _CAP.fullmatch(tok) and tok.lower() not in stop and not tok.isupper():
            run.append(tok)
        else:
            if len(run) > len(best):
                best = run
            run = []
    if len(run) > len(best):
        best = run
    return " ".join(best) if best else None


def _single_names(np: str, rules: ExtractRules) -> list[str]:
    stop = {w.lower() for w in rules.speakers.name_stopwords}
    return [t for t in re.findall(r"[\w'’-]+", np) if _CAP.fullmatch(t) and t.lower() not in stop]


def resolve_speaker(np: str, sentence: str, article_outlet: str | None, rules: ExtractRules,
                    memory: SpeakerMemory) -> Speaker | None:
    sp = rules.speakers
    np = _TRAIL.sub("", _LEAD.sub("", np.strip(" ,\"“”'"))).strip()
    if not np:
        return None
    low = np.lower()
    outlet = outlet_named(np, rules)
    if outlet and len(np.split()) <= 5:  # "<outlet> reported": own voice or another outlet's
        return Speaker(derived_from="" if outlet == article_outlet else outlet)
    if low in [p.lower() for p in sp.pronouns]:
        prev = memory.last()
        return Speaker(prev.name, prev.role, prev.affiliation) if prev else Speaker("unidentified speaker")
    for ref in sp.back_references:
        if low == ref.lower():
            prev = memory.last(ref.split()[-1].lower()) or memory.last()
            return Speaker(prev.name, prev.role, prev.affiliation) if prev else Speaker(np)
    role = next((r for r in sp.roles if any(phrase_regex(p).search(np) for p in r.phrases)), None)
    person = next((p for p in sp.people if phrase_regex(p.name).search(np)
                   or any(phrase_regex(t).search(np) for t in p.titles)), None)
    name = person.name if person else _person_name(np, rules)
    if name and not person and len(name.split()) == 1:  # one word: only a surname met before ("Shams said")
        name = None
        for word in _single_names(np, rules):
            prev = next((s for s in reversed(memory.seen) if s.name.split()[-1:] == [word]), None)
            if prev:
                return Speaker(prev.name, prev.role, prev.affiliation)
            person = next((p for p in sp.people if p.name.split()[-1] == word), None)
            if person:
                name = person.name
                break
    if person and not role:
        return Speaker(person.name, person.role, person.affiliation)
    if role:
        if name:
            return Speaker(name, role.role, role.affiliation)
        anonymous = any(phrase_regex(a).search(sentence) for a in sp.anonymity)
        label = f"{sp.anonymous_prefix} {role.label}" if anonymous else role.label
        return Speaker(label, role.role, role.affiliation)
    if name:
        return Speaker(name)
    return Speaker(re.sub(r"^(?:the|a|an)\s+", "", np, flags=re.IGNORECASE))


def find_frame(text: str, s: int, e: int, regions: list[tuple[int, int]], article_outlet: str | None,
               rules: ExtractRules, memory: SpeakerMemory) -> list[Frame]:
    """Attribution frames of the sentence text[s:e] (outside quotations), first resolvable one first."""
    sp = rules.speakers
    verbs = [(v, "say") for v in sp.verbs] + [(v, "self") for v in sp.self_verbs]
    frames = []
    sentence = text[s:e]
    for hit in find_phrases(text, verbs, s, e):
        if _inside(hit.start, regions):
            continue
        before_q = max([b for a, b in regions if b <= hit.start and a >= s] + [s])
        pre = text[before_q:hit.start]
        fstart, fend, np = before_q, hit.end, pre
        if hit.key == "self":
            outlet = outlet_named(pre[-60:], rules)
            if not outlet:
                continue
            named = list(find_phrases(pre, [(a, o.name) for o in rules.outlets for a in [o.name] + o.aliases]))
            fstart = before_q + named[-1].start
            frames.append(Frame(fstart, fend, Speaker(derived_from="" if outlet == article_outlet else outlet)))
            continue
        derived = ""
        if hit.text.lower() == "told":
            rest = text[hit.end:e]
            m = re.match(r"\s+([A-Z][\w.&' -]{1,40}?)(?=\s+(?:the|that|a|an|it|he|she|they)\b|[.,;:]|$)", rest)
            outlet = outlet_named(m.group(1), rules) if m else None
            if outlet and m:
                fend = hit.end + m.end()
                derived = "" if outlet == article_outlet else outlet
        if hit.text.lower() == "according to" or not pre.strip(" ,\"“”'"):
            fstart = hit.start if hit.text.lower() == "according to" else fstart
            m = re.match(r"\s*([^,.;:\"“”]{1,60})", text[fend:e])
            np = m.group(1) if m else ""
            fend = fend + (m.end() if m else 0)
        elif len(pre.split()) > 25:
            continue
        tail = _FRAME_TAIL.match(text, fend, e)
        fend = tail.end() if tail else fend
        who = resolve_speaker(np, sentence, article_outlet, rules, memory)
        if who is None:
            continue
        who.derived_from = who.derived_from or derived
        frames.append(Frame(fstart, fend, who))
        if who.name and who.name != "unidentified speaker":
            memory.seen.append(who)
    return frames
