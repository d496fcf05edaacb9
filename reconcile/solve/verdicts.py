"""Verdict rows: per item the chosen value, its confidence, the runner-up, a status, and the evidence counts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..rules.model import Thresholds
from .arrays import Problem
from . import text
from .hierarchy import MIN_SUPPORT, related
from .segments import seg_join
from .slices import ItemSlice, concat_rows, item_slices, release_unused

VERDICT_COLUMNS = [
    "subject", "attribute", "value", "confidence", "status", "runner_up", "runner_up_confidence",
    "n_claims", "n_sources", "supporting_sources", "as_of",
]

# Verdict statuses, in the order reports list them. A status name must never be a value (`contested` was both a
# status and a value of `control`; `disputed` is an alias of that value in rules/default.yaml, hence
# `challenged`). Precedence: tie > insufficient > challenged > settled > likely.
STATUS_DEFINITIONS = {
    "settled": "confidence at or above `thresholds.settled` and no alternative at or above `thresholds.challenged`",
    "likely": "the most probable value with no credible alternative (runner-up below `thresholds.challenged`), "
              "but confidence below `thresholds.settled`",
    "challenged": "a credible alternative: the runner-up's probability is at or above `thresholds.challenged`",
    "tie": "the two most probable values are within `thresholds.tie` of each other: no value wins",
    "insufficient": "too little evidence to cross-check: fewer than `thresholds.min_sources` distinct sources or "
                    "`thresholds.min_claims` claims, or confidence below `thresholds.min_confidence`",
}
STATUSES = tuple(STATUS_DEFINITIONS)
CLAIM_CHUNK = 1 << 21  # claims counted at once
RANK_DIGITS = 12  # decimals of probability that rank values (finer differences are floating-point noise)


def rank_candidates(problem: Problem, prob: np.ndarray, cands: slice = slice(None)) -> np.ndarray:
    """Candidate ids ordered by item, then probability (high first), then value key (deterministic ties); of the
    candidates in `cands` (a range of whole items; default all).

    Probabilities are compared to RANK_DIGITS decimals: two values equally supported can differ in the last
    bits by the order of floating-point sums (partitions, engines), and that must not pick the runner-up."""
    table = problem.cands  # key codes follow the sorted key strings
    key, item = table["key_code"].to_numpy()[cands], table["item"].to_numpy()[cands]
    prob = np.round(prob[cands], RANK_DIGITS)
    start = cands.start or 0
    if problem.cand_depth is not None:  # value hierarchy: the most specific value with enough support first
        eligible = prob >= MIN_SUPPORT  # (prob is P(this value or a finer one))
        return start + np.lexsort((key, -prob, np.where(eligible, -problem.cand_depth[cands], 0), ~eligible, item))
    return start + np.lexsort((key, -prob, item))


def supporting_sources(problem: Problem, cand_ids: np.ndarray, among: np.ndarray | None = None
                       ) -> tuple[np.ndarray, text.Strings]:
    """Sorted names of the sources asserting each of the given candidates: (candidate ids, joined names).
    `among`: the assertions to look in (default all)."""
    part = problem.part
    wanted = np.zeros(part.n_cands, dtype=bool)
    wanted[cand_ids] = True
    idx = np.flatnonzero(wanted[part.assert_cand]) if among is None else among[wanted[part.assert_cand[among]]]
    # source ids follow the sorted source names, so integer order is name order
    idx = idx[np.lexsort((part.assert_source[idx], part.assert_cand[idx]))]
    keys, joined = seg_join(part.assert_cand[idx], text.take(problem.sources, part.assert_source[idx]), ";",
                            max(len(idx), 1))  # complete list
    return keys, joined


def build_verdicts(problem: Problem, prob: np.ndarray, thresholds: Thresholds, as_of: pd.Timestamp | None,
                   confidence: np.ndarray | None = None, slice_size: int | None = None) -> pd.DataFrame:
    """One row per verdict. Values are ranked by `prob` (the fit's posteriors); the confidences shown (and the
    statuses) are `confidence` when given (calibration.py: the same model under cavity reliabilities).

    Built a slice of whole items at a time (`slices.py`: the rows are the same, in the same order)."""
    part = problem.part
    items = problem.claims["item"].to_numpy()
    n_claims = np.zeros(part.n_items, dtype=np.int64)
    for start in range(0, len(items), CLAIM_CHUNK):  # (bincount makes an int64 copy of the int32 ids it reads)
        n_claims += np.bincount(items[start:start + CLAIM_CHUNK], minlength=part.n_items)
    counts = _Counts(n_claims, np.bincount(problem.pair_item, minlength=part.n_items))
    test = related(part.imply_desc, part.imply_anc, part.n_cands) \
        if part.imply_desc is not None and part.imply_anc is not None and len(part.imply_desc) else None
    as_of_text = "" if as_of is None else as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    pieces = []
    for s in item_slices(part, slice_size):
        pieces.append(_verdict_rows(problem, prob, confidence, thresholds, as_of_text, counts, test, s))
        release_unused()  # the slice's temporaries, before the next slice's
    return concat_rows(pieces)


@dataclass
class _Counts:
    claims: np.ndarray  # per item: its claims
    sources: np.ndarray  # per item: its distinct sources


def _verdict_rows(problem: Problem, prob: np.ndarray, confidence: np.ndarray | None, thresholds: Thresholds,
                  as_of: str, counts: _Counts, test: Callable[[np.ndarray, np.ndarray], np.ndarray] | None,
                  s: ItemSlice) -> pd.DataFrame:
    """The verdict rows of one slice of items."""
    part = problem.part
    cands = problem.cands
    order = rank_candidates(problem, prob, slice(s.cand_lo, s.cand_hi))
    item_of = cands["item"].to_numpy()[order]
    first = np.r_[True, item_of[1:] != item_of[:-1]]
    rank = np.arange(len(order)) - np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    multi = part.item_multi[item_of]
    p_sorted = prob[order]
    # winners: rank 0, plus for multi-valued items every candidate judged more likely true than not
    winner = (rank == 0) | (multi & (p_sorted >= 0.5))
    # runner-up of an item: the best candidate that is not a winner (nor, in a value hierarchy, an ancestor or
    # descendant of the winner: those agree with it)
    loser = ~winner
    local = item_of - s.item_lo  # the slice's items, from 0
    if test is not None:
        top = np.full(s.n_items, -1)
        top[local[rank == 0]] = order[rank == 0]
        loser &= ~test(top[local], order)
    item_runner = np.full(s.n_items, -1)
    loser_pos = np.flatnonzero(loser)
    first_loser: np.ndarray | list[int] = \
        loser_pos[np.r_[True, item_of[loser_pos][1:] != item_of[loser_pos][:-1]]] if len(loser_pos) else []
    item_runner[local[first_loser]] = order[first_loser]

    win_c = order[winner]
    win_item = item_of[winner]
    runner = item_runner[win_item - s.item_lo]
    del order, item_of, first, rank, multi, p_sorted, winner, loser, local, loser_pos, item_runner
    has_runner = runner >= 0
    shown = prob if confidence is None else confidence
    conf = shown[win_c]
    runner_conf = np.where(has_runner, shown[np.where(has_runner, runner, 0)], 0.0)

    status = np.full(len(win_c), "likely", dtype=object)
    n_src = counts.sources[win_item]
    n_claims = counts.claims[win_item]
    status[(conf >= thresholds.settled) & (runner_conf < thresholds.challenged)] = "settled"
    status[has_runner & (runner_conf >= thresholds.challenged)] = "challenged"
    status[(n_claims < thresholds.min_claims) | (n_src < thresholds.min_sources)
           | (conf < thresholds.min_confidence)] = "insufficient"
    status[has_runner & (conf - runner_conf <= thresholds.tie)] = "tie"

    support_cands, support = supporting_sources(problem, win_c, s.assertions(part))
    where = np.searchsorted(support_cands, win_c)  # every winner has at least one assertion
    verdicts = pd.DataFrame({
        "subject": text.column(text.take(problem.items["subject"], win_item)),
        "attribute": text.column(text.take(problem.items["attribute"], win_item)),
        "value": text.column(text.take(cands["value"], win_c)),
        "confidence": conf,
        "status": status,
        "runner_up": text.column(text.take(cands["value"], runner, has_runner)),
        "runner_up_confidence": runner_conf,
        "n_claims": n_claims,
        "n_sources": n_src,
        "supporting_sources": text.column(text.take(support, where)),
        "as_of": as_of,
    }, columns=VERDICT_COLUMNS)
    verdicts["_item"] = win_item
    verdicts["_cand"] = win_c
    return verdicts
