"""Candidates of the learned decision stage and their features (extract/learned.py decides which to keep).

A candidate is (sentence, place, value). The rules' own control claims are candidates; so is, in every parsed
sentence, each place the article's gazetteers found there paired with each side the article can name (the
profile's sides, or without a profile the actors the rules named anywhere in the article) and with
`contested`: what the rules drop (a place too far from its verb, a list they did not follow, a reading they
suppressed) can come back when the model says so, and what they emit can be dropped.

Features are sparse string -> 1.0 (dict-vectorised at training): the rules' path, the nearest predicate word
and its dependency path to the place and to the actor, the place's role and preposition, negation, modality,
attribution and tense marks, the place's kind, the sentence's position, counts in buckets. Never a place,
outlet or actor name, an article id or anything that tells one labelled split from another: the model must
generalise to conflicts and outlets it has not seen.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .events import SentenceClaim
from .model import Profile

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

CONTESTED = "contested"
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_AUX = {"had", "has", "have", "will", "would", "may", "might", "could", "was", "were", "is", "are", "been",
        "be", "'ll", "wo", "shall", "can"}
_MARKS = {"if", "whether", "unless", "after", "since", "before", "until", "while", "as", "when", "because"}
_TIME_PREPS = {"after", "following", "since", "before", "until", "amid", "during", "in", "on", "by"}
_NEG = {"not", "n't", "never", "no"}
# words that often mark background, a report, a denial, an approach or partial control
_CUES = re.compile(r"\b(had|since|until|earlier|previously|again|back|still|denied|claimed|said|reportedly|outskirts"
                   r"|near|around|towards|toward|siege|part|most)\b")
_CLAUSE = {"advcl", "ccomp", "relcl", "parataxis", "acl", "xcomp"}


@dataclass
class Candidate:
    subject: str
    value: str
    features: dict[str, float]
    rule: SentenceClaim | None  # the rules' claim, None for a relaxed candidate
    trigger: str = ""  # the predicate word nearest the place (a relaxed candidate's trigger)


@dataclass
class SentenceInput:
    """What the stage knows of one sentence: its span, the rules' control claims (and which came from the
    phrase lexicon), its parse (None when the pre-filter did not parse it) and the profile's side phrases in it."""
    start: int
    end: int
    headline: bool
    index: int  # position among the article's body sentences (the headline: 0)
    claims: list[SentenceClaim]
    lexicon: set[tuple[str, str]]
    doc: Doc | None
    places: list[tuple[int, int, tuple[str, ...]]]  # place spans in the sentence (document offsets)
    sides: list[tuple[int, int, str]] = field(default_factory=list)  # token spans of the profile's actor phrases
    speaker: bool = False  # the sentence is attributed to a speaker


@dataclass
class ArticleContext:
    profile: Profile | None
    year: int | None
    mention_counts: dict[str, int]
    rule_pairs: set[tuple[str, str]]  # (place, value) the rules emitted anywhere in the article
    rule_places: set[str]
    values: list[str]  # the candidate values of the article (sides or actors, then contested)
    is_area: Callable[[str], bool]
    is_facility: Callable[[str], bool]


@dataclass
class Lexicon:
    """What the features need of the frame rules: a token's lemma and the predicate words' value kinds."""
    lemma: Callable[[Token], str]
    predicates: dict[str, str]  # lemma -> value kind of its first predicate (actor, opponent, contested ...)
    reporting: frozenset[str]
    negating: frozenset[str]
    attempts: frozenset[str]


def _bucket(n: int, cuts: tuple[int, ...] = (0, 1, 2, 3, 5, 8)) -> str:
    for c in cuts:
        if n <= c:
            return str(c)
    return f">{cuts[-1]}"


def _chain(t: Token) -> list[Token]:
    out = [t]
    while out[-1].head.i != out[-1].i and len(out) < 40:
        out.append(out[-1].head)
    return out


