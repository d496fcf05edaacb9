"""Source dependence: find sources that copy each other and discount the copies.

Value level (the Accu-copy idea of Dong, Berti-Equille & Srivastava, VLDB 2009, simplified): two independent
sources rarely assert the same *false* value, so sharing many values the model believes false is evidence of
copying. Per source pair, over the single-valued items both speak about:

    k_true  = expected number of shared values that are true   (sum of P(v) over shared candidates)
    k_false = expected number of shared values that are false  (sum of 1 - P(v) over shared candidates)
    k_diff  = items where they assert different values
    independent:  P(same true) = k A1 A2, with k >= 1 the data's own excess agreement (median over pairs);
                  P(same false) = (1-A1)(1-A2)/n, n = the item's observed candidates - 1 (wrong values
                  concentrate on the values actually claimed)
    dependent:    a copier repeats its original w.p. c, else behaves independently:
                  P(same true) = c A + (1 - c) P_ind, P(same false) = c (1 - A) + (1 - c)(1-A1)(1-A2)/n,
                  P(different) scaled by (1 - c)
    P(dependent | counts) by Bayes with prior alpha. Poor sources that agree far more often than good sources
    usually do (copiers of one report) are caught by the k_true term; sources sharing wrong values by k_false.

Explicit attribution (`derived_from`, e.g. "told Reuters") is dependence with probability 1.
The statistics are sparse source x source sums (over the pairs of sources of each judged item,
solve/copy_kernel.py), so they reduce across partitions like the per-source statistics. Items with more than `max_sources_per_item` sources are left out of the estimate,
which bounds the cost by (sources per item)^2 per item: it never grows quadratically in claims; on feeds with
more than `max_items` subjects, dependence is estimated on an even sample of them.

Discount: see `discounts`; a group of dependent sources asserting one value counts about once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .arrays import Partition
from .segments import dense_rank

if TYPE_CHECKING:
    from scipy import sparse  # at run time imported where the sums are made: scipy costs 0.4-0.8 s to import

PAIR_COLUMNS = ["source_a", "source_b", "shared_items", "same_true", "same_false", "different",
                "dependence", "evidence"]


@dataclass(frozen=True)
class CopySettings:
    prior: float = 0.1  # probability that a source depends on some other source (spread over its partners)
    copy_rate: float = 0.8  # c: share of the original's values a copier repeats
    min_shared: int = 3  # pairs sharing fewer items are not judged
    max_sources_per_item: int = 200
    threshold: float = 0.5  # dependence at which a pair is discounted and reported


def pair_statistics(part: Partition, prob: np.ndarray, max_sources_per_item: int, stride: int = 1,
                    item_offset: int = 0) -> tuple[sparse.csr_matrix, ...]:
    """(source, attribute) x (source, attribute) sparse sums: shared items, expected shared-true, expected
    shared-false, n-weighted false. Two pairs of different attributes never share an item, so the sums are
    per attribute and the test can use each source's accuracy on that attribute. `dependence` reads the pairs
    (a, b) with a < b (ids of one source's attributes are contiguous, so a < b also orders the sources); large
    partitions (`accu.COMPILED_MIN_ASSERTIONS`) store only those (copy_kernel.py).

    Only single-valued items spoken about by two to `max_sources_per_item` sources count. With `stride` k > 1
    only every k-th item is used (a deterministic, even sample that bounds the cost on very large feeds).
    """
    from .accu import COMPILED_MIN_ASSERTIONS

    if len(part.assert_cand) < COMPILED_MIN_ASSERTIONS:  # small: sparse products
        return _pair_sums_sparse(part, prob, max_sources_per_item, stride, item_offset)
    return _pair_sums_events(part, prob, max_sources_per_item, stride, item_offset)


def _pair_sums_events(part: Partition, prob: np.ndarray, max_sources_per_item: int, stride: int,
                        item_offset: int) -> tuple[sparse.csr_matrix, ...]:
    """pair_statistics from each judged item's pairs of assertions (copy_kernel.py)."""
    from scipy import sparse

    from . import copy_kernel

    item = part.assert_item
    sources_per_item = part.item_n_sources
    if sources_per_item is None:
        pairs = np.unique(part.assert_source.astype(np.int64) * max(part.n_items, 1) + item)  # int32 ids
        sources_per_item = np.bincount(pairs % max(part.n_items, 1), minlength=part.n_items)
    judged = ~part.item_multi & (sources_per_item <= max_sources_per_item) & (sources_per_item >= 2)  # per item
    if stride > 1:
        judged &= part.global_items(item_offset) % stride == 0
    keep = judged[item] & (part.assert_w > 0)  # items solved elsewhere (the time model) have weight 0 here
    idx = np.flatnonzero(keep)
    idx = idx[np.argsort(part.assert_cand[idx], kind="stable")]  # by candidate, so by item
    cand, sa = part.assert_cand[idx], part.sa[idx]
    k_item = item[idx]
    starts = np.flatnonzero(np.r_[True, k_item[1:] != k_item[:-1]]) if len(idx) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(idx)].astype(np.int64)
    # wrong values concentrate on the values actually claimed: two independent sources that are both wrong
    # pick the same wrong value with probability 1 / (observed candidates - 1), not 1 / (domain size - 1)
    observed = np.diff(np.r_[part.item_start, part.n_cands])[part.cand_item]
    n_false = np.maximum(observed - 1.0, 1.0)
    ns = part.n_sa
    rows, cols, *sums = copy_kernel.pair_sums(sa, cand, starts, ends, np.asarray(prob, dtype=np.float64), n_false,
                                              ns)
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=ns))].astype(np.int64)
    return tuple(sparse.csr_matrix((v, cols, indptr), shape=(ns, ns)) for v in sums)


