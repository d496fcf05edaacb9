"""Value hierarchies (an attribute's `hierarchy:` CSV of child,parent): coarse claims support fine values.

"California" and "Los Angeles" do not conflict: a source that says California is right, only less specific,
when the truth is Los Angeles. Following TDH (Jung, Kim & Shim, EDBT 2019), in a hierarchical item:

- a claim of an ancestor u of candidate v supports v partially: v's score gets `ANCESTOR_SUPPORT` x u's
  votes (the ancestor's claim is consistent with v but does not single it out);
- the probability that the truth lies at or below v is P(v) plus the P of every candidate below v
  (`subtree_probability`): that is the honest confidence of a verdict at v's level;
- the verdict is the most specific candidate whose subtree probability reaches `MIN_SUPPORT` (else the
  candidate with the largest subtree probability), and an ancestor or descendant of the verdict is not a
  contradiction of it.

The pairs (descendant candidate, ancestor candidate) of each item are computed once, on the distinct values.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import FeedError

ANCESTOR_SUPPORT = 0.5
MIN_SUPPORT = 0.5
MAX_DEPTH = 64  # a longer chain of parents is a cycle in the CSV


def read_hierarchy(path: str | Path) -> dict[str, str]:
    """child -> parent from a CSV with columns child,parent (a header row; other columns are ignored)."""
    path = Path(path)
    if not path.exists():
        raise FeedError(f"{path}: hierarchy file not found (attributes.<name>.hierarchy in the rules)")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("child", "parent") if c not in table.columns]
    if missing:
        raise FeedError(f"{path}:1: hierarchy CSV needs columns child,parent; missing {missing}, "
                        f"found {list(table.columns)}")
    parents: dict[str, str] = {}
    for row, (child, parent) in enumerate(zip(table["child"], table["parent"]), start=2):
        child, parent = child.strip(), parent.strip()
        if not child or not parent or child == parent:
            raise FeedError(f"{path}:{row}: a hierarchy row needs a child and a different parent "
                            f"(got {child!r}, {parent!r})")
        if parents.get(child, parent) != parent:
            raise FeedError(f"{path}:{row}: {child!r} has two parents ({parents[child]!r} and {parent!r})")
        parents[child] = parent
    return parents


def ancestors_by_key(parents: dict[str, str], to_key: Callable[[list[str]], list[str]]) -> dict[str, list[str]]:
    """Matcher key of each node -> matcher keys of its ancestors, nearest first (`to_key` maps names to keys)."""
    names = sorted(set(parents) | set(parents.values()))
    keys = dict(zip(names, to_key(names)))
    out: dict[str, list[str]] = {}
    for name in names:
        chain, node = [], name
        while node in parents:
            node = parents[node]
            chain.append(keys[node])
            if len(chain) > MAX_DEPTH:
                raise FeedError(f"hierarchy: a cycle of parents through {name!r}")
        out.setdefault(keys[name], chain)
    return out


def implication_pairs(cand_item: np.ndarray, cand_key: np.ndarray, hierarchical: np.ndarray,
                      ancestors: list[dict[str, list[str]] | None], cand_attr: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(descendant candidate, ancestor candidate) pairs within items, and each candidate's depth in its tree.

    `cand_key` holds the candidates' matcher keys (str), `hierarchical` flags candidates of hierarchical
    attributes, `ancestors[attr]` is that attribute's key -> ancestor keys table.
    """
    depth = np.zeros(len(cand_item), dtype=np.int64)
    rows = np.flatnonzero(hierarchical)
    lookup = {(int(cand_item[c]), cand_key[c]): int(c) for c in rows}
    desc, anc = [], []
    for c in rows:
        chain = (ancestors[int(cand_attr[c])] or {}).get(cand_key[c], [])
        depth[c] = len(chain)
        for key in chain:
            other = lookup.get((int(cand_item[c]), key))
            if other is not None:
                desc.append(int(c))
                anc.append(other)
    return np.asarray(desc, dtype=np.int64), np.asarray(anc, dtype=np.int64), depth


def ancestor_support(own: np.ndarray, desc: np.ndarray, anc: np.ndarray, support: np.ndarray | None = None
                     ) -> np.ndarray:
    """Extra score of each candidate from the claims of its ancestors (TDH: partial support; `support` per pair,
    e.g. 1 for a numeric bound, solve/bounds.py; default ANCESTOR_SUPPORT)."""
    if support is None:
        return ANCESTOR_SUPPORT * np.bincount(desc, weights=own[anc], minlength=len(own))
    return np.bincount(desc, weights=own[anc] * support, minlength=len(own))


def subtree_probability(prob: np.ndarray, desc: np.ndarray, anc: np.ndarray) -> np.ndarray:
    """P(the truth is this candidate or one below it)."""
    return prob + np.bincount(anc, weights=prob[desc], minlength=len(prob))


def related(desc: np.ndarray, anc: np.ndarray, n_cands: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Set-membership test for (candidate, candidate) pairs that are ancestor/descendant of each other."""
    desc, anc = desc.astype(np.int64), anc.astype(np.int64)  # keys of two ids: int64 (ids may be int32)
    keys = np.unique(np.r_[desc * n_cands + anc, anc * n_cands + desc])

    def test(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        k = np.asarray(a, dtype=np.int64) * n_cands + b
        pos = np.clip(np.searchsorted(keys, k), 0, max(len(keys) - 1, 0))
        return (keys[pos] == k) if len(keys) else np.zeros(len(k), dtype=bool)

    return test