def dep_path(a: Token, b: Token) -> tuple[list[str], list[str]] | None:
    """Dependency labels from `a` up to the lowest common ancestor, then down to `b` (None: different trees)."""
    ca, cb = _chain(a), _chain(b)
    pos = {t.i: k for k, t in enumerate(ca)}
    for k, t in enumerate(cb):
        if t.i in pos:
            return [x.dep_ for x in ca[:pos[t.i]]], [x.dep_ for x in reversed(cb[:k])]
    return None


def _path_key(p: tuple[list[str], list[str]] | None) -> str:
    if p is None:
        return "none"
    up, down = p
    return ">".join(up[:4]) + "|" + ">".join(down[-4:])


def value_kind(value: str, profile: Profile | None) -> str:
    if value == CONTESTED:
        return CONTESTED
    if profile is None:
        return "actor"
    if value == profile.attacker:
        return "attacker"
    if value == profile.defender:
        return "defender"
    return "side"


def article_values(profile: Profile | None, rule_values: list[str]) -> list[str]:
    """The values a place can take in the article: the profile's sides, else the actors the rules named."""
    sides = sorted(profile.actors) if profile is not None else sorted(set(rule_values) - {CONTESTED})
    return sides + [CONTESTED]


def _place_token(doc: Doc, base: int, subject: str, places: list[tuple[int, int, tuple[str, ...]]]) -> Token | None:
    """The token of the subject's place mention in the sentence (a facility's: its place's), else a word like it."""
    for ms, me, names in places:
        if subject in names or any(subject.startswith(n + " ") for n in names):
            span = doc.char_span(ms - base, me - base, alignment_mode="expand")
            if span is not None:
                return span.root
    low = subject.lower().split()[0] if subject else ""
    return next((t for t in doc if t.lower_ == low), None)


def _predicates(doc: Doc, lex: Lexicon) -> list[Token]:
    return [t for t in doc if lex.lemma(t) in lex.predicates]


def _cost(p: tuple[list[str], list[str]] | None) -> int:
    """Length of a dependency path; a step across clauses ("seized Ghazni, while Kandahar saw clashes") counts 2."""
    if p is None:
        return 99
    return sum(2 if d in _CLAUSE else 1 for d in p[0] + p[1])


def _nearest(tok: Token, toks: list[Token]) -> tuple[Token | None, tuple[list[str], list[str]] | None]:
    best: tuple[int, int, int] | None = None
    out: tuple[Token | None, tuple[list[str], list[str]] | None] = (None, None)
    for q in toks:
        p = dep_path(tok, q)
        key = (_cost(p), abs(q.i - tok.i), q.i)
        if best is None or key < best:
            best, out = key, (q, p)
    return out


def _sentence_features(si: SentenceInput, ctx: ArticleContext, doc: Doc | None, text: str) -> dict[str, float]:
    f: dict[str, float] = {"headline": float(si.headline), f"sent={_bucket(si.index, (0, 1, 2, 4))}": 1.0,
                           f"places={_bucket(len({n for _, _, ns in si.places for n in ns}), (1, 2, 3, 5))}": 1.0,
                           "generic": float(ctx.profile is None), "speaker": float(si.speaker)}
    years = [int(y) for y in _YEAR.findall(text)]
    if ctx.year is not None and any(y < ctx.year for y in years):
        f["year_before"] = 1.0
    for w in _CUES.findall(text.lower()):
        f["w=" + w] = 1.0
    if doc is None:
        f["noparse"] = 1.0
    if si.claims:
        f["rules_in_sentence"] = 1.0
    return f


