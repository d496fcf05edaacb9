"""The learned prior of sources without a rule: the feed's typical accuracy at each source's level of activity.

Empirical Bayes with one covariate. Sources that say little are not a random sample of all sources: a wiki's
one-edit accounts, a news feed's one-article outlets and a social feed's one-tweet users differ from the
regulars (Pasternack and Roth's Investment methods owe much of their edge on such feeds to trusting a source in
proportion to what it has said). Their own record (one claim) cannot tell, so their prior mean should be what is
typical of sources *like them*: the prior mean of a source is a weighted least-squares line of the sources'
observed accuracies against log(1 + claim weight), evaluated at the source's own activity.

Each source's observed accuracy right/total counts with weight total / (total + strength), as in a pooled mean:
sources with a real record set the line, a source with one claim barely moves it, no single large source
dominates. With fewer than `MIN_SOURCES_FOR_TREND` sources, or all of one size, the slope is 0 and every source
gets the feed's typical accuracy (the weighted mean), as before this covariate existed. Both numbers are
re-estimated at every EM iteration from the summed per-source statistics (the kernel contract is unchanged).

Written by hand: a two-parameter weighted regression on the driver's per-source sums (numpy).
"""
from __future__ import annotations

import numpy as np

#: sources with claims needed before the accuracy is allowed to depend on activity (a line through a handful of
#: sources is noise); like engine.MIN_DISPERSION_ITEMS, a sample size below which a moment is not estimated
MIN_SOURCES_FOR_TREND = 30


def prior_means(right: np.ndarray, total: np.ndarray, strength: np.ndarray | float, bounds: tuple[float, float]
                ) -> tuple[float, np.ndarray]:
    """(the feed's typical accuracy, per source the learned prior mean at its activity), both within bounds.

    `right`, `total`: per source, the M-step's expected right assertions and assertion weight; `strength`: the
    weight of each source's prior (its pseudo-counts in the rules)."""
    total = np.asarray(total, dtype=np.float64)
    weight = total / (total + strength)
    wsum = float(weight.sum())
    if wsum <= 0:
        middle = float(np.clip(0.5, *bounds))
        return middle, np.full(len(total), middle)
    acc = right / np.where(total > 0, total, 1.0)
    mean = float((weight * acc).sum() / wsum)
    x = np.log1p(total)
    x_mean = float((weight * x).sum() / wsum)
    sxx = float((weight * (x - x_mean) ** 2).sum())
    slope = 0.0
    if np.count_nonzero(total > 0) >= MIN_SOURCES_FOR_TREND and sxx > 1e-12 * wsum:
        slope = float((weight * (x - x_mean) * (acc - mean)).sum() / sxx)
    per_source: np.ndarray = np.clip(mean + slope * (x - x_mean), *bounds)
    return float(np.clip(mean, *bounds)), per_source
