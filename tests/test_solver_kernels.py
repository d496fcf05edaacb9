"""The E-step, M-step and copy statistics give the numbers of the plain formulas on small hand-made cases, both on
small partitions and on large ones (accu.COMPILED_MIN_ASSERTIONS: the sums of accu_kernel.py and copy_kernel.py, which
keep the numbers of the compiled loops they replaced: terms added one by one in a plain loop's order)."""
from __future__ import annotations

import numpy as np
import pytest

from reconcile.solve import accu, copying
from reconcile.solve.arrays import Partition


@pytest.fixture(autouse=True, params=["small", "large"])
def path(request, monkeypatch):
    monkeypatch.setattr(accu, "COMPILED_MIN_ASSERTIONS", 0 if request.param == "large" else 10**12)
    return request.param


def _part(assertions, items, n_false=2.0, n_sources=None):
    """assertions: (source, candidate, weight); items: the first candidate of each item."""
    src = np.array([a[0] for a in assertions], dtype=np.int64)
    cand = np.array([a[1] for a in assertions], dtype=np.int64)
    w = np.array([a[2] for a in assertions], dtype=float)
    item_start = np.array(items, dtype=np.int64)
    n_cands = int(cand.max()) + 1
    cand_item = np.searchsorted(item_start, np.arange(n_cands), side="right") - 1
    n_items = len(item_start)
    n_src = n_sources or int(src.max()) + 1
    per_item = np.bincount(np.unique(src * n_items + cand_item[cand]) % n_items, minlength=n_items)
    return Partition(src, cand, w, cand_item.astype(np.int64), item_start, np.full(n_items, n_false),
                     np.zeros(n_items, dtype=bool), n_src, per_item)


def test_posteriors_follow_the_accu_formula():
    # item 0: sources 0 and 1 say candidate 0, source 2 says candidate 1; item 1: one claim of source 2
    part = _part([(0, 0, 1.0), (1, 0, 1.0), (2, 1, 0.5), (2, 2, 1.0)], [0, 2], n_false=4.0)
    rel = np.array([0.8, 0.6, 0.7])
    prob = accu.posteriors(part, rel)
    vote = lambda a, w: w * np.log(4.0 * a / (1 - a))  # noqa: E731
    s0, s1 = vote(0.8, 1) + vote(0.6, 1), vote(0.7, 0.5)
    z = np.exp(s0) + np.exp(s1) + 3.0  # three values nobody claimed
    assert prob[:2] == pytest.approx([np.exp(s0) / z, np.exp(s1) / z], rel=1e-12)
    # a single claim of a source with reliability 0.7 gives confidence 0.7, not 1
    assert prob[2] == pytest.approx(0.7, rel=1e-12)
    # a temperature softens, per candidate as well
    hot = accu.posteriors(part, rel, np.full(3, 2.0))
    assert hot[0] < prob[0] and hot[:2] == pytest.approx(accu.posteriors(part, rel, 2.0)[:2], rel=1e-12)


def test_huge_scores_do_not_overflow():
    part = _part([(s, 0, 1.0) for s in range(400)] + [(400, 1, 1.0)], [0], n_false=99.0)
    prob = accu.posteriors(part, np.full(401, 0.99))
    assert np.isfinite(prob).all() and prob[0] == pytest.approx(1.0) and prob[1] < 1e-100


def test_source_stats_sum_the_probability_of_what_each_source_asserted():
    part = _part([(0, 0, 1.0), (1, 0, 1.0), (2, 1, 0.5), (2, 2, 1.0)], [0, 2])
    prob = np.array([0.9, 0.05, 0.7])
    right, total = accu.source_stats(part, prob)
    assert right == pytest.approx([0.9, 0.9, 0.5 * 0.05 + 0.7])
    assert total == pytest.approx([1.0, 1.0, 1.5])


