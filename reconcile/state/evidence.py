"""What a run learned about each source, as sufficient statistics that can be carried to the next run.

Per source and per (source, attribute): `right` = expected number of right claims (weighted: sum of the claim
weight x the probability of its value), `total` = claim weight. These are the numbers the M-step uses, so
adding them (scaled by the forgetting rate) to the next run's Beta prior continues the same estimate.
Per-attribute rows come from the static items (time-modelled items feed the whole-source rows only).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

EVIDENCE_COLUMNS = ["source", "attribute", "right", "total", "reliability"]


def base_names(sources: pd.Index, n_base: int) -> np.ndarray:
    """Source name per source id; split ids (`name [attribute]`, from a per-attribute pin) map to their source."""
    names = sources.astype(str).to_numpy().copy()
    for i in range(n_base, len(names)):
        names[i] = names[i].rsplit(" [", 1)[0]
    return names


def evidence_table(problem, fit, priors: pd.DataFrame, n_base: int) -> pd.DataFrame:
    if fit is None or fit.right is None:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    names = base_names(problem.sources, n_base)
    whole = pd.DataFrame({"source": names, "right": fit.right, "total": fit.total})
    whole = whole.groupby("source", sort=True, as_index=False)[["right", "total"]].sum()
    rel = pd.Series(fit.reliability[:n_base], index=names[:n_base])
    whole["reliability"] = whole["source"].map(rel).to_numpy()
    whole["attribute"] = ""
    rows_s, rows_i, rows_r, rows_t = [], [], [], []
    global_item = problem.part.cand_item
    for offset, p in fit.parts:
        probs = fit.module.stats_probs(p, fit.reliability)
        rows_s.append(p.assert_source)
        rows_i.append(global_item[offset + p.assert_cand])
        rows_r.append(p.assert_w * probs[p.assert_cand])
        rows_t.append(p.assert_w)
    per = pd.DataFrame({"sid": np.concatenate(rows_s), "item": np.concatenate(rows_i),
                        "right": np.concatenate(rows_r), "total": np.concatenate(rows_t)})
    per["source"] = names[per["sid"].to_numpy()]
    per["attribute"] = problem.items["attribute"].astype(str).to_numpy()[per["item"].to_numpy()]
    per = per.groupby(["source", "attribute"], sort=True, as_index=False)[["right", "total"]].sum()
    per = per[per["total"] > 0]
    prior = priors.iloc[:n_base].set_index(priors["source"].iloc[:n_base].astype(str))
    a = per["source"].map(prior["a"]).to_numpy(dtype=float)
    b = per["source"].map(prior["b"]).to_numpy(dtype=float)
    per["reliability"] = (a + per["right"]) / (a + b + per["total"])
    out = pd.concat([whole[EVIDENCE_COLUMNS], per[EVIDENCE_COLUMNS]], ignore_index=True)
    return out.sort_values(["source", "attribute"], kind="stable").reset_index(drop=True)
