"""Property-based fuzzing of every input path (feeds, rules, the Python API) with a fixed budget.

Whatever the input: never a traceback (only the documented exit codes / ReconcileError), rows read =
accepted + rejected + excluded, and no value changed between the input and claims.parquet. The long run
(bench/fuzz.py) uses the same generators and checks on >= 10,000 cases.
"""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings

from engine_helpers import write_rules
from fuzz_cases import api_frames, as_ofs, check_run, feeds, rules_texts
from reconcile.errors import ReconcileError
from reconcile.pipeline import reconcile_frame
from reconcile.rules import load_rules
from reconcile.rules.model import Rules

BUDGET = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.data_too_large])


@BUDGET
@given(case=feeds())
def test_any_feed_is_read_or_refused_cleanly(tmp_path_factory, case):
    tmp = tmp_path_factory.mktemp("feed")
    rules = write_rules(tmp / "r.yaml", "version: 1\n")
    name, data = case
    check_run(tmp, name, data, rules)


@BUDGET
@given(text=rules_texts())
def test_any_rules_text_loads_or_fails_with_located_problems(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("rules") / "r.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    started = time.perf_counter()
    try:
        load_rules(path)
    except ReconcileError as exc:
        assert all(p.startswith(str(path)) for p in exc.problems), exc.problems
    assert time.perf_counter() - started < 10  # a fail-fast bound, not a speed test


@BUDGET
@given(frame=api_frames(), as_of=as_ofs)
def test_any_dataframe_is_reconciled_or_refused_cleanly(frame, as_of):
    try:
        result = reconcile_frame(frame, Rules.model_validate({"version": 1}), as_of=as_of)
    except ReconcileError:
        return
    c = result.counts
    assert c["rows_read"] == len(frame) == c["rows_accepted"] + c["rows_rejected"] + c["rows_excluded"]


@pytest.mark.parametrize("text", ["version: 1\n\x00", "a: &a [*a]\nversion: 1\n"])
def test_rules_examples_of_the_fuzzer(tmp_path, text):
    (tmp_path / "r.yaml").write_text(text)
    with pytest.raises(ReconcileError):
        load_rules(tmp_path / "r.yaml")