def test_pair_statistics_count_shared_items_once_and_shared_values_by_their_probability():
    # item 0 (candidates 0, 1): sources 0 and 1 say 0; source 2 says both 0 and 1 (it contradicts itself)
    # item 1 (candidates 2, 3): sources 0 and 2 say 2, source 1 says 3
    part = _part([(0, 0, 1.0), (1, 0, 1.0), (2, 0, 0.5), (2, 1, 0.5), (0, 2, 1.0), (2, 2, 1.0), (1, 3, 1.0)],
                 [0, 2])
    prob = np.array([0.6, 0.3, 0.8, 0.1])
    shared, same_true, same_false, false_n = (m.toarray() for m in copying.pair_statistics(part, prob, 200))
    assert shared[0, 1] == 2 and shared[0, 2] == 2 and shared[1, 2] == 2  # each item once per pair
    assert same_true[0, 1] == pytest.approx(0.6)  # candidate 0 only
    assert same_true[0, 2] == pytest.approx(0.6 + 0.8)
    assert same_false[1, 2] == pytest.approx(0.4)
    assert false_n[0, 2] == pytest.approx(0.4 * 1 + 0.2 * 1)  # two observed candidates: one wrong value each
    # sampling every second item keeps item 0 only
    shared2 = copying.pair_statistics(part, prob, 200, stride=2)[0].toarray()
    assert shared2[0, 1] == 1 and shared2[0, 2] == 1


