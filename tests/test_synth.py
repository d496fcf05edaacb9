"""Tests of the synthetic feed generator (reconcile.synth) and `reconcile synth`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reconcile.cli import main
from reconcile.errors import EXIT_USAGE, UsageError
from reconcile.synth import SynthConfig, generate, write

SMALL = dict(n_claims=20_000, n_sources=40, n_subjects=2_000)


def _files(directory) -> dict[str, bytes]:
    return {name: open(os.path.join(directory, name), "rb").read() for name in sorted(os.listdir(directory))}


def _truthful(claims: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    t = truth.set_index(["subject", "attribute"])["value"].astype(str)
    expected = t.reindex(pd.MultiIndex.from_arrays([claims["subject"], claims["attribute"]])).to_numpy()
    return pd.Series(claims["value"].astype(str).to_numpy() == expected, index=claims.index)


def test_columns_and_compact_dtypes():
    feed = generate(SynthConfig(seed=3, attributes=("a", "b"), **SMALL))
    c = feed.claims
    assert list(c.columns) == ["source", "subject", "attribute", "value", "published_at", "valid_at"]
    for col in ("source", "subject", "attribute", "value"):
        assert isinstance(c[col].dtype, pd.CategoricalDtype)
        assert c[col].notna().all()
    assert str(c["published_at"].dtype) == "datetime64[ns, UTC]"
    assert c["published_at"].is_monotonic_increasing
    assert (c["valid_at"] == c["published_at"]).all()
    start = pd.Timestamp("2024-01-01T00:00:00Z")
    assert c["published_at"].min() >= start and c["published_at"].max() < start + pd.Timedelta(days=365)
    assert set(c["value"].cat.categories) == {f"v{i}" for i in range(10)}
    assert len(c) == feed.stats["n_claims"] == SMALL["n_claims"]
    assert len(feed.truth) == SMALL["n_subjects"] * 2
    assert set(feed.sources.columns) >= {"source", "reliability", "is_copier", "copies_from"}


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    config = SynthConfig(seed=7, change_rate=0.2, n_copiers=3, stale_prob=0.1, **SMALL)
    for fmt in ("parquet", "csv"):
        a, b = tmp_path / f"a_{fmt}", tmp_path / f"b_{fmt}"
        write(generate(config), str(a), fmt=fmt)
        write(generate(config), str(b), fmt=fmt)
        assert _files(a) == _files(b)
        names = set(_files(a))
        assert names == {"claims.parquet" if fmt == "parquet" else "claims.csv.gz",
                         "truth.csv", "timeline.csv", "sources.csv", "stats.json"}
    other = generate(SynthConfig(seed=8, change_rate=0.2, n_copiers=3, stale_prob=0.1, **SMALL))
    assert not other.claims.equals(generate(config).claims)
    assert not [n for n in os.listdir(tmp_path / "a_parquet") if n.endswith(".tmp")]


def test_written_files_read_back(tmp_path):
    feed = generate(SynthConfig(seed=1, change_rate=0.3, **SMALL))
    write(feed, str(tmp_path / "p"))
    back = pd.read_parquet(tmp_path / "p" / "claims.parquet")
    assert len(back) == len(feed.claims)
    assert (back["value"].astype(str).to_numpy() == feed.claims["value"].astype(str).to_numpy()).all()
    assert (back["published_at"] == feed.claims["published_at"]).all()
    write(feed, str(tmp_path / "c"), fmt="csv")
    csv = pd.read_csv(tmp_path / "c" / "claims.csv.gz")
    assert csv["published_at"].iloc[0].endswith("Z") and "T" in csv["published_at"].iloc[0]
    assert (pd.to_datetime(csv["valid_at"], utc=True) == feed.claims["valid_at"]).all()
    timeline = pd.read_csv(tmp_path / "c" / "timeline.csv")
    assert len(timeline) == len(feed.timeline)
    stats = json.loads((tmp_path / "c" / "stats.json").read_text())
    assert stats["oracle_accuracy"] == pytest.approx(feed.stats["oracle_accuracy"])
    assert stats["config"]["seed"] == 1


def test_empirical_accuracy_matches_reliability():
    feed = generate(SynthConfig(seed=2, n_claims=200_000, n_sources=20, n_subjects=5_000, activity="uniform"))
    ok = _truthful(feed.claims, feed.truth)
    empirical = ok.groupby(feed.claims["source"].astype(str)).mean()
    rel = feed.sources.set_index("source")["reliability"]
    # ~10,000 claims per source: binomial standard error <= 0.005
    assert np.abs(empirical - rel.reindex(empirical.index)).max() < 0.025
    assert feed.stats["claim_accuracy"] == pytest.approx(ok.mean())
    # wrong values are spread uniformly over the other nine values
    wrong = feed.claims.loc[~ok, "value"].astype(str).value_counts(normalize=True)
    assert len(wrong) == 10 and wrong.max() < 0.13


def test_activity_is_skewed():
    feed = generate(SynthConfig(seed=4, activity="zipf", activity_skew=1.2, **SMALL))
    counts = feed.sources["n_claims"].sort_values(ascending=False).to_numpy()
    assert counts[0] > 10 * np.median(counts)
    flat = generate(SynthConfig(seed=4, activity="uniform", **SMALL)).sources["n_claims"]
    assert flat.max() < 1.5 * flat.min()


def test_state_changes_in_timeline_and_claims():
    config = SynthConfig(seed=5, n_claims=60_000, n_sources=10, n_subjects=500, change_rate=0.5,
                         changes_per_subject=2, reliability_beta=(200.0, 0.5))  # near-perfect sources
    feed = generate(config)
    tl = feed.timeline
    changed = feed.truth[feed.truth["changes"] == 2]
    assert len(changed) == 250 and feed.stats["n_changed_cells"] == 250
    per_cell = tl.groupby(["subject", "attribute"], observed=True).size()
    assert per_cell.max() == 3 and (per_cell == 3).sum() == 250 and (per_cell == 1).sum() == 250
    # intervals tile the window and consecutive values differ
    tl = tl.sort_values(["subject", "attribute", "valid_from"])
    g = tl.groupby(["subject", "attribute"], observed=True)
    assert (g["valid_from"].first() == pd.Timestamp("2024-01-01T00:00:00Z")).all()
    assert (g["valid_to"].last() == pd.Timestamp("2024-12-31T00:00:00Z")).all()
    nxt = g["valid_from"].shift(-1)
    assert (tl["valid_to"][nxt.notna()] == nxt.dropna()).all()
    prev_value = g["value"].shift(1)
    assert (tl["value"].astype(str)[prev_value.notna()] != prev_value.dropna().astype(str)).all()
    final = g["value"].last().astype(str)
    truth = feed.truth.set_index(["subject", "attribute"])["value"].astype(str)
    assert (final.reindex(truth.index) == truth).all()
    # each claim reports the state valid at its valid_at (sources are ~99.8% accurate)
    merged = feed.claims.merge(feed.timeline, on=["subject", "attribute"], suffixes=("", "_true"))
    merged = merged[(merged["valid_at"] >= merged["valid_from"]) & (merged["valid_at"] < merged["valid_to"])]
    assert len(merged) == len(feed.claims)
    ok = merged["value"].astype(str) == merged["value_true"].astype(str)
    assert ok.mean() > 0.98
    late = merged[merged["subject"].isin(changed["subject"]) & (merged["valid_from"] > pd.Timestamp("2024-01-01T00:00:00Z"))]
    assert len(late) > 1000 and (late["value"].astype(str) == late["value_true"].astype(str)).mean() > 0.98


def test_stale_claims_report_previous_state():
    base = dict(seed=6, n_claims=60_000, n_sources=10, n_subjects=500, change_rate=1.0,
                reliability_beta=(200.0, 0.5))
    fresh = generate(SynthConfig(**base))
    stale = generate(SynthConfig(stale_prob=0.5, **base))

    def after_change_ok(feed):
        m = feed.claims.merge(feed.timeline, on=["subject", "attribute"], suffixes=("", "_true"))
        m = m[(m["valid_at"] >= m["valid_from"]) & (m["valid_at"] < m["valid_to"])]
        m = m[m["valid_from"] > pd.Timestamp("2024-01-01T00:00:00Z")]
        return (m["value"].astype(str) == m["value_true"].astype(str)).mean()

    assert after_change_ok(fresh) > 0.98
    assert 0.4 < after_change_ok(stale) < 0.6


def test_valid_lag():
    feed = generate(SynthConfig(seed=6, valid_lag_seconds=86_400, **SMALL))
    lag = (feed.claims["published_at"] - feed.claims["valid_at"]).dt.total_seconds()
    assert lag.min() >= 0 and lag.max() <= 86_400 and lag.mean() > 20_000


def test_copiers_repeat_target_claims_errors_included():
    feed = generate(SynthConfig(seed=9, n_copiers=4, copy_prob=0.6, **SMALL))
    c, src = feed.claims, feed.sources
    copiers = src[src["is_copier"]]
    assert len(copiers) == 4 and feed.stats["n_claims_copied"] == int(feed.is_copy.sum()) > 0
    assert not src.loc[src["source"].isin(copiers["copies_from"].astype(str)), "is_copier"].any()
    ok = _truthful(c, feed.truth)
    for _, row in copiers.iterrows():
        copies = c[feed.is_copy & (c["source"] == row["source"])]
        target = c[~feed.is_copy & (c["source"] == row["copies_from"])]
        share = len(copies) / len(target)
        assert 0.45 < share < 0.75
        key = ["subject", "attribute", "value", "valid_at"]
        m = copies.merge(target, on=key, suffixes=("", "_t"))
        m = m[(m["published_at"] > m["published_at_t"])
              & (m["published_at"] <= m["published_at_t"] + pd.Timedelta(seconds=3600))]
        assert m.drop_duplicates(["subject", "attribute", "valid_at", "published_at"]).shape[0] == len(copies)
        # errors included: the copies are exactly as accurate as the copied claims
        assert ok[copies.index].mean() == pytest.approx(ok[target.index].mean(), abs=0.08)
        assert (~ok[copies.index]).sum() > 0
    # "add" keeps the independent claims unchanged
    plain = generate(SynthConfig(seed=9, **SMALL)).claims
    assert plain.reset_index(drop=True).equals(c[~feed.is_copy].reset_index(drop=True))


def test_copy_mode_replace():
    feed = generate(SynthConfig(seed=9, n_copiers=3, copy_mode="replace", **SMALL))
    copier_names = feed.sources.loc[feed.sources["is_copier"], "source"]
    rows = feed.claims["source"].isin(copier_names)
    assert rows.sum() > 0 and (feed.is_copy == rows.to_numpy()).all()


def test_copy_attack_structure():
    config = SynthConfig(seed=11, scenario="copy_attack", attack_subjects=50, **SMALL)
    feed = generate(config)
    src, c = feed.sources, feed.claims
    roles = src["role"].astype(str).value_counts()
    assert roles["attack_honest"] == 3 and roles["attack_origin"] == 1 and roles["attack_copier"] == 20
    origin = src.loc[src["role"] == "attack_origin", "source"].iloc[0]
    assert (src.loc[src["role"] == "attack_copier", "copies_from"] == origin).all()
    attack_subjects = feed.truth["subject"].astype(str).iloc[-50:]
    on = c[c["subject"].astype(str).isin(attack_subjects)]
    assert len(on) == 50 * 24  # 3 honest + 1 origin + 20 copiers, one claim each per cell
    truth = feed.truth.set_index("subject")["value"].astype(str)
    role = on["source"].map(src.set_index("source")["role"].astype(str)).astype(str)
    right = on["value"].astype(str).to_numpy() == truth.reindex(on["subject"].astype(str)).to_numpy()
    assert right[(role == "attack_honest").to_numpy()].all()
    assert not right[(role != "attack_honest").to_numpy()].any()
    per_cell = on[role != "attack_honest"].groupby("subject", observed=True)["value"].nunique()
    assert (per_cell == 1).all()  # every low-quality source repeats the one false report
    assert (feed.truth.loc[feed.truth["subject"].isin(attack_subjects), "changes"] == 0).all()
    s = feed.stats
    assert s["attack_cells"] == 50 and s["attack_majority_accuracy"] == 0.0
    assert s["attack_oracle_accuracy_independent"] == 1.0
    assert s["attack_oracle_accuracy"] == 0.0  # the naive oracle is fooled by the copies


def test_oracle_accuracy_is_sane():
    feed = generate(SynthConfig(seed=12, n_claims=30_000, n_sources=50, n_subjects=5_000))
    s = feed.stats
    assert s["majority_accuracy"] - 0.02 <= s["oracle_accuracy"] <= 1.0
    assert s["oracle_accuracy"] > 0.8
    # recompute the oracle independently (pandas groupby) and compare
    c = feed.claims
    rel = feed.sources.set_index("source")["reliability"].clip(1e-9, 1 - 1e-9)
    w = np.log(9 * rel / (1 - rel))
    df = pd.DataFrame({"subject": c["subject"].astype(str), "value": c["value"].astype(str),
                       "w": c["source"].astype(str).map(w).astype(float)})
    sums = df.groupby(["subject", "value"])["w"].sum().reset_index()
    sums = sums.sort_values(["subject", "w", "value"], ascending=[True, False, True])
    winners = sums.drop_duplicates("subject").set_index("subject")["value"]
    truth = feed.truth.set_index(feed.truth["subject"].astype(str))["value"].astype(str)
    assert (winners == truth.reindex(winners.index)).mean() == pytest.approx(s["oracle_accuracy"])
    # weak sources: the oracle is clearly below 1 but still beats the majority vote
    weak = generate(SynthConfig(seed=12, n_claims=30_000, n_sources=50, n_subjects=5_000,
                                reliability_beta=(1.0, 1.5))).stats
    assert weak["majority_accuracy"] <= weak["oracle_accuracy"] < 0.99


def test_invalid_config():
    with pytest.raises(UsageError):
        generate(SynthConfig(domain_size=1))
    with pytest.raises(UsageError):
        generate(SynthConfig(n_sources=10, scenario="copy_attack"))
    with pytest.raises(UsageError):
        generate(SynthConfig(change_rate=1.5))


def test_cli(tmp_path, capsys):
    out = tmp_path / "feed"
    code = main(["synth", "--claims", "5000", "--sources", "30", "--subjects", "500", "--seed", "1",
                 "--out", str(out), "--change-rate", "0.1", "--copiers", "2"])
    assert code == 0
    line = capsys.readouterr().out.strip()
    assert "5000" in line and "oracle accuracy" in line and len(line.splitlines()) == 1
    assert (out / "claims.parquet").exists() and (out / "stats.json").exists()
    assert main(["synth", "--claims", "10", "--sources", "5", "--scenario", "copy_attack", "--out", str(out)]) == EXIT_USAGE
    assert main(["synth", "--claims", "1000", "--sources", "30", "--subjects", "50", "--format", "csv",
                 "--scenario", "copy_attack", "--attack-subjects", "5", "--out", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "claims.csv.gz").exists()


def test_vote_dense_and_sparse_paths_agree_ties_to_smallest_value():
    from reconcile.synth.model import _vote

    rng = np.random.default_rng(0)
    cell = rng.integers(0, 300, 3_000)
    value = rng.integers(0, 10, 3_000)
    weight = rng.choice([-0.5, 1.0, 2.0], 3_000)  # coarse weights: many exact ties
    dense = _vote(cell, value, weight, 300, 10)
    sparse = _vote(cell * 2_000, value, weight, 600_000, 10)[::2_000]  # 6M bins: the sort-based path
    assert (dense == sparse).all()
    sums = pd.DataFrame({"cell": cell, "value": value, "w": weight}).groupby(["cell", "value"])["w"].sum()
    best = sums.reset_index().sort_values(["cell", "w", "value"], ascending=[True, False, True])
    expected = best.drop_duplicates("cell").set_index("cell")["value"].reindex(range(300), fill_value=-1)
    assert (dense == expected.to_numpy()).all()
    assert (_vote(np.array([0, 0]), np.array([3, 1]), None, 1, 10) == [1]).all()  # tie -> smallest value


def test_the_synthetic_example_rules_configure_what_the_generator_emits(tmp_path):
    """rules/examples/synthetic.yaml is the rules for `reconcile synth` with its defaults: every attribute and
    value the generator writes is configured there (no attribute configured that it does not emit)."""
    import pandas as pd

    from reconcile.rules import load_rules

    out = tmp_path / "feed"
    assert main(["synth", "--claims", "2000", "--sources", "20", "--subjects", "200", "--out", str(out)]) == 0
    feed = pd.read_parquet(out / "claims.parquet")
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules" / "examples" / "synthetic.yaml").rules
    assert set(feed["attribute"].astype(str)) == set(rules.attributes)
    for attribute, rule in rules.attributes.items():
        assert feed.loc[feed["attribute"] == attribute, "value"].nunique() <= (rule.domain_size or 10)
