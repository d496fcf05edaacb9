"""Hand-made cases for the default model: reliability per (source, attribute), plain baselines, a copy detector
that stays silent among independent sources, syndicated quotes, and tolerance without chaining."""
from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules


def rules(**sections) -> Rules:
    return Rules.model_validate({"version": 1, **sections})


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "subject", "attribute", "value"])


# ---------------------------------------------------------------- reliability per (source, attribute)

def _two_attribute_feed() -> pd.DataFrame:
    """`t` agrees with three others on every gate and contradicts them on every time; two test subjects where
    `t` stands against a new source `n`."""
    rows = []
    for i in range(40):
        for s in ("a", "b", "c"):
            rows += [(s, f"f{i}", "gate", f"G{i}"), (s, f"f{i}", "time", f"{i}:00")]
        rows += [("t", f"f{i}", "gate", f"G{i}"), ("t", f"f{i}", "time", f"{i}:30")]
    rows += [("t", "x", "gate", "G1"), ("n", "x", "gate", "G2"),  # n: a new source with the default prior
             ("t", "y", "time", "1:30"), ("n", "y", "time", "1:00")]
    return frame(rows)


def test_reliability_is_learned_per_attribute_and_shown_next_to_the_source_level():
    result = reconcile_frame(_two_attribute_feed(), rules())
    per = result.source_attributes.set_index(["source", "attribute"])["reliability"]
    overall = result.sources.set_index("source")["reliability"]
    assert per["t", "gate"] > 0.7 and per["t", "time"] < 0.3
    assert per["t", "time"] < overall["t"] < per["t", "gate"]
    assert set(result.sources.columns) >= {"source", "prior", "reliability", "claims", "agreement"}
    verdicts = result.verdicts.set_index(["subject", "attribute"])["value"]
    assert verdicts["y", "time"] == "1:00"  # t is wrong on times: the newcomer n wins there
    # on gates t's own record (40 right of 40) outweighs its bad record on times
    assert per["t", "gate"] > result.source_attributes.set_index(["source", "attribute"])["source_reliability"]["t",
                                                                                                           "gate"]


def test_one_reliability_per_source_when_the_rules_say_so():
    result = reconcile_frame(_two_attribute_feed(), rules(solver={"per_attribute": False}))
    per = result.source_attributes.set_index(["source", "attribute"])["reliability"]
    assert per["t", "gate"] == per["t", "time"]


def test_few_claims_on_an_attribute_stay_near_the_source_reliability():
    rows = [(s, f"f{i}", "gate", f"G{i}") for i in range(40) for s in ("a", "b", "t")]
    rows += [("t", "z", "time", "1:30"), ("a", "z", "time", "1:00"), ("b", "z", "time", "1:00")]
    result = reconcile_frame(frame(rows), rules())
    per = result.source_attributes.set_index(["source", "attribute"])["reliability"]
    # one wrong time out of 41 claims: shrunk toward its (high) overall reliability, not 0
    assert per["t", "time"] > 0.6


def test_attribute_prior_and_source_attribute_prior_from_yaml():
    feed = frame([("a", "x", "time", "1"), ("b", "x", "time", "2"), ("a", "y", "gate", "G1"), ("b", "y", "gate", "G2")])
    r = rules(sources={"priors": {"a": {"reliability": 0.6, "attributes": {"time": {"reliability": 0.99,
                                                                                     "strength": 50}}}}},
              attributes={"gate": {"prior": {"reliability": 0.2, "strength": 50}}})
    result = reconcile_frame(feed, r)
    per = result.source_attributes.set_index(["source", "attribute"])
    assert per.loc[("a", "time"), "reliability"] > 0.85 and per.loc[("a", "time"), "prior_rule"] == "a/time"
    assert per.loc[("b", "gate"), "reliability"] < 0.4 and per.loc[("b", "gate"), "prior_rule"] == "attributes.gate"
    assert result.verdicts.set_index("subject").loc["x", "value"] == "1"


# ---------------------------------------------------------------- plain baselines

def _copied_feed() -> pd.DataFrame:
    """Four independent sources with their own rare slips; three mirrors of one site that share its wrong values
    on a third of the subjects (which gives the copying away). On the last subject two of the independent
    sources stand against the three mirrors."""
    rows = []
    for i in range(30):
        for k, s in enumerate(("a", "b", "c", "d")):
            rows.append((s, f"s{i}", "v", f"slip{k}" if i % 10 == k else "right"))
        for s in ("m1", "m2", "m3"):
            rows.append((s, f"s{i}", "v", "right" if i % 3 else f"wrong{i}"))
    rows += [(s, "last", "v", "A") for s in ("a", "b")] + [(s, "last", "v", "B") for s in ("m1", "m2", "m3")]
    return frame(rows)


def test_majority_and_truthfinder_are_the_textbook_methods_without_copy_discount():
    for solver in ("majority", "truthfinder"):
        result = reconcile_frame(_copied_feed(), rules(), solver=solver)
        assert result.copies.empty
        assert (result.claims["copy_discount"] == 1.0).all()
        assert result.verdicts.set_index("subject").loc["last", "value"] == "B"  # the plain vote


