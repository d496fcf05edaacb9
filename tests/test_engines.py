"""The engines give the same answers: the in-process engine and the Spark engine (local mode) on the shared
real datasets (book, flight; skipped when ../shared is absent) and on a small synthetic feed with copiers.

Same verdicts and confidences to 1e-9, the same contradictions and source reliabilities; with the same
partitions the two engines add the same numbers in the same order, so `reconcile run` writes byte-identical
tables. One Spark session (local[2], UI off, few shuffle partitions) serves every test. Skipped, with the reason,
when pyspark (`pip install '.[spark]'`) or Java is missing; CI installs both (.ci/run, Makefile).

Every EM iteration is one Spark job with a fixed cost (about a second on a loaded 2-core machine) and book takes
138 iterations to converge: on the real datasets EM is capped at `REAL_ITERATIONS` per round (both engines; the
copy rounds, over-dispersion and final posteriors still run); the synthetic feed runs to convergence through
`reconcile run`.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reconcile import load_rules
from reconcile.api import reconcile, reconcile_files
from reconcile.engines import LocalEngine, make_engine
from reconcile.engines.spark import SparkEngine
from reconcile.errors import UsageError
from reconcile.pipeline import load_feeds, solve

from engine_helpers import RULES_DIR, cli

pytest.importorskip("pyspark", reason="the Spark engine's extra is not installed: pip install '.[spark]'")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("the Spark engine needs Java 17 (.ci/run installs openjdk-17-jre-headless)", allow_module_level=True)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
REAL_ITERATIONS = 5
DATASETS = {"book": (SHARED / "book" / "claims.csv.gz", RULES_DIR / "examples" / "book.yaml"),
            "flight": (SHARED / "flight" / "claims.csv.gz", RULES_DIR / "examples" / "flight.yaml")}


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (SparkSession.builder.master("local[2]").appName("reconcile-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def synth_feed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    code, _, err = cli("synth", "--claims", "6000", "--sources", "40", "--subjects", "900", "--copiers", "4",
                       "--seed", "5", "-o", folder)
    assert code == 0, err
    return folder / "claims.parquet"


def _feed(name: str, synth_feed: Path) -> tuple[Path, Path]:
    if name == "synth":
        return synth_feed, RULES_DIR / "examples" / "synthetic.yaml"
    claims, rules = DATASETS[name]
    if not claims.exists():
        pytest.skip(f"{claims} is absent (../shared/datasets is not beside the checkout)")
    return claims, rules


def _same_frames(a: pd.DataFrame, b: pd.DataFrame, keys: list[str], what: str) -> None:
    """Equal rows (compared in key order): text columns exactly, numbers to 1e-9."""
    assert len(a) == len(b), f"{what}: {len(a)} rows vs {len(b)}"
    assert list(a.columns) == list(b.columns), what
    a = a.sort_values(keys, kind="stable").reset_index(drop=True)
    b = b.sort_values(keys, kind="stable").reset_index(drop=True)
    for col in a.columns:
        if pd.api.types.is_float_dtype(a[col]):
            np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=0, atol=1e-9,
                                       equal_nan=True, err_msg=f"{what}.{col}")
        else:
            assert a[col].astype(str).tolist() == b[col].astype(str).tolist(), f"{what}.{col}"


@pytest.mark.parametrize("name", ["book", "flight"])
def test_spark_engine_gives_the_in_process_answers(spark, synth_feed, name):
    claims, rules_path = _feed(name, synth_feed)
    rules = load_rules(rules_path)
    if name != "synth":
        solver = rules.solver.model_copy(update={"max_iterations": REAL_ITERATIONS})
        rules = rules.model_copy(update={"solver": solver})
    local = reconcile_files([claims], rules, engine="pandas")
    distributed = reconcile_files([claims], rules, engine=make_engine("spark", session=spark))
    assert distributed.fit.iterations == local.fit.iterations
    _same_frames(local.verdicts, distributed.verdicts, ["subject", "attribute"], "verdicts")
    _same_frames(local.contradictions, distributed.contradictions, ["id"], "contradictions")
    _same_frames(local.sources, distributed.sources, ["source"], "sources")
    _same_frames(local.copies, distributed.copies, ["source_a", "source_b", "evidence"], "copies")
    np.testing.assert_allclose(local.fit.cand_prob, distributed.fit.cand_prob, rtol=0, atol=1e-9)
    assert len(local.verdicts) > 100 and len(local.contradictions) > 0  # the comparison had something to compare


def test_cli_spark_run_is_byte_identical_with_the_same_partitions(spark, synth_feed, tmp_path):
    rules = RULES_DIR / "examples" / "synthetic.yaml"
    outs = {}
    for engine in ("pandas", "spark"):
        out = outs[engine] = tmp_path / engine
        extra = ["--spark-master", "local[2]"] if engine == "spark" else []
        code, _, err = cli("run", synth_feed, "--rules", rules, "--out", out, "--engine", engine, "--partitions", "2",
                           *extra)
        assert code == 0, err
    assert not spark.sparkContext._jsc.sc().isStopped()  # the run used the running session and left it running
    copies = pd.read_csv(outs["pandas"] / "copies.csv")
    assert len(copies) > 0  # the feed's copiers were found, so the copy rounds ran on Spark too
    for name in ("verdicts.csv", "contradictions.csv", "sources.csv", "source_attributes.csv", "copies.csv"):
        assert (outs["pandas"] / name).read_bytes() == (outs["spark"] / name).read_bytes(), name
    local, distributed = (pd.read_parquet(outs[e] / "claims.parquet") for e in ("pandas", "spark"))
    assert local["posterior"].to_numpy().tobytes() == distributed["posterior"].to_numpy().tobytes()
    # and against one in-process partition (sums in another order): the same to 1e-9
    code, _, err = cli("run", synth_feed, "--rules", rules, "--out", tmp_path / "one")
    assert code == 0, err
    one = pd.read_parquet(tmp_path / "one" / "claims.parquet")
    np.testing.assert_allclose(one["posterior"], distributed["posterior"], rtol=0, atol=1e-9)
    assert '"engine": "spark"' in (outs["spark"] / "run.json").read_text()


def test_spark_dataframe_input(spark, synth_feed):
    frame = pd.read_parquet(synth_feed).astype(str)
    frame = frame[frame["subject"].isin(sorted(frame["subject"].unique())[:300])]
    rules = load_rules(RULES_DIR / "examples" / "synthetic.yaml")
    rules = rules.model_copy(update={"solver": rules.solver.model_copy(update={"max_iterations": 3})})
    local = reconcile(frame, rules, engine=LocalEngine())
    distributed = reconcile(spark.createDataFrame(frame), rules)
    _same_frames(local.verdicts, distributed.verdicts, ["subject", "attribute"], "verdicts")


def test_missing_pyspark_is_a_usage_error(monkeypatch):
    from reconcile.engines import spark as spark_engine

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(UsageError, match=r"pip install 'reconcile\[spark\]'"):
        spark_engine.start_session("local[1]")


def test_missing_java_is_a_usage_error(monkeypatch, tmp_path):
    from reconcile.engines import spark as spark_engine

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    with pytest.raises(UsageError, match="needs Java 17"):
        spark_engine.start_session("local[1]")


def test_unknown_engine_and_master_without_spark(tmp_path, synth_feed):
    code, _, err = cli("run", synth_feed, "--out", tmp_path / "o", "--engine", "dask")
    assert code == 2 and "unknown engine 'dask'; available: pandas, spark" in err
    code, _, err = cli("run", synth_feed, "--out", tmp_path / "o", "--spark-master", "local[2]")
    assert code == 2 and "--spark-master needs --engine spark" in err


STATE_RULES = """\
version: 1
defaults:
  reliability: 0.7
  strength: 2
