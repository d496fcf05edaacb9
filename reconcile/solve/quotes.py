"""Copy evidence from the words of a structured feed: outlets carrying the same quote.

A syndicated story reaches many outlets with its quote word for word; independent reports of one event
quote differently (other words, other speakers, other cuts). So two outlets whose claims carry the same
quote, or nearly the same (one contains at least `CONTAINMENT` of the other's word 4-shingles), repeat one
report: they are judged dependent like outlets sharing a passage in an article feed (`copying.text_pairs`),
and their claims are discounted together with the pairs found from shared values.

Quotes are compared after folding (case, accents, punctuation). Quotes shorter than `MIN_WORDS` words
("no comment", "yes") are left out: anyone could write them. The work is on the distinct quotes only; an
inverted index from shingle to quotes finds the near-identical ones, and shingles held by more than
`MAX_QUOTES_PER_SHINGLE` distinct quotes are boilerplate and ignored, which keeps the cost near-linear.
(Written here rather than with a near-duplicate library: the feeds' quotes are sentences, for which exact
shingle containment on an inverted index is both exact and fast; MinHash sketches would add error for no gain.)
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..values import fold

MIN_WORDS = 6
SHINGLE = 4
CONTAINMENT = 0.8
MAX_QUOTES_PER_SHINGLE = 50
MAX_SOURCES_PER_QUOTE = 200  # a quote carried by more outlets is left out (cost bound), like crowded items
_WORD = re.compile(r"[^\W_]+")
COLUMNS = ["a", "b", "dependence", "shared_items", "evidence"]


def _shingles(words: list[str]) -> set[int]:
    return {hash(tuple(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)}


def quote_clusters(quotes: pd.Series) -> pd.Series:
    """Distinct quote text -> cluster id (near-identical quotes share one); -1 for quotes too short to judge."""
    words = [_WORD.findall(fold(q)) for q in quotes]
    normal = [" ".join(w) for w in words]
    cluster = np.full(len(quotes), -1, dtype=np.int64)
    first_of: dict[str, int] = {}
    rows, sets = [], []
    for i, (w, n) in enumerate(zip(words, normal)):
        if len(w) < MIN_WORDS:
            continue
        if n in first_of:  # the same words: the same quote
            cluster[i] = first_of[n]
            continue
        first_of[n] = cluster[i] = i
        rows.append(i)
        sets.append(_shingles(w))
    if len(rows) > 1:
        # near-identical distinct quotes: pairs sharing shingles, then containment in the smaller set
        index = pd.DataFrame({"q": np.repeat(np.arange(len(rows)), [len(s) for s in sets]),
                              "h": np.fromiter((h for s in sets for h in s), dtype=np.int64)})
        counts = index.groupby("h")["q"].transform("size")
        index = index[(counts > 1) & (counts <= MAX_QUOTES_PER_SHINGLE)]
        pairs = index.merge(index, on="h")
        pairs = pairs[pairs["q_x"] < pairs["q_y"]].groupby(["q_x", "q_y"]).size().reset_index(name="n")
        if len(pairs):
            size = np.array([len(s) for s in sets])
            smaller = np.minimum(size[pairs["q_x"]], size[pairs["q_y"]])
            near = pairs[pairs["n"].to_numpy() >= CONTAINMENT * smaller]
            parent = np.arange(len(rows))  # union-find over near-identical pairs

            def root(x: int) -> int:
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for x, y in zip(near["q_x"].tolist(), near["q_y"].tolist()):
                rx, ry = root(x), root(y)
                if rx != ry:
                    parent[max(rx, ry)] = min(rx, ry)
            pos = {r: k for k, r in enumerate(rows)}
            cluster = np.array([rows[root(pos[c])] if c >= 0 else -1 for c in cluster.tolist()], dtype=np.int64)
    return pd.Series(cluster, index=quotes.index)


def quote_pairs(claims: pd.DataFrame, sources: pd.Index) -> pd.DataFrame:
    """Source pairs (ids a < b) that carry the same or a near-identical quote, with dependence 1.

    `claims` need `quote` and `source_id` columns (the problem's accepted claims).
    """
    if "quote" not in claims or not len(claims):
        return pd.DataFrame(columns=COLUMNS)
    quote = claims["quote"].astype(str)
    has = (quote.str.len() > 0).to_numpy()
    if not has.any():
        return pd.DataFrame(columns=COLUMNS)
    distinct, which = np.unique(quote[has].to_numpy(dtype=object), return_inverse=True)
    clusters = quote_clusters(pd.Series(distinct)).to_numpy()[which]
    carried = pd.DataFrame({"cluster": clusters, "source": claims["source_id"].to_numpy()[has]})
    carried = carried[carried["cluster"] >= 0].drop_duplicates()
    width = carried.groupby("cluster")["source"].transform("size")
    carried = carried[(width > 1) & (width <= MAX_SOURCES_PER_QUOTE)]
    if carried.empty:
        return pd.DataFrame(columns=COLUMNS)
    both = carried.merge(carried, on="cluster")
    both = both[both["source_x"] < both["source_y"]]
    shared = both.groupby(["source_x", "source_y"]).size().reset_index(name="shared_items")
    return pd.DataFrame({
        "a": shared["source_x"].to_numpy(), "b": shared["source_y"].to_numpy(), "dependence": 1.0,
        "shared_items": shared["shared_items"].to_numpy(),
        "evidence": "shared quote (" + shared["shared_items"].astype(str) + " quotes carried by both)"})
