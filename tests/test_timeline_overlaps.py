"""The compiled search for conflicting pairs and the latest-word pick of the time-aware contradictions give what
a plain reading of their rules gives, pair by pair and group by group, on random claims."""
from __future__ import annotations

import numpy as np
import pytest

from reconcile.timeline.stale import last_per_group
from reconcile.timeline.overlaps import conflicting_pairs

HOUR = 3_600 * 10**9


def _claims(seed: int, n: int) -> dict[str, np.ndarray]:
    """Claims of a few items at a few times: moments and intervals, ends that touch within the tolerance."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 6, n) * HOUR // 2
    long = rng.random(n) < 0.5
    b = a + np.where(long, rng.integers(0, 8, n) * HOUR // 2, rng.integers(0, 2, n) * HOUR // 4)
    return {"item": rng.integers(0, 6, n), "row": rng.permutation(n * 3)[:n], "a": a, "b": b,
            "cand": rng.integers(0, 3, n), "tol": np.where(rng.random(n) < 0.5, 1.0 * HOUR, 2.5 * HOUR),
            "explicit": rng.random(n) < 0.7}


def _by_hand(c: dict[str, np.ndarray]) -> list[tuple[int, int]]:
    found = []
    for i in range(len(c["item"])):
        for j in range(len(c["item"])):
            if c["item"][i] != c["item"][j] or not c["row"][i] < c["row"][j]:
                continue
            if c["cand"][i] == c["cand"][j] or c["explicit"][i] != c["explicit"][j]:
                continue
            lo, hi, tol = max(c["a"][i], c["a"][j]), min(c["b"][i], c["b"][j]), c["tol"][i]
            moment = c["b"][i] - c["a"][i] <= tol or c["b"][j] - c["a"][j] <= tol
            if (lo - hi <= tol) if moment else (hi - lo > tol):
                found.append((i, j))
    return sorted(found, key=lambda p: (c["item"][p[0]], c["row"][p[0]], c["row"][p[1]]))


@pytest.mark.parametrize("seed", range(6))
def test_conflicting_pairs_are_the_pairs_the_rule_names_in_item_and_row_order(seed):
    c = _claims(seed, 60)
    i, j = conflicting_pairs(c["item"], c["row"], c["a"], c["b"], c["cand"], c["tol"], c["explicit"])
    expected = _by_hand(c)
    assert expected  # the random claims do conflict
    assert list(zip(i.tolist(), j.tolist())) == expected


def test_no_claims_no_pairs():
    none = np.zeros(0, dtype=np.int64)
    i, j = conflicting_pairs(none, none, none, none, none, np.zeros(0), np.zeros(0, dtype=bool))
    assert len(i) == len(j) == 0


@pytest.mark.parametrize("seed", range(4))
def test_latest_word_per_source_is_the_last_row_of_the_three_key_sort(seed):
    rng = np.random.default_rng(seed)
    n = 500
    item, group, b, a = rng.integers(0, 8, n), rng.integers(0, 5, n), rng.integers(0, 5, n), rng.integers(0, 5, n)
    key = item * 5 + group  # many ties
    order = np.lexsort((a, b, key))
    last = order[np.r_[key[order][1:] != key[order][:-1], True]]
    assert last_per_group(item, group, b, a).tolist() == last.tolist()
