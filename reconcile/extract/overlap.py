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
from itertools import accumulate
from typing import Any

import numpy as np
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


_SPLIT = re.compile(r"([^\W_]+)")  # split(): separators and tokens alternate (tokens at odd places)


def _token_offsets(text: str) -> list[int]:
    """Offsets of the pieces of re.split(text) (separators and tokens alternate: token t starts at offsets[2t+1]
    and ends at offsets[2t+2]); lengths summed in C instead of one Match object per token."""
    return list(accumulate(map(len, _SPLIT.split(text)), initial=0))


def _shingle_hashes(text: str, k: int) -> np.ndarray:
    """Hash of the word k-shingle starting at each token of `text` (words case-folded), in text order."""
    low = [t.casefold() for t in _TOKEN.findall(text)]
    n = max(0, len(low) - k + 1)
    return np.fromiter((hash(tuple(low[i:i + k])) for i in range(n)), dtype=np.int64, count=n)


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct sorted keys, index of each key's first row, rows per key) of an already sorted key array."""
    if not len(keys):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[first], first, np.diff(np.r_[first, len(keys)])


def _shared_pairs(holders: np.ndarray, outlet: np.ndarray, n_arts: int, min_shared: int,
                  max_articles: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`holders`: shingle * n_arts + article, sorted and distinct (the inverted index shingle -> articles).
    Pairs of articles (a < b) of different outlets sharing at least `min_shared` shingles held by at most
    `max_articles` articles: (a, b, shared shingle count) per pair, and (pair, shingle) per shared shingle.

    From the inverted index (shingle -> its articles), all pairs of a shingle's holders at once: the holders of
    the shingles held by m articles form an (shingles x m) array, whose column pairs i < j are the pairs."""
    h_of, a_of = holders // n_arts, holders % n_arts
    keys, first, count = _groups(h_of)
    pa, pb, ph = [], [], []
    for m in range(2, max_articles + 1):
        sel = count == m
        if not sel.any():
            continue
        rows = a_of[first[sel][:, None] + np.arange(m)]
        i, j = np.triu_indices(m, 1)
        pa.append(rows[:, i].ravel())
        pb.append(rows[:, j].ravel())
        ph.append(np.repeat(keys[sel], len(i)))
    if not pa:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, np.zeros((0, 2), dtype=np.int64)
    a, b, h = np.concatenate(pa), np.concatenate(pb), np.concatenate(ph)
    cross = outlet[a] != outlet[b]
    key = a[cross] * n_arts + b[cross]
    h = h[cross]
    order = np.argsort(key, kind="stable")
    key, h = key[order], h[order]
    pkeys, pfirst, pcount = _groups(key)
    keep = pcount >= min_shared
    pair_of_row = np.repeat(np.arange(len(pkeys)), pcount)
    new_id = np.cumsum(keep) - 1
    rows_kept = keep[pair_of_row]
    incidence = np.stack([new_id[pair_of_row[rows_kept]], h[rows_kept]], axis=1)
    pk = pkeys[keep]
    return pk // n_arts, pk % n_arts, pcount[keep], incidence


def _longest_runs(n_pairs: int, inc_pair: np.ndarray, occ_a: tuple[np.ndarray, np.ndarray],
                  occ_b: tuple[np.ndarray, np.ndarray], occ_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: (first shingle index in a, number of consecutive shingles) of the longest passage shared with
    b (ties: the earliest in a). A shared passage is a run of consecutive positions i in a on one diagonal
    i - j (j the position in b) of the shared shingles' occurrences (at most MAX_POSITIONS per article)."""
    (sa, ca), (sb, cb) = occ_a, occ_b
    per = ca * cb
    total = int(per.sum())
    inc = np.repeat(np.arange(len(per)), per)
    within = np.arange(total) - np.repeat(np.cumsum(per) - per, per)
    i = occ_pos[sa[inc] + within // cb[inc]]
    j = occ_pos[sb[inc] + within % cb[inc]]
    p, d = inc_pair[inc], i - j
    order = np.lexsort((i, d, p))
    p, d, i = p[order], d[order], i[order]
    distinct = np.r_[True, (p[1:] != p[:-1]) | (d[1:] != d[:-1]) | (i[1:] != i[:-1])]
    p, d, i = p[distinct], d[distinct], i[distinct]
    new_run = np.r_[True, (p[1:] != p[:-1]) | (d[1:] != d[:-1]) | (i[1:] != i[:-1] + 1)]
    run_len = np.bincount(np.cumsum(new_run) - 1)
    run_pair, run_start = p[new_run], i[new_run]
    best = np.lexsort((run_start, -run_len, run_pair))
    firsts = best[np.r_[True, run_pair[best][1:] != run_pair[best][:-1]]]
    start, length = np.zeros(n_pairs, dtype=np.int64), np.zeros(n_pairs, dtype=np.int64)
    start[run_pair[firsts]], length[run_pair[firsts]] = run_start[firsts], run_len[firsts]
    return start, length


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


def source_overlap(articles: list[Article], rules: ExtractRules, k: int = SHINGLE_WORDS, min_shared: int = MIN_SHARED,
                   max_articles: int = MAX_ARTICLES_PER_SHINGLE) -> pd.DataFrame:
    """Cross-outlet copy evidence among unique articles (see the module docstring); deterministic order."""
    return pd.DataFrame(overlap_records(articles, rules, k, min_shared, max_articles), columns=COLUMNS)


def overlap_records(articles: list[Article], rules: ExtractRules, k: int = SHINGLE_WORDS,
                    min_shared: int = MIN_SHARED, max_articles: int = MAX_ARTICLES_PER_SHINGLE) -> list[dict[str, Any]]:
    """source_overlap's rows as records, sorted by source_a, source_b, evidence, article_a, article_b, detail.

    The pair search runs on numpy arrays over the whole feed (one inverted index, all pairs of a shingle's
    holders at once, all longest passages at once): no Python loop over pairs or shingles."""
    arts = sorted((a for a in articles if a.outlet), key=lambda a: a.article_id)
    hashes = [_shingle_hashes(a.text, k) for a in arts]
    lens = np.array([len(h) for h in hashes], dtype=np.int64)
    _, hid = np.unique(np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.int64), return_inverse=True)
    hid = hid.astype(np.int64)
    art = np.repeat(np.arange(len(arts), dtype=np.int64), lens)
    pos = np.arange(len(hid), dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
    rank = {o: r for r, o in enumerate(sorted({a.outlet or "" for a in arts}))}
    outlet = np.array([rank[a.outlet or ""] for a in arts], dtype=np.int64)
    n_arts = max(1, len(arts))
    holders = np.unique(hid * n_arts + art)  # (shingle, article), each once, sorted by shingle then article
    distinct = np.bincount(holders % n_arts, minlength=len(arts)).tolist()  # the shingles of each article
    pa, pb, shared, incidence = _shared_pairs(holders, outlet, n_arts, min_shared, max_articles)
    swap = outlet[pa] > outlet[pb]  # a: the pair's article of the first outlet in name order
    pa, pb = np.where(swap, pb, pa), np.where(swap, pa, pb)
    # occurrences (article, shingle) -> their first MAX_POSITIONS positions, as slices of one array
    n_h = int(hid.max()) + 1 if len(hid) else 1
    okey = art * n_h + hid  # already in (article, position) order: sort by key, positions stay in order
    order = np.argsort(okey, kind="stable")
    okey, opos = okey[order], pos[order]
    gkey, gfirst, gcount = _groups(okey)
    gcount = np.minimum(gcount, MAX_POSITIONS)

    def slices(who: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        g = np.searchsorted(gkey, who[incidence[:, 0]] * n_h + incidence[:, 1])
        return gfirst[g], gcount[g]

    start, run = _longest_runs(len(pa), incidence[:, 0], slices(pa), slices(pb), opos) if len(pa) else (pa, pa)
    offsets: dict[int, list[int]] = {}
    regexes = _credit_regexes(rules)
    credits = [attributions(a, regexes) for a in arts]
    rows: list[dict[str, Any]] = []
    best_partner: dict[tuple[int, str], tuple[tuple[float, int], str]] = {}
    for a, b, n, first, length in zip(pa.tolist(), pb.tolist(), shared.tolist(), start.tolist(), run.tolist()):
        if a not in offsets:
            offsets[a] = _token_offsets(arts[a].text)
        s, e = offsets[a][2 * first + 1], offsets[a][2 * (first + length + k - 2) + 2]
        score = round(n / max(1, min(distinct[a], distinct[b])), 4)
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
    rows.sort(key=lambda r: (r["source_a"], r["source_b"], r["evidence"], r["article_a"], r["article_b"],
                             r["detail"]))
    return rows