def test_baselines_apply_the_copy_discount_when_the_rules_ask():
    result = reconcile_frame(_copied_feed(), rules(copying={"enabled": True}), solver="majority")
    assert not result.copies.empty
    assert result.verdicts.set_index("subject").loc["last", "value"] == "A"


def test_accu_discounts_the_mirrors():
    result = reconcile_frame(_copied_feed(), rules())
    pairs = {tuple(sorted(p)) for p in result.copies[["source_a", "source_b"]].itertuples(index=False)}
    assert pairs == {("m1", "m2"), ("m1", "m3"), ("m2", "m3")}
    assert result.verdicts.set_index("subject").loc["last", "value"] == "A"


# ---------------------------------------------------------------- silence under independence

def test_an_independent_dense_feed_flags_no_copying():
    rng = np.random.default_rng(3)
    n_src, n_obj, per_obj = 300, 3000, 12
    acc = rng.beta(4, 2, n_src)
    src = np.concatenate([rng.choice(n_src, per_obj, replace=False) for _ in range(n_obj)])
    obj = np.repeat(np.arange(n_obj), per_obj)
    truth = rng.integers(0, 10, n_obj)
    right = rng.random(len(src)) < acc[src]
    value = np.where(right, truth[obj], (truth[obj] + rng.integers(1, 10, len(src))) % 10)
    feed = pd.DataFrame({"source": [f"s{i}" for i in src], "subject": [f"o{i}" for i in obj], "attribute": "v",
                         "value": [f"v{i}" for i in value]})
    result = reconcile_frame(feed, rules())
    assert len(result.copies) == 0
    assert (result.claims["copy_discount"] == 1.0).all()


# ---------------------------------------------------------------- syndicated quotes

QUOTE = "The minister said the bridge will reopen to traffic on Monday morning after the repairs"


def _syndication(quote_column: bool = True) -> pd.DataFrame:
    rows = [(f"wire{i}", "bridge", "status", "open", QUOTE if i % 2 else "  " + QUOTE.upper() + "!") for i in range(8)]
    rows.append(("wire8", "bridge", "status", "open", QUOTE.replace("the repairs", "repairs")))  # near-identical
    rows += [("local", "bridge", "status", "closed", "Engineers told us the bridge stays shut for another week"),
             ("radio", "bridge", "status", "closed", "Our reporter saw barriers still across the bridge today"),
             ("paper", "bridge", "status", "closed", "A council spokesperson confirmed the closure continues")]
    df = pd.DataFrame(rows, columns=["source", "subject", "attribute", "value", "quote"])
    return df if quote_column else df.drop(columns="quote")


def test_a_syndicated_quote_resolves_to_the_independent_reports():
    result = reconcile_frame(_syndication(), rules())
    assert result.verdicts["value"].tolist() == ["closed"]
    wires = {f"wire{i}" for i in range(9)}
    flagged = set(result.copies["source_a"]) | set(result.copies["source_b"])
    assert flagged == wires
    assert result.copies["evidence"].str.startswith("shared quote").all()
    assert len(result.copies) == 9 * 8 // 2


def test_without_the_quotes_the_syndicated_value_wins_by_numbers():
    assert reconcile_frame(_syndication(False), rules()).verdicts["value"].tolist() == ["open"]


def test_short_common_quotes_are_not_copy_evidence():
    df = pd.DataFrame([(s, "x", "a", "v", "No comment.") for s in ("p", "q", "r")],
                      columns=["source", "subject", "attribute", "value", "quote"])
    assert reconcile_frame(df, rules()).copies.empty


# ---------------------------------------------------------------- tolerance without chaining

def _times(counts: dict[str, int]) -> pd.DataFrame:
    rows, k = [], 0
    for value, n in counts.items():
        for _ in range(n):
            rows.append((f"s{k}", "UA-1", "actual_departure", value))
            k += 1
    return frame(rows)


CLOCK = {"actual_departure": {"kind": "time_of_day", "equivalence": {"tolerance": "1m"}}}


def test_a_chain_of_one_minute_steps_does_not_become_one_value():
    # single linkage would make 07:32-07:33-07:34 (15 claims) one value that outvotes 07:20 (10)
    result = reconcile_frame(_times({"07:32": 6, "07:33": 3, "07:34": 6, "07:20": 10}), rules(attributes=CLOCK))
    v = result.verdicts.iloc[0]
    assert v["value"] == "07:20"
    keys = result.claims.groupby("value")["value_key"].first()
    assert keys["07:33"] == "07:32" and keys["07:34"] == "07:34"  # grouped around 07:32, 07:34 apart


def test_a_long_chain_of_neighbours_splits_into_groups_around_centres():
    counts = {"07:31": 3, "07:32": 3, "07:33": 3, "07:34": 3, "07:35": 3, "07:20": 10}
    result = reconcile_frame(_times(counts), rules(attributes=CLOCK))
    assert result.verdicts["value"].iloc[0] == "07:20"
    assert result.claims["value_key"].nunique() == 4  # {31,32} {33,34} {35} {20}