attributes:
  status:
    kind: categorical
    equivalence: {match: exact}
    domain_size: 10
    change_every: 365d
solver:
  name: accu
  domain_size: 10
  max_iterations: 8
"""


@pytest.fixture(scope="module")
def state_feed(tmp_path_factory) -> tuple[Path, Path]:
    """A small feed whose subjects change state (valid_at on every claim), with rules that turn on the time model
    (EM capped: every iteration is two Spark jobs, the static kernel's and the time model's)."""
    folder = tmp_path_factory.mktemp("state")
    code, _, err = cli("synth", "--claims", "4000", "--sources", "30", "--subjects", "600", "--change-rate", "0.5",
                       "--changes", "2", "--seed", "7", "-o", folder)
    assert code == 0, err
    rules = folder / "rules.yaml"
    rules.write_text(STATE_RULES)
    return folder / "claims.parquet", rules


def test_contradictions_are_the_same_bytes_whatever_the_partitions_or_engine(spark, synth_feed, tmp_path):
    """Severities are sums whose last bits depend on the partitions; the ranking rounds them, so the file is the
    same with 1 or 3 partitions in process and on Spark."""
    rules = RULES_DIR / "examples" / "synthetic.yaml"
    runs = {"pandas-1": ["--partitions", "1"], "pandas-3": ["--partitions", "3"],
            "spark-2": ["--engine", "spark", "--spark-master", "local[2]", "--partitions", "2"]}
    files = {}
    for name, extra in runs.items():
        code, _, err = cli("run", synth_feed, "--rules", rules, "--out", tmp_path / name, *extra)
        assert code == 0, err
        files[name] = (tmp_path / name / "contradictions.csv").read_bytes()
    assert files["pandas-1"].count(b"\n") > 50
    assert files["pandas-1"] == files["pandas-3"] == files["spark-2"]


class RecordingSparkEngine(SparkEngine):
    """The Spark engine, noting the name of every kernel task it maps."""

    def __init__(self, session) -> None:
        super().__init__(session=session)
        self.tasks: list[str] = []

    def map_results(self, parts, task, *args):
        self.tasks.append(task.__name__)
        return super().map_results(parts, task, *args)


def test_time_model_runs_on_spark_with_the_in_process_answers(spark, state_feed, tmp_path):
    claims, rules_path = state_feed
    rules = load_rules(rules_path)
    table, _ = load_feeds([claims], rules)
    engine = RecordingSparkEngine(spark)
    distributed = solve(table, rules, partitions=2, engine=engine)
    local = solve(table, rules, partitions=2, engine=LocalEngine())
    one = solve(table, rules)
    assert "time_source_stats" in engine.tasks  # the time model's EM pass ran as Spark jobs
    assert engine.tasks.count("time_source_stats") == distributed.fit.iterations
    assert local.timeline is not None and len(local.timeline) > 500
    for other, exact in ((distributed, True), (one, False)):
        for name, keys in (("verdicts", ["subject", "attribute"]), ("timeline", ["subject", "attribute", "valid_from"]),
                           ("contradictions", ["id"]), ("sources", ["source"])):
            a, b = getattr(local, name), getattr(other, name)
            if name == "contradictions":  # the time model's rows leave these columns as objects
                a, b = (f.astype({"verdict_confidence": float, "severity": float}) for f in (a, b))
            if exact:  # same partitions: the same additions in the same order
                pd.testing.assert_frame_equal(a, b)
            else:
                _same_frames(a, b, keys, name)