def _predicate_features(q: Token, lex: Lexicon) -> dict[str, float]:
    lem = lex.lemma(q)
    f = {f"pred={lem}": 1.0, f"pkind={lex.predicates.get(lem, '')}": 1.0, f"ptag={q.tag_}": 1.0}
    for c in q.children:
        if c.dep_ in ("aux", "auxpass") and c.lower_ in _AUX:
            f[f"aux={c.lower_}"] = 1.0
        if c.dep_ == "neg" or c.lower_ in _NEG:
            f["pred_neg"] = 1.0
        if c.dep_ == "mark" and c.lower_ in _MARKS:
            f[f"mark={c.lower_}"] = 1.0
    h = q.head
    for k, a in enumerate(_chain(q)[1:4]):
        la = lex.lemma(a)
        if la in lex.reporting:
            f["reported"] = 1.0
        if la in lex.negating:
            f["negated_by"] = 1.0
        if la in lex.attempts:
            f["attempt"] = 1.0
        if k == 0 and a.pos_ == "ADP" and a.lower_ in _TIME_PREPS:
            f[f"tprep={a.lower_}"] = 1.0
    f[f"pdep={q.dep_}"] = 1.0
    if h.i != q.i and h.lower_ in ("after", "since", "before", "until"):
        f[f"tprep={h.lower_}"] = 1.0
    return f


def _place_features(p: Token) -> dict[str, float]:
    first = p
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    f = {f"dep={first.dep_}": 1.0, "in_list": float(first.i != p.i or any(c.dep_ == "conj" for c in p.children))}
    if first.dep_ == "pobj":
        f[f"prep={first.head.lower_}"] = 1.0
    if any(c.dep_ == "case" for c in p.children):
        f["possessive"] = 1.0
    if p.head.dep_ == "appos" or p.dep_ == "appos":
        f["appos"] = 1.0
    return f


def sentence_candidates(si: SentenceInput, ctx: ArticleContext, lex: Lexicon, text: str) -> list[Candidate]:
    """The candidates of one sentence with their features (the rules' claims first, in their order)."""
    doc = si.doc
    base = si.start
    sent_f = _sentence_features(si, ctx, doc, text[si.start:si.end])
    preds = _predicates(doc, lex) if doc is not None else []
    sent_f[f"preds={_bucket(len(preds), (0, 1, 2, 3))}"] = 1.0
    by_rule: dict[tuple[str, str], list[SentenceClaim]] = {}
    for c in si.claims:
        by_rule.setdefault((c.subject, c.value), []).append(c)
    pairs: list[tuple[str, str]] = list(by_rule)
    subjects = list(dict.fromkeys(n for _, _, names in si.places for n in names[:1]))
    if doc is not None:
        pairs += [(n, v) for n in subjects for v in ctx.values if (n, v) not in by_rule]
    out: list[Candidate] = []
    place_cache: dict[str, tuple[Token | None, dict[str, float], Token | None]] = {}
    for subject, value in pairs:
        if subject not in place_cache:
            pf: dict[str, float] = {}
            p = _place_token(doc, base, subject, si.places) if doc is not None else None
            q = None
            if p is not None:
                head = p
                while head.dep_ == "conj" and head.head.i != head.i:  # a list shares its first member's predicate
                    head = head.head
                q, path = _nearest(head, preds)
                pf.update(_place_features(p))
                if q is not None:
                    pf.update(_predicate_features(q, lex))
                    pf[f"path={_path_key(path)}"] = 1.0
                    pf[f"plen={_bucket(len(path[0]) + len(path[1]) if path else 99, (1, 2, 3, 4, 6))}"] = 1.0
                    pf[f"tokdist={_bucket(abs(q.i - p.i), (1, 2, 4, 8, 16))}"] = 1.0
                    pf["place_before_pred"] = float(p.i < q.i)
                else:
                    pf["nopred"] = 1.0
            elif doc is not None:
                pf["noplace"] = 1.0
            kind = "facility" if ctx.is_facility(subject) else "area" if ctx.is_area(subject) else "city"
            pf[f"kind={kind}"] = 1.0
            pf[f"mentions={_bucket(ctx.mention_counts.get(subject, 0), (0, 1, 2, 4))}"] = 1.0
            place_cache[subject] = (p, pf, q)
        p, pf, q = place_cache[subject]
        vk = value_kind(value, ctx.profile)
        f = dict(sent_f)
        f.update(pf)
        f[f"v={vk}"] = 1.0
        rules = by_rule.get((subject, value), [])
        if rules:
            r = rules[0]
            path_name = "lex" if (subject, value) in si.lexicon else "parse"
            f[f"rule={path_name}"] = 1.0
            f[f"rule_w={_bucket(int(r.weight * 10), (4, 5, 7, 9, 10))}"] = 1.0
            f["rule_partial"] = float(r.partial)
            f["rule_hedged"] = float(bool(r.hedges))
            f["rule_time"] = float(r.time is not None)
            f[f"rule&v={path_name}&{vk}"] = 1.0
        else:
            f["rule=none"] = 1.0
            f[f"norule&v={vk}"] = 1.0
        if any(c.subject == subject and c.value != value for c in si.claims):
            f["rule_other_value"] = 1.0
        if (subject, value) in ctx.rule_pairs and not rules:
            f["rule_elsewhere"] = 1.0
        if subject in ctx.rule_places and (subject, value) not in ctx.rule_pairs:
            f["rule_place_other_value_only"] = 1.0
        if q is not None:
            f[f"pred&v={lex.lemma(q)}&{vk}"] = 1.0
            f[f"pkind&v={lex.predicates.get(lex.lemma(q), '')}&{vk}"] = 1.0
        f.update(_actor_features(doc, si, value, vk, q, p) if doc is not None else {})
        for k in [k for k in f if k.startswith(("dep=", "prep="))]:
            f[f"{k}&{vk}"] = 1.0
        trigger = q.text if q is not None else (rules[0].trigger if rules else "")
        out += [Candidate(subject, value, f, r, r.trigger) for r in rules] if rules else \
            [Candidate(subject, value, f, None, trigger)]
    return out


