"""How much of an item's evidence comes from sources with a record: the reported confidence of a crowd of
sources nobody can vouch for, on an attribute whose few values recur across subjects.

The held-out calibration (calibration.py, consistency.py) checks a confidence by how often a held-out source
agrees with the others. That check is blind to one failure: sources that name the common value by default (a
news feed's outlets repeating a rumour as "for", a social feed's users replying "support"). They agree with
each other whatever the truth, and a source seen once has no record elsewhere that could show it: its
reliability is the feed's prior, learned from how often such sources agree with a consensus they themselves
form. In an open vocabulary this matters little (two unrelated sources naming the same figure by chance is
itself rare evidence, and the held-out checks measure it); in a closed vocabulary of a few values that recur
across subjects, agreement by default is cheap, and nothing in the claims can tell it from agreement with the
truth.

The reported confidence is therefore a mixture: with probability `share` the item's votes are as informative
as the model says, otherwise they say nothing and every value of the vocabulary is equally likely:

    P'(v) = share * P(v) + (1 - share) / (n_false + 1)

`share` is the item's vote weight carried by sources with a record, each source counted by how much of its
reliability rests on its claims on *other* items rather than on the prior: R / (R + n0), R its claim weight
outside the item, n0 the strength of its prior (the pseudo-claims of the feed's learned prior). A source the
rules name (its own prior, or evidence carried from earlier runs: reconcile/state) or an analyst pinned has a
record by definition (share 1). A source seen only here has none (share 0); a regular with hundreds of claims
has almost all.

The mixture keeps the order of an item's candidates (the same affine map for all): the chosen value, a tie and
the runner-up stay as they are; only the confidence moves toward 1 / (n_false + 1). It applies to
single-valued attributes with a closed vocabulary and no value hierarchy, outside the time model.

Written by hand: a few bincounts over the solver's arrays (no library computes this share).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import Partition


def record_share(part: Partition, strength: np.ndarray, vouched: np.ndarray) -> np.ndarray:
    """Per item: the share of its vote weight whose sources have a record outside it (see the module).

    `strength` (per source): the prior's pseudo-claims n0; `vouched` (per source, bool): the rules name the
    source, a state file carries its evidence, or it is pinned (share 1)."""
    n_items = part.n_items
    if len(part.assert_cand) == 0:
        return np.ones(n_items)
    source, item, w = part.assert_source, part.assert_item, part.assert_w
    total = np.bincount(source, weights=w, minlength=part.n_sources)
    # the source's weight on this item (all its assertions there: a source that names two values leaves whole)
    pair = pd.factorize(source.astype(np.int64) * max(n_items, 1) + item)[0]
    here = np.bincount(pair, weights=w)[pair]
    elsewhere = np.maximum(total[source] - here, 0.0)
    n0 = strength[source]
    own = np.where(vouched[source], 1.0, elsewhere / np.maximum(elsewhere + n0, 1e-300))
    weight = np.bincount(item, weights=w, minlength=n_items)
    carried = np.bincount(item, weights=w * own, minlength=n_items)
    share: np.ndarray = np.clip(np.where(weight > 0, carried / np.where(weight > 0, weight, 1.0), 1.0), 0.0, 1.0)
    return share


def candidate_mixture(part: Partition, share: np.ndarray, applies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate: (the weight of the model's posterior, the uninformed probability 1 / (n_false + 1)); the
    weight is the item's `share` where `applies` (per item, bool), else 1."""
    item = part.cand_item
    weight: np.ndarray = np.where(applies, share, 1.0)[item]
    uninformed: np.ndarray = 1.0 / (part.item_n_false[item] + 1.0)
    return weight, uninformed


def mix(prob: np.ndarray, mixture: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """P(v) -> weight P(v) + (1 - weight) / (n_false + 1), per candidate (`candidate_mixture`)."""
    weight, uninformed = mixture
    out: np.ndarray = weight * prob + (1.0 - weight) * uninformed
    return out


def mix_uninformed(part: Partition, prob: np.ndarray, share: np.ndarray, applies: np.ndarray) -> np.ndarray:
    """P(v) -> share P(v) + (1 - share) / (n_false + 1) for the candidates of the items where `applies`
    (per item, bool); the others unchanged."""
    if part.n_cands == 0 or not applies.any():
        return prob
    return mix(prob, candidate_mixture(part, share, applies))