def test_pair_sums_equal_the_events_summed_one_by_one_bit_for_bit(path):
    # large partitions add each pair's terms in the order of a plain loop over every item's pairs of assertions
    # (items in order, candidates in order within an item): the same numbers as np.bincount over those events
    if path != "large":
        pytest.skip("small partitions sum sparse products (tested above against the formulas)")
    rng = np.random.default_rng(7)
    n_items, per_item = 300, 6
    assertions = [(int(s), it * 3 + int(c), 1.0) for it in range(n_items)
                  for s, c in zip(rng.choice(12, per_item, replace=False), rng.integers(0, 3, per_item))]
    assertions += [(12, 3 * it + c, 0.5) for it in range(0, n_items, 7) for c in (1, 2)]  # it names two values
    part = _part(assertions, [3 * it for it in range(n_items)])
    prob = rng.random(3 * n_items)
    got = copying.pair_statistics(part, prob, 200)
    src = np.array([a[0] for a in assertions])
    cand = np.array([a[1] for a in assertions])
    keys, events = [], []
    for it in range(n_items):
        here = sorted(np.flatnonzero(cand // 3 == it), key=lambda i: cand[i])  # by candidate, stable
        first = [src[i] not in src[here[:k]] for k, i in enumerate(here)]
        for x in range(len(here)):
            for y in range(x + 1, len(here)):
                i, j = here[x], here[y]
                if src[i] == src[j]:
                    continue
                p = prob[cand[i]] if cand[i] == cand[j] else None
                keys.append(min(src[i], src[j]) * 13 + max(src[i], src[j]))
                events.append([float(first[x] and first[y]), 0.0 if p is None else p, 0.0 if p is None else 1.0 - p,
                               0.0 if p is None else (1.0 - p) * 2.0])  # three observed candidates: two wrong
    uniq, which = np.unique(keys, return_inverse=True)
    want = [np.bincount(which, weights=np.array(events)[:, v]) for v in range(4)]
    for matrix, sums in zip(got, want):
        coo = matrix.tocoo()
        assert np.array_equal(coo.row * 13 + coo.col, uniq)  # every pair a < b that shares an item, in order
        assert np.array_equal(coo.data, sums)  # to the bit


def test_items_with_too_many_sources_are_left_out_of_the_pair_statistics():
    part = _part([(s, 0, 1.0) for s in range(5)] + [(0, 1, 1.0), (1, 1, 1.0)], [0, 1])
    shared = copying.pair_statistics(part, np.array([0.9, 0.9]), max_sources_per_item=4)[0].toarray()
    assert shared[0, 1] == 1 and np.triu(shared, 1).sum() == 1  # the pairs a < b are what dependence reads


def test_dispersion_sums_follow_the_method_of_moments_formula():
    # item 0: three sources, two on candidate 0; item 1: a single claim (left out: one vote)
    part = _part([(0, 0, 1.0), (1, 0, 1.0), (2, 1, 1.0), (0, 2, 1.0)], [0, 2], n_false=3.0)
    prob = np.array([0.8, 0.15, 0.7])
    rel = np.array([0.9, 0.6, 0.7])
    q = 0.8 * rel + 0.2 * (1 - rel) / 3.0
    m, e, v = 2.0, q.sum(), (q * (1 - q)).sum()
    assert accu.dispersion_stats(part, prob, rel) == pytest.approx([(m - e) ** 2 - v, v * 2.0, 1.0])


def test_large_partitions_sum_and_normalise_as_a_plain_loop_does_bit_for_bit(path):
    # the E-step of large partitions: per candidate the votes added in assertion order, per item the softmax with
    # the scores shifted only where exp could overflow, per source the credit added in assertion order; and the
    # dispersion sums in item order (the numbers of the compiled loops these sums replaced)
    from reconcile.solve import accu_kernel

    def exp(x: float) -> float:  # numpy's exp, as the kernel's: on AVX-512 CPUs numpy's own SIMD exp, which can
        return float(np.exp(np.array([x]))[0])  # differ from the C library's (math.exp) in the last bit

    if path != "large":
        pytest.skip("the small partitions' numbers are tested against the formulas above")
    rng = np.random.default_rng(11)
    n_items = 400
    assertions = [(int(s), it * 4 + int(c), float(rng.choice([0.25, 0.5, 1.0]))) for it in range(n_items)
                  for s, c in zip(rng.choice(30, 12, replace=False), rng.integers(0, 4, 12))]
    part = _part(assertions, [4 * it for it in range(n_items)], n_false=5.0)
    for rel in (rng.uniform(0.05, 0.95, part.n_sources), np.full(part.n_sources, 1.0 - 1e-12)):  # then: overflow
        logit = np.log(rel / (1.0 - rel))
        score, prob = [0.0] * part.n_cands, [0.0] * part.n_cands
        for i, c in enumerate(part.assert_cand):
            score[c] += part.w_log_n[i] + part.assert_w[i] * logit[part.sa[i]]
        bounds = list(part.item_start) + [part.n_cands]
        for it in range(n_items):
            here = range(bounds[it], bounds[it + 1])
            m = max([0.0] + [score[c] for c in here])
            m = m if m >= accu_kernel.SAFE_EXP else 0.0
            z = 0.0
            for c in here:
                prob[c] = exp(score[c] - m)
                z += prob[c]
            z += (part.item_n_false[it] + 1.0 - len(here)) * (exp(-m) if m > 0.0 else 1.0)
            for c in here:
                prob[c] /= z
        right = [0.0] * part.n_sa
        for i, c in enumerate(part.assert_cand):
            right[part.sa[i]] += part.assert_w[i] * prob[c]
        assert np.array_equal(accu.posteriors(part, rel), prob)
        assert np.array_equal(accu.em_sums(part, rel)[0], right)
        assert np.isfinite(prob).all() and (rel[0] < 0.99 or max(prob) > 0.999)
    got = accu.dispersion_stats(part, np.array(prob), rel)
    best = [max(prob[c] for c in range(bounds[it], bounds[it + 1])) for it in range(n_items)]
    m, e, v, n = ([0.0] * n_items for _ in range(4))
    for i, c in enumerate(part.assert_cand):
        it, w, a = part.cand_item[c], part.assert_w[i], rel[part.sa[i]]
        q = best[it] * a + (1.0 - best[it]) * (1.0 - a) / part.item_n_false[it]
        m[it] += w if prob[c] >= best[it] - 1e-12 else 0.0
        e[it] += w * q
        v[it] += w * w * q * (1.0 - q)
        n[it] += w
    want = [0.0, 0.0, 0.0]
    for it in range(n_items):
        if n[it] > 1.5:
            want = [want[0] + ((m[it] - e[it]) ** 2 - v[it]), want[1] + v[it] * (n[it] - 1.0), want[2] + 1.0]
    assert np.array_equal(got, want)