def _pair_sums_sparse(part: Partition, prob: np.ndarray, max_sources_per_item: int, stride: int,
                      item_offset: int) -> tuple[sparse.csr_matrix, ...]:
    """pair_statistics as sparse products (source x item and source x candidate matrices); both orders of every
    pair and the diagonal are in the result (`dependence` reads the pairs a < b)."""
    from scipy import sparse

    item = part.cand_item[part.assert_cand]
    single = ~part.item_multi[item]
    sources_per_item = part.item_n_sources
    if sources_per_item is None:
        pairs = np.unique(part.assert_source.astype(np.int64) * max(part.n_items, 1) + item)  # int32 ids
        sources_per_item = np.bincount(pairs % max(part.n_items, 1), minlength=part.n_items)
    keep = single & (sources_per_item[item] <= max_sources_per_item) & (sources_per_item[item] >= 2) \
        & (part.assert_w > 0)  # items solved elsewhere (the time model) have weight 0 here
    if stride > 1:
        keep &= part.global_items(item_offset)[item] % stride == 0
    ns, nc, ni = part.n_sa, part.n_cands, part.n_items
    sa = part.sa
    # items: a source counts once per item
    by_item = sparse.csr_matrix((np.ones(int(keep.sum())), (sa[keep], item[keep])), shape=(ns, ni))
    by_item.data[:] = 1.0  # duplicates were summed on construction; a source counts once per item
    shared_items = (by_item @ by_item.T).tocsr()
    # candidates asserted by at least two sources
    per_cand = np.bincount(part.assert_cand[keep], minlength=nc)
    keep &= per_cand[part.assert_cand] >= 2
    s, c = sa[keep], part.assert_cand[keep]
    ones_t = sparse.csr_matrix((np.ones(len(s)), (c, s)), shape=(nc, ns))
    # wrong values concentrate on the values actually claimed: two independent sources that are both wrong
    # pick the same wrong value with probability 1 / (observed candidates - 1), not 1 / (domain size - 1)
    observed = np.diff(np.r_[part.item_start, part.n_cands])[part.cand_item]
    n_false = np.maximum(observed - 1.0, 1.0)
    p = prob[c]

    def weighted(w: np.ndarray) -> sparse.csr_matrix:
        return (sparse.csr_matrix((w, (s, c)), shape=(ns, nc)) @ ones_t).tocsr()

    return shared_items, weighted(p), weighted(1.0 - p), weighted((1.0 - p) * n_false[c])


def _values_at(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """matrix[rows, cols] as a dense vector, by binary search in the canonical CSR (sorted row-major keys)."""
    m = matrix.tocsr(copy=True)
    m.sum_duplicates()
    n = m.shape[1]
    keys = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr)) * n + m.indices
    want = rows.astype(np.int64) * n + cols
    if len(keys) == 0:
        return np.zeros(len(want))
    pos = np.clip(np.searchsorted(keys, want), 0, len(keys) - 1)
    return np.where(keys[pos] == want, m.data[pos], 0.0)


