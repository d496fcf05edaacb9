"""The generator: configuration, model and oracle (documented in reconcile/synth/__init__.py)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError

NS = 1_000_000_000
ROLES = ["plain", "copier", "attack_honest", "attack_origin", "attack_copier"]


@dataclass(frozen=True)
class SynthConfig:
    seed: int = 0
    n_claims: int = 100_000
    n_sources: int = 100
    n_subjects: int = 10_000
    attributes: tuple[str, ...] = ("status",)
    domain_size: int = 10
    reliability_beta: tuple[float, float] = (4.0, 2.0)
    activity: str = "zipf"  # zipf | lognormal | uniform
    activity_skew: float = 1.0  # Zipf exponent or lognormal sigma
    start: str = "2024-01-01T00:00:00Z"
    span_days: float = 365.0
    valid_lag_seconds: int = 0
    change_rate: float = 0.0
    changes_per_subject: int = 1
    stale_prob: float = 0.0
    n_copiers: int = 0
    copy_prob: float = 0.5
    copy_mode: str = "add"  # add | replace
    copy_lag_seconds: int = 3600
    scenario: str = "plain"  # plain | copy_attack
    attack_subjects: int = 100
    attack_honest: int = 3
    attack_copiers: int = 20
    attack_reliability: tuple[float, float] = (0.9, 0.3)

    def validate(self) -> None:
        problems = []
        if self.n_claims < 0 or self.n_sources < 1 or self.n_subjects < 1:
            problems.append("n_claims must be >= 0, n_sources and n_subjects >= 1")
        if not self.attributes or len(set(self.attributes)) != len(self.attributes):
            problems.append("attributes must be non-empty and distinct")
        if not 2 <= self.domain_size <= 32767:
            problems.append("domain_size must be in [2, 32767]")
        if min(self.reliability_beta) <= 0:
            problems.append("reliability_beta parameters must be > 0")
        if self.activity not in ("zipf", "lognormal", "uniform"):
            problems.append(f"unknown activity {self.activity!r} (zipf, lognormal, uniform)")
        if self.span_days * 86400 < 2 or self.valid_lag_seconds < 0 or self.copy_lag_seconds < 1:
            problems.append("span_days must cover >= 2 s, valid_lag_seconds >= 0, copy_lag_seconds >= 1")
        for name in ("change_rate", "stale_prob", "copy_prob"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be in [0, 1]")
        if self.changes_per_subject < 1:
            problems.append("changes_per_subject must be >= 1")
        if self.copy_mode not in ("add", "replace"):
            problems.append(f"unknown copy_mode {self.copy_mode!r} (add, replace)")
        if self.scenario not in ("plain", "copy_attack"):
            problems.append(f"unknown scenario {self.scenario!r} (plain, copy_attack)")
        special = self.n_copiers
        if self.scenario == "copy_attack":
            special += self.attack_honest + 1 + self.attack_copiers
            if not 1 <= self.attack_subjects < self.n_subjects or self.attack_honest < 1 or self.attack_copiers < 0:
                problems.append("copy_attack needs 1 <= attack_subjects < n_subjects and attack_honest >= 1")
        if self.n_copiers < 0 or special >= self.n_sources:
            problems.append(f"n_sources ({self.n_sources}) must exceed copiers and attack sources ({special})")
        try:
            _start_ns(self.start)
        except (ValueError, TypeError):
            problems.append(f"start {self.start!r} is not a timestamp")
        if problems:
            raise UsageError("invalid synth configuration: " + "; ".join(problems))


@dataclass
class SynthFeed:
    claims: pd.DataFrame  # source, subject, attribute, value, published_at, valid_at
    truth: pd.DataFrame  # subject, attribute, value (state at end of window), n_claims, changes
    timeline: pd.DataFrame  # subject, attribute, valid_from, valid_to, value
    sources: pd.DataFrame  # source, reliability, activity, role, is_copier, copies_from, n_claims
    stats: dict[str, Any]
    is_copy: np.ndarray  # bool per claims row: the row is a copy of another source's claim


def _start_ns(start: str | pd.Timestamp) -> int:
    ts = pd.Timestamp(start)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int(ts.as_unit("ns").value)


def _labels(prefix: str, n: int) -> pd.Index:
    width = len(str(max(n - 1, 0)))
    return pd.Index([f"{prefix}{i:0{width}d}" for i in range(n)], dtype=object)


def _times(start_ns: int, seconds: np.ndarray) -> pd.Series:
    ns = np.asarray(seconds, dtype=np.int64) * NS + start_ns
    return pd.Series(pd.DatetimeIndex(ns.view("M8[ns]"), dtype="datetime64[ns, UTC]"))  # UTC: no shift


def _vote(cell: np.ndarray, value: np.ndarray, weight: np.ndarray | None, n_cells: int, d: int) -> np.ndarray:
    """Winning value code per cell (-1 where no claim): largest summed weight, ties to the smallest value."""
    key = cell.astype(np.int64) * d + value
    winner = np.full(n_cells, -1, dtype=np.int64)
    if n_cells * d <= max(4 * len(key), 1 << 22):  # dense table
        sums = np.bincount(key, weights=weight, minlength=n_cells * d).astype(np.float64)
        sums[np.bincount(key, minlength=n_cells * d) == 0] = -np.inf  # only values somebody claimed
        sums = sums.reshape(n_cells, d)
        seen = np.bincount(cell, minlength=n_cells) > 0
        winner[seen] = sums[seen].argmax(axis=1)  # argmax returns the first, i.e. smallest, maximum
        return winner
    uniq, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=weight, minlength=len(uniq)).astype(np.float64, copy=False)
    ucell, uval = uniq // d, uniq % d
    order = np.lexsort((uval, -sums, ucell))
    first = order[np.r_[True, ucell[order][1:] != ucell[order][:-1]]]
    winner[ucell[first]] = uval[first]
    return winner


def generate(config: SynthConfig) -> SynthFeed:
    c = config
    c.validate()
    d, n_attr, S = c.domain_size, len(c.attributes), c.n_sources
    start_ns, span = _start_ns(c.start), int(round(c.span_days * 86400))
    vdt = np.int8 if d <= 127 else np.int16
    rng = [np.random.default_rng([c.seed, part]) for part in range(5)]
    attack = c.scenario == "copy_attack"

    # -- sources: reliability, activity, roles, copy targets
    r = rng[0]
    rel = r.beta(*c.reliability_beta, size=S)
    if c.activity == "zipf":
        act = (1.0 + r.permutation(S)) ** -float(c.activity_skew)
    elif c.activity == "lognormal":
        act = np.exp(float(c.activity_skew) * r.standard_normal(S))
    else:
        act = np.ones(S)
    role = np.zeros(S, dtype=np.int8)
    copies_from = np.full(S, -1, dtype=np.int64)
    order = r.permutation(S)
    honest = order[: c.attack_honest] if attack else order[:0]
    origin = int(order[c.attack_honest]) if attack else -1
    a_cop = order[c.attack_honest + 1 : c.attack_honest + 1 + c.attack_copiers] if attack else order[:0]
    if attack:
        rel[honest], rel[origin], rel[a_cop] = c.attack_reliability[0], c.attack_reliability[1], c.attack_reliability[1]
        role[honest], role[origin], role[a_cop], copies_from[a_cop] = 2, 3, 4, origin
    skip = len(honest) + len(a_cop) + (1 if attack else 0)
    copiers = np.sort(order[skip : skip + c.n_copiers])
    role[copiers] = 1
    if c.copy_mode == "replace":
        act[copiers] = 0.0
    cand = np.flatnonzero((role != 1) & (role != 4) & (act > 0))  # targets are never copiers
    if len(copiers):
        copies_from[copiers] = r.choice(cand, size=len(copiers), p=act[cand] / act[cand].sum())

    # -- truth: initial values, changes, timeline
    r = rng[1]
    n_cells = c.n_subjects * n_attr
    n_att_subj = c.attack_subjects if attack else 0
    base_subjects = c.n_subjects - n_att_subj
    n_base_cells = base_subjects * n_attr  # cell = subject * n_attr + attribute: attack cells come last
    init = r.integers(0, d, n_cells, dtype=vdt)
    n_chg, k = int(round(c.change_rate * n_base_cells)), c.changes_per_subject
    chg_cells = np.sort(r.choice(n_base_cells, n_chg, replace=False)) if n_chg else np.zeros(0, np.int64)
    chg_times = np.sort(r.integers(1, span, (n_chg, k)), axis=1)  # seconds after start
    steps = np.cumsum(r.integers(1, d, (n_chg, k)), axis=1)
    seg_vals = ((init[chg_cells].astype(np.int64)[:, None] + np.c_[np.zeros(n_chg, np.int64), steps]) % d).astype(vdt)
    chg_idx = np.full(n_cells, -1, dtype=np.int32)
    chg_idx[chg_cells] = np.arange(n_chg, dtype=np.int32)
    final = init.copy()
    final[chg_cells] = seg_vals[:, -1]

    # -- independent claims, generated in publication order
    r = rng[2]
    tdt = np.int32 if span + c.copy_lag_seconds < 2**31 else np.int64  # seconds after start
    cdt = np.int32 if n_cells < 2**31 else np.int64
    src = np.repeat(np.arange(S, dtype=np.int32), r.multinomial(c.n_claims, act / act.sum()))
    r.shuffle(src)
    n = len(src)
    cell = r.integers(0, base_subjects, n, dtype=cdt) * cdt(n_attr)
    if n_attr > 1:
        cell += r.integers(0, n_attr, n, dtype=cdt)
    pub = np.sort(r.integers(0, span, n, dtype=tdt))
    valid = np.maximum(pub - r.integers(0, c.valid_lag_seconds + 1, n, dtype=tdt), 0) if c.valid_lag_seconds else pub
    state = init[cell]  # fancy indexing: a fresh array, overwritten below into the claimed values
    m = np.flatnonzero(chg_idx[cell] >= 0)
    if len(m):
        ci = chg_idx[cell[m]]
        seg = (chg_times[ci] <= valid[m, None]).sum(axis=1)
        state[m] = seg_vals[ci, seg]
    cur = state.copy()  # the state true at valid_at
    if len(m) and c.stale_prob > 0:
        seg = seg - ((r.random(len(m)) < c.stale_prob) & (seg > 0))
        state[m] = seg_vals[ci, seg]
    bad = np.flatnonzero(r.random(n, dtype=np.float32) >= rel.astype(np.float32)[src])
    value = state
    value[bad] = ((state[bad].astype(np.int32) + r.integers(1, d, len(bad))) % d).astype(vdt)
    claim_ok = float(np.mean(value == cur)) if n else float("nan")
    del cur, m

    # -- copies and the copy attack: extra blocks merged into publication order
    r = rng[3]
    # (src, cell, value, pub, valid, is_copy)
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]] = []
    for cp in copiers:
        idx = np.flatnonzero(src == copies_from[cp])
        idx = idx[r.random(len(idx)) < c.copy_prob]
        lag = r.integers(1, c.copy_lag_seconds + 1, len(idx), dtype=tdt)
        blocks.append((np.full(len(idx), cp, np.int32), cell[idx], value[idx], pub[idx] + lag, valid[idx], True))
    if attack:
        r = rng[4]
        acells = np.arange(n_base_cells, n_cells, dtype=cdt)
        na = len(acells)
        for h in honest:
            t = r.integers(0, span, na, dtype=tdt)
            blocks.append((np.full(na, h, np.int32), acells, final[acells], t, t, False))
        false = ((final[acells].astype(np.int32) + r.integers(1, d, na)) % d).astype(vdt)
        t0 = r.integers(0, span, na, dtype=tdt)
        blocks.append((np.full(na, origin, np.int32), acells, false, t0, t0, False))
        for cp in a_cop:
            lag = r.integers(1, c.copy_lag_seconds + 1, na, dtype=tdt)
            blocks.append((np.full(na, cp, np.int32), acells, false, t0 + lag, t0, True))
    is_copy = np.zeros(n, dtype=bool)
    if blocks:
        extra = [np.concatenate([b[i] for b in blocks]) for i in range(5)]
        extra.append(np.concatenate([np.full(len(b[0]), b[5]) for b in blocks]))
        order = np.argsort(extra[3], kind="stable")
        extra = [a[order] for a in extra]
        pos = np.searchsorted(pub, extra[3], side="right")  # ties: the ordinary claim first
        src, cell, value, pub, valid, is_copy = (np.insert(a, pos, e) for a, e in
                                                 zip((src, cell, value, pub, valid, is_copy), extra))
        del extra, order, pos
    total = len(src)

    # -- oracle and reference votes (truth = state at the end of the window)
    w_src = np.log((d - 1) * np.clip(rel, 1e-9, 1 - 1e-9) / np.clip(1 - rel, 1e-9, 1))
    claimed = np.bincount(cell, minlength=n_cells)
    seen = claimed > 0

    def accuracy(win: np.ndarray, cells: slice = slice(None)) -> float:
        s = seen[cells]
        return float(np.mean(win[cells][s] == final[cells][s])) if s.any() else float("nan")

    oracle = _vote(cell, value, w_src[src], n_cells, d)
    indep = _vote(cell, value, np.where(is_copy, 0.0, w_src[src]), n_cells, d) if is_copy.any() else oracle
    majority = _vote(cell, value, None, n_cells, d)

    # -- tables
    src_labels, subj_labels = _labels("src", S), _labels("subj", c.n_subjects)
    val_labels, attr_labels = _labels("v", d), pd.Index(list(c.attributes), dtype=object)
    claims = pd.DataFrame({
        "source": pd.Categorical.from_codes(src, categories=src_labels),
        "subject": pd.Categorical.from_codes(cell // n_attr, categories=subj_labels),
        "attribute": pd.Categorical.from_codes(cell % n_attr, categories=attr_labels),
        "value": pd.Categorical.from_codes(value, categories=val_labels),
        "published_at": _times(start_ns, pub),
        "valid_at": _times(start_ns, valid),
    })
    del src, value, pub, valid
    cells = np.arange(n_cells)
    n_changes = np.where(chg_idx >= 0, k, 0)
    truth = pd.DataFrame({
        "subject": pd.Categorical.from_codes(cells // n_attr, categories=subj_labels),
        "attribute": pd.Categorical.from_codes(cells % n_attr, categories=attr_labels),
        "value": pd.Categorical.from_codes(final, categories=val_labels),
        "n_claims": claimed, "changes": n_changes,
    })
    nseg = 1 + n_changes
    seg_cell = np.repeat(cells, nseg)
    j = np.arange(len(seg_cell)) - np.repeat(np.cumsum(nseg) - nseg, nseg)  # segment number within its cell
    ci = chg_idx[seg_cell]
    ch = ci >= 0
    vfrom, vto, sval = np.zeros(len(j), np.int64), np.full(len(j), span, np.int64), init[seg_cell]
    vfrom[ch & (j > 0)] = chg_times[ci[ch & (j > 0)], j[ch & (j > 0)] - 1]
    inner = ch & (j < k)
    vto[inner] = chg_times[ci[inner], j[inner]]
    sval[ch] = seg_vals[ci[ch], j[ch]]
    timeline = pd.DataFrame({
        "subject": pd.Categorical.from_codes(seg_cell // n_attr, categories=subj_labels),
        "attribute": pd.Categorical.from_codes(seg_cell % n_attr, categories=attr_labels),
        "valid_from": _times(start_ns, vfrom), "valid_to": _times(start_ns, vto),
        "value": pd.Categorical.from_codes(sval, categories=val_labels),
    })
    target = pd.Categorical.from_codes(copies_from, categories=src_labels)  # -1 -> missing
    sources = pd.DataFrame({
        "source": src_labels, "reliability": rel, "activity": act / act.sum(),
        "role": pd.Categorical.from_codes(role, categories=pd.Index(ROLES)),
        "is_copier": copies_from >= 0, "copies_from": target,
        "n_claims": np.bincount(claims["source"].cat.codes, minlength=S),
    })

    stats = {
        "config": dataclasses.asdict(c),
        "n_claims": total, "n_claims_independent": int(total - is_copy.sum()), "n_claims_copied": int(is_copy.sum()),
        "n_sources": S, "n_copiers": int((copies_from >= 0).sum()), "n_subjects": c.n_subjects,
        "n_attributes": n_attr, "n_cells": n_cells, "n_cells_claimed": int(seen.sum()), "n_changed_cells": n_chg,
        "n_timeline_rows": len(timeline), "mean_reliability": float(rel.mean()),
        "claim_accuracy": claim_ok,  # ordinary independent claims reporting the state true at valid_at
        "oracle_accuracy": accuracy(oracle), "oracle_accuracy_independent": accuracy(indep),
        "majority_accuracy": accuracy(majority),
    }
    if attack:
        tail = slice(n_base_cells, n_cells)
        stats.update(attack_cells=n_cells - n_base_cells, attack_oracle_accuracy=accuracy(oracle, tail),
                     attack_oracle_accuracy_independent=accuracy(indep, tail),
                     attack_majority_accuracy=accuracy(majority, tail))
    return SynthFeed(claims, truth, timeline, sources, stats, is_copy)