# ---------------------------------------------------------------- sources with few claims

def _mostly_reliable_feed() -> pd.DataFrame:
    rows = [(s, f"f{i}", "v", "right" if (i + k) % 10 else "slip") for i in range(60)
            for k, s in enumerate(("a", "b", "c", "d"))]
    return frame(rows + [("newcomer", "f0", "v", "right")])


def test_a_source_with_one_claim_starts_from_what_is_typical_in_the_feed():
    result = reconcile_frame(_mostly_reliable_feed(), rules())
    src = result.sources.set_index("source")
    assert src.loc["newcomer", "prior_rule"] == "(learned from the feed)"
    assert 0.8 < src.loc["newcomer", "prior"] < 0.95  # the four regular sources are right 9 times in 10
    assert src.loc["newcomer", "reliability"] > 0.8


def test_a_default_reliability_in_the_rules_is_used_as_given():
    result = reconcile_frame(_mostly_reliable_feed(), rules(defaults={"reliability": 0.5}))
    src = result.sources.set_index("source")
    assert src.loc["newcomer", "prior"] == 0.5 and src.loc["newcomer", "prior_rule"] == ""


# ---------------------------------------------------------------- value hierarchies

def _places(tmp_path) -> Rules:
    (tmp_path / "places.csv").write_text("child,parent\nLos Angeles,California\nSan Diego,California\n"
                                         "California,USA\nAustin,Texas\nTexas,USA\n")
    (tmp_path / "rules.yaml").write_text("version: 1\nattributes:\n  place: {hierarchy: places.csv}\n")
    from reconcile.rules import load_rules

    return load_rules(str(tmp_path / "rules.yaml")).rules


def test_an_ancestor_claim_supports_the_finer_value_and_does_not_conflict(tmp_path):
    feed = frame([(s, "p1", "place", "California") for s in "abc"]
                 + [(s, "p1", "place", "Los Angeles") for s in "de"])
    result = reconcile_frame(feed, _places(tmp_path))
    v = result.verdicts.iloc[0]
    assert v["value"] == "Los Angeles" and v["runner_up"] == ""  # California agrees with it
    assert result.contradictions.empty
    # without the hierarchy the two are rivals and the coarse value wins by numbers
    flat = reconcile_frame(feed, rules())
    assert flat.verdicts["value"].iloc[0] == "California" and len(flat.contradictions) == 1


def test_the_verdict_stays_at_the_level_the_evidence_supports(tmp_path):
    feed = frame([("a", "p2", "place", "Texas"), ("b", "p2", "place", "Austin"), ("c", "p2", "place", "San Diego"),
                  ("d", "p2", "place", "Texas")])
    result = reconcile_frame(feed, _places(tmp_path))
    v = result.verdicts.iloc[0]
    assert v["value"] == "Texas"  # Austin alone is not enough; Texas (with Austin below it) is
    post = result.claims.groupby("value")["posterior"].first()
    assert v["confidence"] == post["Texas"] > post["Austin"]  # confidence: P(Texas or finer)
    assert result.contradictions["losing_sources"].tolist() == ["c"]  # only San Diego conflicts


def test_a_missing_hierarchy_file_is_a_located_rules_error(tmp_path):
    from reconcile.errors import RulesError
    from reconcile.rules import load_rules

    (tmp_path / "rules.yaml").write_text("version: 1\nattributes:\n  place: {hierarchy: nowhere.csv}\n")
    try:
        load_rules(str(tmp_path / "rules.yaml"))
    except RulesError as exc:
        assert "rules.yaml:3" in str(exc) and "nowhere.csv" in str(exc)
    else:
        raise AssertionError("expected a RulesError")


# ---------------------------------------------------------------- correlated votes (calibration without labels)

def test_votes_that_move_together_temper_the_confidence_but_not_the_choice():
    rng = np.random.default_rng(5)
    rows = []
    for i in range(300):  # errors come in blocks: on 30 % of the subjects 5 random sources share one wrong value
        block = set(rng.choice(12, 5, replace=False).tolist()) if rng.random() < 0.3 else set()
        for s in range(12):
            rows.append((f"s{s}", f"o{i}", "v", "B" if s in block else "A"))
    feed = frame(rows)
    # the design effect alone (the self-consistency map of solver.calibration is tested in test_calibration_unlabelled)
    tempered = reconcile_frame(feed, rules(solver={"calibration": "none"}))
    raw = reconcile_frame(feed, rules(solver={"correlated_votes": False, "calibration": "none"}))
    assert tempered.fit.rho > 0.1 and raw.fit.rho == 0.0
    assert tempered.verdicts["value"].tolist() == raw.verdicts["value"].tolist()
    assert (tempered.verdicts["confidence"] <= raw.verdicts["confidence"] + 1e-12).all()
    assert tempered.verdicts["confidence"].mean() < raw.verdicts["confidence"].mean() - 0.01