def _same_entries(x: sparse.spmatrix, y: sparse.spmatrix) -> bool:
    """Whether two matrices are canonical CSR with the same stored entries (then y[entries of x] = y.data)."""
    from scipy import sparse

    return (isinstance(x, sparse.csr_matrix) and isinstance(y, sparse.csr_matrix) and x.has_canonical_format
            and y.has_canonical_format and np.array_equal(x.indptr, y.indptr)
            and np.array_equal(x.indices, y.indices))


def dependence(stats: tuple[sparse.csr_matrix, ...], reliability: np.ndarray, settings: CopySettings,
               sa_source: np.ndarray | None = None) -> pd.DataFrame:
    """P(dependent) for every source pair (a < b) that shares at least `min_shared` items.

    `stats` are per (source, attribute) id (`pair_statistics`) and `reliability` per such id; `sa_source` maps
    the ids to sources (None: the ids are sources). The log-likelihood ratio of each attribute's evidence is
    computed with the sources' accuracies on that attribute, then summed per source pair.
    """
    shared, same_true, same_false, false_n = stats
    sa_source = np.arange(shared.shape[0]) if sa_source is None else sa_source
    coo = shared.tocoo()
    upper = sa_source[coo.row] < sa_source[coo.col]
    a, b, k_items = coo.row[upper], coo.col[upper], coo.data[upper]
    empty = pd.DataFrame(columns=["a", "b"] + PAIR_COLUMNS[2:7])
    if len(a) == 0:
        return empty
    if all(_same_entries(shared, m) for m in (same_true, same_false, false_n)):  # one partition's sums
        k_true, k_false, k_false_n = same_true.data[upper], same_false.data[upper], false_n.data[upper]
    else:
        k_true, k_false, k_false_n = (_values_at(m, a, b) for m in (same_true, same_false, false_n))
    # one id per source (one attribute) and the pairs in order: the ids' pairs are the source pairs, each once, so
    # the sums per source pair below are the values themselves and the pairs sharing too few items can go first
    by_source = (len(sa_source) == int(sa_source.max()) + 1 and np.array_equal(sa_source, np.arange(len(sa_source)))
                 and bool(np.all(np.diff(a.astype(np.int64) * len(sa_source) + b) > 0)))
    if by_source:
        sel = k_items >= settings.min_shared
        a, b, k_items, k_true, k_false, k_false_n = (x[sel] for x in (a, b, k_items, k_true, k_false, k_false_n))
        if len(a) == 0:
            return empty
    n_bar = np.where(k_false > 1e-12, k_false_n / np.maximum(k_false, 1e-12), 10.0)
    k_diff = np.maximum(k_items - k_true - k_false, 0.0)
    a1, a2 = reliability[a], reliability[b]
    c = settings.copy_rate
    p_f = (1 - a1) * (1 - a2) / n_bar
    orig = np.maximum(a1, a2)
    # Agreeing on true values: under independence A1 x A2 per shared item, but real sources agree more than that
    # (some items are easy for everyone). The baseline is measured on the data: the median over source pairs of
    # observed / expected agreement. Two poor sources agreeing far above it are copying; two good ones are not.
    expected = k_items * a1 * a2
    ratio = k_true / np.maximum(expected, 1e-12)
    big = k_items >= 2 * settings.min_shared
    inflation = float(np.clip(np.median(ratio[big]) if big.any() else 1.0, 1.0, None))
    p_t = np.clip(inflation * a1 * a2, 1e-6, 1 - 1e-6)
    llr = (k_true * np.log((c * orig + (1 - c) * p_t) / p_t)
           + k_false * np.log((c * (1 - orig) + (1 - c) * p_f) / p_f)
           + k_diff * np.log(1 - c))
    # sum the attributes' evidence per source pair
    sa_a, sa_b = sa_source[a], sa_source[b]
    n = int(sa_source.max()) + 1
    if by_source:  # 0.0 + x: the bits np.bincount would give (a -0.0 becomes 0.0)
        k_items, k_true, k_false, k_diff, llr = (0.0 + x for x in (k_items, k_true, k_false, k_diff, llr))
        keep = np.ones(len(a), dtype=bool)
        src_a, src_b = sa_a.astype(np.int64), sa_b.astype(np.int64)
    else:
        keys, which = dense_rank(sa_a * n + sa_b)  # np.unique(..., return_inverse=True)
        total: Callable[[np.ndarray], np.ndarray] = \
            lambda x: np.bincount(which, weights=x, minlength=len(keys))  # noqa: E731
        k_items, k_true, k_false, k_diff, llr = (total(x) for x in (k_items, k_true, k_false, k_diff, llr))
        keep = k_items >= settings.min_shared
        if not keep.any():
            return empty
        src_a, src_b = keys[keep] // n, keys[keep] % n
    dep = 1.0 / (1.0 + np.exp(-np.clip(llr[keep] + pair_prior_log_odds(src_a, src_b, n, settings.prior), -700, 700)))
    return pd.DataFrame({"a": src_a, "b": src_b, "shared_items": k_items[keep],
                         "same_true": k_true[keep], "same_false": k_false[keep], "different": k_diff[keep],
                         "dependence": dep})


