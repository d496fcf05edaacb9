"""Text-level copy evidence between outlets: shared passages and explicit attribution.

Computed over the unique articles of a feed (after the within-feed dedup of articles.group_copies), for
pairs of articles from DIFFERENT outlets; repeats inside one outlet are never reported here.

- Shared passage: word 8-shingles (lower case, punctuation folded: quotes, apostrophes and hyphens are
  separators, so curly and straight quotes compare equal). An inverted index maps each shingle hash to the
  articles holding it; shingles held by more than MAX_ARTICLES_PER_SHINGLE articles are boilerplate and
  ignored, so the cost stays near-linear in the feed size. A pair sharing at least MIN_SHARED shingles is
  reported once, with its longest shared passage (text of article_a) and `score` = shared shingles / the
  shingles of the shorter text.
- Attribution: an article of outlet X credits outlet Y ("told Y", "according to Y", "Y reported",
  "Y news agency reported", "Y said"), Y a known outlet of the rules (extract.outlets: name and aliases),
  Y != X. One row per (article, credited outlet), score 1.0; article_b is the Y article it shares the most
  text with, or "" when it shares none (Y need not be in the feed at all).
- direction: "X <- Y" (X repeats or credits Y). For shared passages: from an attribution between the two
  articles' outlets, else from publication dates (the later repeats the earlier), else "" (unknown).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pandas as pd

from .articles import Article
from .model import ExtractRules
from .textutil import phrase_regex

COLUMNS = ["source_a", "source_b", "evidence", "detail", "article_a", "article_b", "score", "direction"]
SHINGLE_WORDS = 8
MIN_SHARED = 3  # shared shingles a pair needs
MAX_ARTICLES_PER_SHINGLE = 50  # shingles in more articles are boilerplate
DETAIL_CHARS = 160
MAX_POSITIONS = 20  # occurrences of one shingle per article used to find the longest passage
# How an article credits outlet Y ({Y}: the outlet's name or an alias, longest first).
CREDIT = [r"\btold\s+(?:the\s+)?(?:{Y})", r"\baccording\s+to\s+(?:the\s+)?(?:{Y})",
          r"(?:{Y})(?:\s+news\s+agency)?\s+(?:reported|reports|said|says)\b"]

_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _shingle_positions(toks: list[re.Match[str]], k: int) -> dict[int, list[int]]:
    low = [t.group(0).casefold() for t in toks]
    pos: dict[int, list[int]] = defaultdict(list)
    for i in range(len(low) - k + 1):
        pos[hash(tuple(low[i:i + k]))].append(i)
    return pos


def _clip(text: str, n: int = DETAIL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def _credit_regexes(rules: ExtractRules) -> list[tuple[str, list[str], re.Pattern[str]]]:
    """(outlet, lower-case names for a quick pre-check, regex of the credit phrases) per known outlet."""
    out = []
    for o in rules.outlets:
        names = sorted({o.name, *o.aliases}, key=lambda s: (-len(s), s))
        alt = "|".join(phrase_regex(n).pattern for n in names)
        plain = [next(iter(re.findall(r"\w+", n.lower())), "") for n in names if not n.startswith("re:")]
        out.append((o.name, plain if len(plain) == len(names) else [""],
                    re.compile("|".join("(?:" + p.format(Y=alt) + ")" for p in CREDIT), re.IGNORECASE)))
    return out


def attributions(art: Article, regexes: list[tuple[str, list[str], re.Pattern[str]]]) -> dict[str, list[str]]:
    """Outlet -> the phrases (in text order, distinct) by which `art` credits another known outlet."""
    found: dict[str, list[str]] = {}
    text = art.text
    low = text.lower()
    for name, plain, rx in regexes:
        if name == art.outlet or not any(w in low for w in plain):
            continue
        for m in rx.finditer(text):
            phrase = " ".join(m.group(0).split())
            if phrase not in found.setdefault(name, []):
                found[name].append(phrase)
    return {k: v for k, v in found.items() if v}


def _longest_run(pa: dict[int, list[int]], pb: dict[int, list[int]], shared: set[int]) -> tuple[int, int]:
    """(first shingle index in a, number of consecutive shingles) of the longest passage shared with b."""
    diag: dict[int, set[int]] = defaultdict(set)
    for h in shared:
        for i in pa[h][:MAX_POSITIONS]:
            for j in pb[h][:MAX_POSITIONS]:
                diag[i - j].add(i)
    best = (0, 0)
    for d in sorted(diag):
        idx = sorted(diag[d])
        start = prev = idx[0]
        for nxt in [*idx[1:], None]:
            if nxt is not None and nxt == prev + 1:
                prev = nxt
                continue
            if prev - start + 1 > best[1] or (prev - start + 1 == best[1] and start < best[0]):
                best = (start, prev - start + 1)
            if nxt is not None:
                start = prev = nxt
    return best


def source_overlap(articles: list[Article], rules: ExtractRules, k: int = SHINGLE_WORDS, min_shared: int = MIN_SHARED,
                   max_articles: int = MAX_ARTICLES_PER_SHINGLE) -> pd.DataFrame:
    """Cross-outlet copy evidence among unique articles (see the module docstring); deterministic order."""
    arts = sorted((a for a in articles if a.outlet), key=lambda a: a.article_id)
    toks = [_tokens(a.text) for a in arts]
    pos = [_shingle_positions(t, k) for t in toks]
    index: dict[int, list[int]] = defaultdict(list)
    for n, p in enumerate(pos):
        for h in p:
            index[h].append(n)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for h, holders in index.items():
        if len(holders) < 2 or len(holders) > max_articles:
            continue
        for x, a in enumerate(holders):
            for b in holders[x + 1:]:
                if arts[a].outlet != arts[b].outlet:
                    counts[(a, b)] += 1
    regexes = _credit_regexes(rules)
    credits = [attributions(a, regexes) for a in arts]
    rows: list[dict[str, Any]] = []
    best_partner: dict[tuple[int, str], tuple[tuple[float, int], str]] = {}
    for (a, b), n in counts.items():
        if n < min_shared:
            continue
        if (arts[a].outlet or "") > (arts[b].outlet or ""):  # every article here has an outlet
            a, b = b, a
        shared = {h for h in pos[a] if h in pos[b] and 1 < len(index[h]) <= max_articles}
        start, run = _longest_run(pos[a], pos[b], shared)
        s, e = toks[a][start].start(), toks[a][start + run + k - 2].end()
        score = round(len(shared) / max(1, min(len(pos[a]), len(pos[b]))), 4)
        A, B = arts[a], arts[b]
        if B.outlet in credits[a] and A.outlet not in credits[b]:
            direction = f"{A.outlet} <- {B.outlet}"
        elif A.outlet in credits[b] and B.outlet not in credits[a]:
            direction = f"{B.outlet} <- {A.outlet}"
        elif A.published_at and B.published_at and A.published_at != B.published_at:
            late, early = (A, B) if A.published_at > B.published_at else (B, A)
            direction = f"{late.outlet} <- {early.outlet}"
        else:
            direction = ""
        rows.append({"source_a": A.outlet, "source_b": B.outlet, "evidence": "shared passage",
                     "detail": _clip(A.text[s:e]), "article_a": A.article_id, "article_b": B.article_id,
                     "score": score, "direction": direction})
        for x, y in ((a, b), (b, a)):
            y_outlet = arts[y].outlet
            if y_outlet is not None and y_outlet in credits[x]:
                key = (x, y_outlet)
                if key not in best_partner or (score, -y) > best_partner[key][0]:
                    best_partner[key] = ((score, -y), arts[y].article_id)
    for x, credited in enumerate(credits):
        X = arts[x]
        for y_name, phrases in credited.items():
            partner = best_partner.get((x, y_name), (None, ""))[1]
            first_is_x = (X.outlet or "") < y_name
            rows.append({"source_a": X.outlet if first_is_x else y_name,
                         "source_b": y_name if first_is_x else X.outlet, "evidence": "attribution",
                         "detail": _clip("; ".join(phrases)),
                         "article_a": X.article_id if first_is_x else partner,
                         "article_b": partner if first_is_x else X.article_id,
                         "score": 1.0, "direction": f"{X.outlet} <- {y_name}"})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out = out.sort_values(["source_a", "source_b", "evidence", "article_a", "article_b", "detail"], kind="stable")
    return out.reset_index(drop=True)
