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