def pair_prior_log_odds(a: np.ndarray, b: np.ndarray, n_sources: int, prior: float) -> np.ndarray:
    """Prior log-odds that sources a and b are dependent.

    `prior` is the probability that a source copies from *some* source. It is spread over the source's possible
    partners (the sources it shares enough subjects with): with m partners each pair gets about prior / m. Among
    2,000 independent sources a pair's prior is then ~1e-4, so a handful of coincidental agreements (which
    some of the ~10^6 pairs will always show) is not enough; among 30 sources it is ~1e-2 and a few dozen shared
    false values suffice. Pairs use the geometric mean of both sources' partner counts (symmetric).
    """
    partners = np.bincount(a, minlength=n_sources) + np.bincount(b, minlength=n_sources)
    alpha = prior / np.maximum(1.0, np.sqrt(partners[a].astype(float) * partners[b]))
    log_odds: np.ndarray = np.log(alpha / (1 - alpha))
    return log_odds


def discounts(part: Partition, pairs: pd.DataFrame, reliability: np.ndarray, settings: CopySettings) -> np.ndarray:
    """Weight multiplier per assertion: a group of dependent sources asserting one value counts about once.

    An assertion shared with dependent partners keeps 1 / (1 + sum over those partners of
    P(dep) x P(copied | same value, dep)): two certain copies of one report count as one report, ten as one.
    The discount is symmetric (who copied whom is often unknowable; an airline's own site covers fewer
    flights than the trackers that copy it), and it is computed per partition from the broadcast pairs.
    """
    factor = np.ones(len(part.assert_source))
    dep = pairs[pairs["dependence"] >= settings.threshold]
    if dep.empty:
        return factor
    involved = np.zeros(part.n_sources, dtype=bool)
    involved[dep["a"].to_numpy().astype(int)] = True
    involved[dep["b"].to_numpy().astype(int)] = True
    idx = np.flatnonzero(involved[part.assert_source])  # only sources in a dependent pair can be discounted
    assertions = pd.DataFrame({"idx": idx, "source": part.assert_source[idx], "cand": part.assert_cand[idx]})
    left = assertions.merge(dep[["a", "b", "dependence"]], left_on="source", right_on="a")
    both = left.merge(assertions, left_on=["b", "cand"], right_on=["source", "cand"], suffixes=("_a", "_b"))
    if both.empty:
        return factor
    idx_a, idx_b = both["idx_a"].to_numpy(), both["idx_b"].to_numpy()
    c = settings.copy_rate
    same_indep = reliability[part.assert_source[idx_a]] * reliability[part.assert_source[idx_b]]
    share = both["dependence"].to_numpy() * c / (c + (1 - c) * same_indep)
    partners = np.zeros(len(factor))
    np.add.at(partners, idx_a, share)
    np.add.at(partners, idx_b, share)
    return 1.0 / (1.0 + partners)


def with_known(pairs: pd.DataFrame, known: pd.DataFrame | None) -> pd.DataFrame:
    """Value-level pairs plus pairs known from other evidence (the larger dependence wins)."""
    if known is None or known.empty:
        return pairs
    both = pd.concat([pairs, known[["a", "b", "dependence"]]], ignore_index=True)
    both = both.sort_values(["a", "b", "dependence"], ascending=[True, True, False], kind="stable")
    return both.drop_duplicates(["a", "b"]).reset_index(drop=True)


