"""The Python API of the daily loop: fit on day 1, carry, apply on day 2; same numbers as the CLI with --state."""
from __future__ import annotations

import pandas as pd
import pytest

from engine_helpers import cli, write_csv, write_rules
from reconcile.daily import Carried
from reconcile.rules import load_rules


def _claims(day):
    rows = []
    for i in range(15):
        for s in ("a", "b", "c"):
            rows.append({"source": s, "subject": f"s{i}", "attribute": "colour", "value": "red",
                         "published_at": f"2024-01-0{day}T10:00:00Z"})
        rows.append({"source": "d", "subject": f"s{i}", "attribute": "colour", "value": f"w{i % 4}",
                     "published_at": f"2024-01-0{day}T10:00:00Z"})
    return pd.DataFrame(rows)


def test_fit_carry_apply_matches_the_cli_with_state(tmp_path):
    rules_path = write_rules(tmp_path / "r.yaml", "version: 1\nstate: {forget: 0.5}\n")
    rules = load_rules(rules_path).rules
    model = Carried(rules)
    day1 = model.fit(_claims(1), as_of="2024-01-01T23:59:59Z")
    assert model.reliability()["d"] < 0.3
    model.save(tmp_path / "model.parquet")
    loaded = Carried.load(tmp_path / "model.parquet", rules)
    day2 = loaded.apply(_claims(2), as_of="2024-01-02T23:59:59Z")
    fresh = Carried(rules).apply(_claims(2), as_of="2024-01-02T23:59:59Z")
    prior = day2.sources.set_index("source")["prior"]
    assert prior["d"] < fresh.sources.set_index("source")["prior"]["d"]
    assert len(loaded.evidence) == len(model.evidence)  # apply does not learn
    # the CLI with a state file gives the same day-2 priors
    state = tmp_path / "s.duckdb"
    for day in (1, 2):
        feed = write_csv(tmp_path / f"d{day}.csv", _claims(day).to_dict("records"))
        code, _, err = cli("run", feed, "--rules", rules_path, "--out", tmp_path / f"o{day}", "--state", state,
                           "--as-of", f"2024-01-0{day}T23:59:59Z")
        assert code == 0, err
    cli_prior = pd.read_csv(tmp_path / "o2" / "sources.csv").set_index("source")["prior"]
    assert cli_prior["d"] == pytest.approx(prior["d"], abs=1e-6)
    assert Carried.from_state(state, rules).reliability()["a"] > 0.9
    assert day1.verdicts["value"].eq("red").all()


def _two_attributes(day):
    """d is right on colour and wrong on shape; a, b, c always agree."""
    rows = []
    for i in range(15):
        for attribute, value in (("colour", "red"), ("shape", "round")):
            for s in ("a", "b", "c"):
                rows.append({"source": s, "subject": f"s{i}", "attribute": attribute, "value": value,
                             "published_at": f"2024-01-0{day}T10:00:00Z"})
            wrong = f"w{i % 4}" if attribute == "shape" else value
            rows.append({"source": "d", "subject": f"s{i}", "attribute": attribute, "value": wrong,
                         "published_at": f"2024-01-0{day}T10:00:00Z"})
    return pd.DataFrame(rows)


def test_per_attribute_evidence_is_carried_to_the_pair_it_names(tmp_path):
    rules = load_rules(write_rules(tmp_path / "r.yaml", "version: 1\nstate: {forget: 1.0, per: run}\n")).rules
    model = Carried(rules)
    model.fit(_two_attributes(1), as_of="2024-01-01T23:59:59Z")
    ev = model.evidence.set_index(["source", "attribute"])
    # per-attribute rows come from the fit's (source, attribute) statistics and add up to the source's
    whole = ev.loc[("d", ""), "total"]
    assert ev.loc[("d", "colour"), "total"] + ev.loc[("d", "shape"), "total"] == pytest.approx(whole)
    assert ev.loc[("d", "colour"), "right"] > 0.9 * ev.loc[("d", "colour"), "total"]
    assert ev.loc[("d", "shape"), "right"] < 0.3 * ev.loc[("d", "shape"), "total"]
    assert ev.loc[("d", "shape"), "reliability"] < ev.loc[("d", "colour"), "reliability"]
    day2 = model.apply(_two_attributes(2), as_of="2024-01-02T23:59:59Z")
    fresh = Carried(rules).apply(_two_attributes(2), as_of="2024-01-02T23:59:59Z")
    carried = day2.source_attributes.set_index(["source", "attribute"])
    alone = fresh.source_attributes.set_index(["source", "attribute"])
    assert carried.loc[("d", "shape"), "prior_rule"].endswith("+state")
    assert carried.loc[("d", "shape"), "reliability"] < alone.loc[("d", "shape"), "reliability"]
    assert carried.loc[("d", "colour"), "reliability"] > carried.loc[("d", "shape"), "reliability"]
