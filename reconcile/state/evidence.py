"""What a run learned about each source, as sufficient statistics that can be carried to the next run.

Per source and per (source, attribute): `right` = expected number of right claims (weighted: sum of the claim
weight x the probability of its value), `total` = claim weight, from the fit's last M-step (`Fit.right` /
`Fit.total` per source, `Fit.right_sa` / `Fit.total_sa` per (source, attribute) id). These are the numbers the
M-step uses, so adding them (scaled by the forgetting rate) to the next run's Beta priors continues the same
estimate: whole-source rows go to the source's prior, per-attribute rows to that (source, attribute) pair's.
Per-attribute rows come from the static items (time-modelled items feed the whole-source rows only).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..solve.arrays import Problem
    from ..solve.engine import Fit

EVIDENCE_COLUMNS = ["source", "attribute", "right", "total", "reliability"]


def evidence_table(problem: Problem, fit: Fit) -> pd.DataFrame:
    if fit is None or fit.right is None:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    names = problem.sources.astype(str).to_numpy()
    whole = pd.DataFrame({"source": names, "attribute": "", "right": fit.right, "total": fit.total,
                          "reliability": fit.reliability})
    sa_source = problem.part.source_of_sa
    attrs = np.asarray(problem.attributes.astype(str), dtype=object)
    per = pd.DataFrame({"source": names[sa_source], "attribute": attrs[problem.sa_attribute],
                        "right": fit.right_sa, "total": fit.total_sa, "reliability": fit.sa_reliability})
    per = per[per["total"] > 0]
    out = pd.concat([whole[EVIDENCE_COLUMNS], per[EVIDENCE_COLUMNS]], ignore_index=True)
    return out.sort_values(["source", "attribute"], kind="stable").reset_index(drop=True)