def _actor_features(doc: Doc, si: SentenceInput, value: str, vk: str, q: Token | None, p: Token | None
                    ) -> dict[str, float]:
    """Where the value's actor stands: named in the sentence, its role, its path to the predicate."""
    if vk == CONTESTED:
        return {}
    if vk == "actor":  # no profile: the actor's own words are the side
        last = value.split()[-1] if value else ""
        toks = [t for t in doc if t.lower_ == last]
    else:
        toks = [doc[e - 1] for s, e, side in si.sides if side == value]
    others = [doc[e - 1] for s, e, side in si.sides if side != value]
    f: dict[str, float] = {"other_side_named": float(bool(others))}
    if not toks:
        return {**f, "actor_named": 0.0, f"noactor&{vk}": 1.0}
    f["actor_named"] = 1.0
    a = toks[0]
    if q is not None:
        near, path = _nearest(q, toks)
        a = near if near is not None else a
        f[f"apath={_path_key(path)}"] = 1.0
        f[f"adep={a.dep_}"] = 1.0
        f["actor_of_pred"] = float(a.head.i == q.i or (a.head.head.i == q.i and a.head.dep_ in ("agent", "prep")))
        f[f"adep&v={a.dep_}&{vk}"] = 1.0
    if p is not None:
        f["actor_before_place"] = float(a.i < p.i)
    return f


def key_features(per_sentence: list[list[Candidate]]) -> dict[tuple[str, str], tuple[dict[str, float], bool]]:
    """The article's (place, value) keys, each with the union of its candidates' features (a feature holds when
    it holds in one of the sentences), how many sentences and rule claims back it, and whether the rules made
    it. The labels say which (article, place, value) is a claim, not which sentence says it: the model decides
    keys, which is what the labels can teach."""
    feats: dict[tuple[str, str], dict[str, float]] = {}
    counts: dict[tuple[str, str], list[int]] = {}
    for cands in per_sentence:
        for c in cands:
            k = (c.subject, c.value)
            f = feats.setdefault(k, {})
            for name, v in c.features.items():
                f[name] = max(f.get(name, 0.0), v)
            n = counts.setdefault(k, [0, 0])
            n[0] += 1
            n[1] += c.rule is not None
    out: dict[tuple[str, str], tuple[dict[str, float], bool]] = {}
    for k, f in feats.items():
        f[f"sentences={_bucket(counts[k][0], (1, 2, 3, 5))}"] = 1.0
        f[f"rule_claims={_bucket(counts[k][1], (0, 1, 2, 3))}"] = 1.0
        out[k] = (f, counts[k][1] > 0)
    return out