def text_pairs(overlap: list[dict[str, Any]] | None, sources: pd.Index) -> pd.DataFrame:
    """Source pairs from the articles' text (shared passages, explicit credit), as source ids.

    A shared passage or an explicit credit means one outlet repeats the other's reporting: dependence 1 for a
    credit, the shared share of the shorter text (at least 0.5) for a passage.
    """
    rows = []
    for row in overlap or []:
        a, b = sources.get_indexer(pd.Index([row["source_a"], row["source_b"]]))
        if a < 0 or b < 0 or a == b:
            continue  # an outlet that made no claim cannot be discounted
        dep = 1.0 if row["evidence"] == "attribution" else max(0.5, min(1.0, float(row.get("score", 1.0))))
        rows.append({"a": min(a, b), "b": max(a, b), "dependence": dep, "shared_items": np.nan,
                     "evidence": f"{row['evidence']}: {row.get('detail', '')}"})
    return pd.DataFrame(rows, columns=["a", "b", "dependence", "shared_items", "evidence"])


def attribution(claims: pd.DataFrame, part: Partition, sources: pd.Index, copy_rate: float
                ) -> tuple[np.ndarray, pd.DataFrame]:
    """Explicit attribution: a claim marked `derived_from` X repeats X's report.

    Where X itself asserts the same value, the derived assertion keeps weight 1 - copy_rate; where X does not,
    the claim stands on its own. Returns (factor per assertion, attribution pairs with their counts).
    """
    factor = np.ones(len(part.assert_source))
    if "derived_from" not in claims:
        return factor, pd.DataFrame(columns=["a", "b", "shared_items"])
    derived = claims["derived_from"].fillna("").astype(str).str.strip()
    mask = (derived != "").to_numpy()
    if not mask.any():
        return factor, pd.DataFrame(columns=["a", "b", "shared_items"])
    origin = sources.get_indexer(pd.Index(derived[mask]))
    sub = pd.DataFrame({"assertion": claims["assertion"].to_numpy()[mask], "origin": origin,
                        "source": claims["source_id"].to_numpy()[mask], "cand": claims["cand"].to_numpy()[mask]})
    sub = sub[(sub["origin"] >= 0) & (sub["origin"] != sub["source"])]
    asserted = pd.DataFrame({"origin": part.assert_source, "cand": part.assert_cand})
    hit = sub.merge(asserted, on=["origin", "cand"], how="inner").drop_duplicates("assertion")
    factor[hit["assertion"].to_numpy()] = 1.0 - copy_rate
    pairs = (sub.assign(a=np.minimum(sub["origin"], sub["source"]), b=np.maximum(sub["origin"], sub["source"]))
             .groupby(["a", "b"], as_index=False).size().rename(columns={"size": "shared_items"}))
    return factor, pairs


def copies_table(fit_pairs: pd.DataFrame, attributed: pd.DataFrame, sources: pd.Index,
                 threshold: float, text: pd.DataFrame | None = None) -> pd.DataFrame:
    """copies.csv: source pairs judged dependent, with the evidence (one row per pair and kind of evidence)."""
    value = fit_pairs[(fit_pairs["dependence"] >= threshold) & fit_pairs["same_false"].notna()].copy()
    value["evidence"] = "shared values (" + value["same_false"].round(2).astype(str) + " likely false)"
    attr = attributed.copy()
    if len(attr):
        attr["same_true"] = np.nan
        attr["same_false"] = np.nan
        attr["different"] = np.nan
        attr["dependence"] = 1.0
        attr["evidence"] = "explicit attribution (" + attr["shared_items"].astype(str) + " claims derived)"
    frames = [f.reindex(columns=["a", "b"] + PAIR_COLUMNS[2:]) for f in (value, attr, text) if f is not None and len(f)]
    if not frames:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    names = sources.to_numpy()
    out["source_a"] = names[out["a"].to_numpy().astype(int)]
    out["source_b"] = names[out["b"].to_numpy().astype(int)]
    out = out.sort_values(["dependence", "source_a", "source_b", "evidence"], ascending=[False, True, True, True])
    return out[PAIR_COLUMNS].reset_index(drop=True)
