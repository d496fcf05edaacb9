"""Things that must not change the verdicts: row order, source names, how the feed is split into files; and the
same inputs must give byte-identical outputs."""
from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import cli, verdict_map, write_csv, write_rules
from reconcile.pipeline import reconcile_frame
from reconcile.rules.model import Rules

COLUMNS = ["source", "subject", "attribute", "value", "published_at", "quote"]
RULES = {
    "version": 1,
    "sources": {"priors": {}},
    "attributes": {
        "control": {"values": {"government": ["government forces"], "taliban": ["the taliban"]},
                    "half_life": "1d"},
        "escaped": {"kind": "numeric", "equivalence": {"relative": 0.05}},
        "authors": {"kind": "text", "equivalence": {"match": "person_names"}},
    },
}
RULES_YAML = """
version: 1
attributes:
  control:
    values: {government: [government forces], taliban: [the taliban]}
    half_life: 1d
  escaped: {kind: numeric, equivalence: {relative: 0.05}}
  authors: {kind: text, equivalence: {match: person_names}}
"""


def _feed() -> pd.DataFrame:
    rng = random.Random(11)
    sources = ["Reuters", "AFP", "AP", "TOLOnews", "Pajhwok", "Khaama", "Ariana", "BBC"]
    rows = []
    for k, city in enumerate(["Kunduz", "Herat", "Mazar", "Ghazni", "Kandahar"]):
        for s in rng.sample(sources, 5):
            day = rng.randint(1, 4)
            value = rng.choice(["government", "taliban", "the taliban", "Government Forces", "contested"])
            rows.append([s, city, "control", value, f"2021-07-0{day}T{rng.randint(10, 23)}:00:00Z", f"{s} on {city}"])
        for s in rng.sample(sources, 3):
            rows.append([s, city, "escaped", rng.choice(["100", "102", "1,000", "98", "250"]),
                         "2021-07-02T10:00:00Z", ""])
    rows.append(["TOLOnews", "Kunduz", "control", "taliban", "2021-07-03T10:00:00Z", "self"])  # self-contradiction
    rows.append(["TOLOnews", "Kunduz", "control", "government", "2021-07-03T11:00:00Z", "self"])
    rows += [["AFP", "book1", "authors", "Knuth, Donald E.", "2021-07-01T00:00:00Z", ""],
             ["AP", "book1", "authors", "Donald E. Knuth", "2021-07-01T00:00:00Z", ""],
             ["BBC", "book1", "authors", "Graham, Ronald", "2021-07-01T00:00:00Z", ""]]
    rows.append(rows[0])  # an exact duplicate row
    return pd.DataFrame(rows, columns=COLUMNS)


FEED = _feed()
RULES_MODEL = Rules.model_validate(RULES)
BASELINE = reconcile_frame(FEED, RULES_MODEL)


def _contradiction_map(result, rename=lambda s: s) -> set:
    c = result.contradictions
    return {(r.subject, r.attribute, r.kind, rename(r.source), round(float(r.severity), 9))
            for r in c.itertuples(index=False)}


def test_baseline_is_not_trivial():
    v = BASELINE.verdicts
    assert len(v) == 11
    assert set(BASELINE.contradictions["kind"]) >= {"self_contradiction", "value_conflict"}
    assert BASELINE.counts["duplicate_rows"] == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_shuffling_rows_does_not_change_verdicts(rnd):
    order = list(range(len(FEED)))
    rnd.shuffle(order)
    shuffled = FEED.iloc[order].reset_index(drop=True)
    result = reconcile_frame(shuffled, RULES_MODEL)
    assert verdict_map(result.verdicts) == verdict_map(BASELINE.verdicts)
    assert dict(zip(zip(result.verdicts["subject"], result.verdicts["attribute"]),
                    result.verdicts["supporting_sources"])) == \
        dict(zip(zip(BASELINE.verdicts["subject"], BASELINE.verdicts["attribute"]),
                 BASELINE.verdicts["supporting_sources"]))
    assert _contradiction_map(result) == _contradiction_map(BASELINE)


def test_renaming_every_source_consistently_keeps_values_and_confidences():
    names = sorted(FEED["source"].unique())
    # reversed alphabetical order under the new names, so source ids are permuted too
    new = {old: f"outlet-{len(names) - i:02d}" for i, old in enumerate(names)}
    renamed = FEED.assign(source=FEED["source"].map(new))
    result = reconcile_frame(renamed, RULES_MODEL)
    assert verdict_map(result.verdicts) == verdict_map(BASELINE.verdicts)
    base_sources = BASELINE.verdicts["supporting_sources"].map(
        lambda s: ";".join(sorted(new[x] for x in s.split(";")))).tolist()
    got_sources = result.verdicts["supporting_sources"].map(lambda s: ";".join(sorted(s.split(";")))).tolist()
    assert got_sources == base_sources
    rel = BASELINE.sources.set_index("source")["reliability"].rename(index=new).sort_index()
    pd.testing.assert_series_equal(result.sources.set_index("source")["reliability"].sort_index(), rel,
                                   check_exact=False, atol=1e-12, rtol=0)
    assert _contradiction_map(result) == _contradiction_map(BASELINE, lambda s: new.get(s, s))


def _run(tmp_path, out, *feeds, extra=()):
    rules = tmp_path / "rules.yaml"
    if not rules.exists():
        write_rules(rules, RULES_YAML)
    code, _, err = cli("run", *feeds, "--rules", rules, "--out", tmp_path / out, *extra)
    assert code == 0, err
    return tmp_path / out


def test_shuffled_feed_gives_byte_identical_tables(tmp_path):
    a = write_csv(tmp_path / "a.csv", FEED.values.tolist(), columns=COLUMNS)
    b = write_csv(tmp_path / "b.csv", FEED.sample(frac=1, random_state=5).values.tolist(), columns=COLUMNS)
    out_a, out_b = _run(tmp_path, "oa", a), _run(tmp_path, "ob", b)
    for name in ("verdicts.csv", "contradictions.csv", "sources.csv"):
        assert (out_a / name).read_bytes() == (out_b / name).read_bytes(), name


def test_splitting_the_feed_into_two_files_does_not_change_verdicts(tmp_path):
    whole = write_csv(tmp_path / "whole.csv", FEED.values.tolist(), columns=COLUMNS)
    half = len(FEED) // 2
    one = write_csv(tmp_path / "one.csv", FEED.iloc[:half].values.tolist(), columns=COLUMNS)
    two = write_csv(tmp_path / "two.csv", FEED.iloc[half:].values.tolist(), columns=COLUMNS)
    out_whole, out_split = _run(tmp_path, "whole", whole), _run(tmp_path, "split", one, two)
    for name in ("verdicts.csv", "contradictions.csv", "sources.csv"):
        assert (out_whole / name).read_bytes() == (out_split / name).read_bytes(), name


@pytest.mark.parametrize("extra", [(), ("--as-of", "2021-07-05T00:00:00Z")], ids=["default-as-of", "as-of"])
def test_same_inputs_give_byte_identical_outputs(tmp_path, extra):
    feed = write_csv(tmp_path / "feed.csv", FEED.values.tolist(), columns=COLUMNS)
    first = _run(tmp_path, "first", feed, extra=extra)
    second = _run(tmp_path, "second", feed, extra=extra)
    for name in ("verdicts.csv", "verdicts.parquet", "contradictions.csv", "sources.csv", "rejects.csv",
                 "report.md", "run.json", "claims.parquet"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # and again into the same folder, replacing the first result
    again = _run(tmp_path, "first", feed, extra=extra)
    assert (again / "run.json").read_bytes() == (second / "run.json").read_bytes()
