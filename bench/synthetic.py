"""Seeded synthetic feeds (`reconcile synth` into bench/.work): scale (1M, 10M claims) and two scenarios.

* scale: 1M claims go through bench.datasets.run_dataset (ours in-process + end to end, peers bounded);
  10M only through `reconcile run` (accu) end to end. Accuracy is compared with the generator's oracle.
* copy_attack: accuracy on the attacked subjects with and without copy detection.
* state change (--change-rate 0.5 --changes 2): the time model (change_every) vs without.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.evaluation.gold import read_gold, score
from reconcile.pipeline import load_feeds, solve
from reconcile.rules import load_rules

from .common import BENCH, PY, RULES, row, run_wait4, summary_fields
from .datasets import Dataset, nocopy, run_dataset

SIZES = {
    "synth-1m": ["--claims", "1000000", "--sources", "1000", "--subjects", "200000", "--seed", "1"],
    "synth-10m": ["--claims", "10000000", "--sources", "1000", "--subjects", "2000000", "--seed", "1"],
}
ATTACK = ["--claims", "200000", "--sources", "200", "--subjects", "20000", "--seed", "3", "--scenario",
          "copy_attack", "--attack-subjects", "100", "--attack-honest", "3"]
ATTACK_COPIERS = (20, 5)
CHANGE = ["--claims", "200000", "--sources", "200", "--subjects", "20000", "--seed", "4", "--change-rate", "0.5",
          "--changes", "2"]
COPY_RULES = BENCH / "rules-copy-attack.yaml"
CHANGE_RULES = BENCH / "rules-state-change.yaml"


def synth_command(args: list[str], out: Path) -> list[str]:
    return [PY, "-m", "reconcile", "synth", *args, "--out", str(out)]


def generate(name: str, args: list[str], work: Path, log=print) -> Path:
    """Generate (or reuse, when made by the same arguments) a feed in work/<name>."""
    out = Path(work).resolve() / name
    marker = out / "bench-args.json"
    if marker.exists() and json.loads(marker.read_text()) == args and (out / "stats.json").exists():
        return out
    m = run_wait4(synth_command(args, out), log=out.parent / "logs" / f"synth-{name}")
    if m.returncode != 0:
        raise RuntimeError(f"reconcile synth {' '.join(args)} failed: {m.stderr[-500:]}")
    marker.write_text(json.dumps(args))
    log(m.stdout.strip() or m.stderr.strip())
    return out


def _stats(folder: Path) -> dict:
    return json.loads((folder / "stats.json").read_text())


def _generator_rows(suite: str, name: str, eval_: str, stats: dict, n: int, keys: dict) -> list[dict]:
    return [row(suite, name, eval_, label, "generator", "ok", n_claims=n, accuracy=float(stats[k]),
                note=f"stats.json {k}") for label, k in keys.items() if k in stats]


def run_scale(work: Path, quick: bool, peer_timeout: float, peer_mem: int, peers: bool, log=print):
    rows, bins = [], {}
    for name, args in SIZES.items():
        if quick and name == "synth-10m":
            log("--quick: 10M claims skipped")
            continue
        folder = generate(name, args, work, log)
        stats = _stats(folder)
        keys = {"oracle": "oracle_accuracy", "generator majority": "majority_accuracy"}
        rows += _generator_rows("synthetic", name, "all", stats, stats["n_claims"], keys)
        if name == "synth-1m":
            ds = Dataset(name, folder / "claims.parquet", folder / "truth.csv", RULES / "synthetic.yaml",
                         suite="synthetic", task="seeded synthetic (Accu model), " + " ".join(args))
            r, bins = run_dataset(ds, work, peer_timeout, peer_mem, peers, log)
            rows += r
        else:
            rows.append(_ours_e2e_only(name, folder, work, log))
    return rows, bins


def _ours_e2e_only(name: str, folder: Path, work: Path, log=print) -> dict:
    """accu end to end only (too big to also hold in this process next to the child)."""
    out = Path(work).resolve() / "datasets" / name / "out" / "accu"
    rules = RULES / "synthetic.yaml"
    cmd = [PY, "-m", "reconcile", "run", str(folder / "claims.parquet"), "--rules", str(rules), "--out", str(out)]
    m = run_wait4(cmd, timeout_s=3600, log=out.parent.parent / "logs" / "accu")
    n = _stats(folder)["n_claims"]
    if m.returncode != 0:
        log(f"[{name}] reconcile run failed ({m.returncode}): {m.stderr[-300:]}")
        return row("synthetic", name, "all", "accu", "ours", "error", n_claims=n, e2e_s=m.wall_s,
                   peak_rss_mib=m.peak_rss_mib, note=m.stderr.strip()[-300:])
    timings = json.loads((out / "timings.json").read_text())
    verdicts = pd.read_parquet(out / "verdicts.parquet") if (out / "verdicts.parquet").exists() else \
        pd.read_csv(out / "verdicts.csv", dtype={"subject": str, "attribute": str, "value": str},
                    keep_default_na=False)
    s = score(verdicts, read_gold(str(folder / "truth.csv")), load_rules(str(rules)).rules)
    log(f"[{name}] accu end to end {m.wall_s:.1f} s, {m.peak_rss_mib:.0f} MiB, acc {s.summary['accuracy']:.4f}")
    note = "end to end only; timings.json: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
    return row("synthetic", name, "all", "accu", "ours", "ok", n_claims=n, solve_s=timings.get("solve_s"),
               e2e_s=m.wall_s, peak_rss_mib=m.peak_rss_mib, note=note, **summary_fields(s.summary))


def _solve_rows(suite, name, table, variants, golds, n, describe=None) -> list[dict]:
    rows = []
    for method, rules in variants.items():
        timings: dict = {}
        res = solve(table, rules, timings=timings)
        extra = f"{res.counts.get('dependent_source_pairs', 0)} dependent source pairs"
        if describe is not None:
            extra += describe(res)
        for eval_, gold in golds.items():
            s = score(res.verdicts, gold, rules)
            rows.append(row(suite, name, eval_, method, "ours", "ok", n_claims=n, solve_s=timings["solve_s"],
                            note=extra, **summary_fields(s.summary)))
    return rows


def _pair_roles(sources: pd.DataFrame):
    """Which kinds of sources the detected dependent pairs join (honest-honest, copier-copier, ...)."""
    role = dict(zip(sources["source"].astype(str), sources["role"].astype(str).str.replace("attack_", "")))

    def describe(res) -> str:
        if res.copies is None or not len(res.copies):
            return ""
        kinds = (res.copies["source_a"].astype(str).map(role) + "-"
                 + res.copies["source_b"].astype(str).map(role)).value_counts().sort_index()
        return " (" + ", ".join(f"{k} {v}" for k, v in kinds.items()) + ")"

    return describe


def run_copy_attack(work: Path, log=print) -> list[dict]:
    rows = []
    rules = load_rules(str(COPY_RULES)).rules
    for k in ATTACK_COPIERS:
        args = ATTACK + ["--attack-copiers", str(k)]
        name = f"copy-attack-{k}-copiers"
        folder = generate(name, args, work, log)
        stats = _stats(folder)
        gold = read_gold(str(folder / "truth.csv"))
        n_attacked = stats["config"]["attack_subjects"]
        attacked = sorted(gold["subject"].unique())[-n_attacked:]  # subj labels are zero-padded: the last ones
        golds = {"attacked": gold[gold["subject"].isin(attacked)], "all": gold}
        table, _ = load_feeds([folder / "claims.parquet"], rules)
        variants = {"accu": rules, "accu-nocopy": nocopy(rules)}
        rows += _solve_rows("scenario", name, table, variants, golds, stats["n_claims"],
                            _pair_roles(pd.read_csv(folder / "sources.csv")))
        rows += _generator_rows("scenario", name, "attacked", stats, stats["n_claims"], {
            "oracle": "attack_oracle_accuracy", "oracle knowing the copies": "attack_oracle_accuracy_independent",
            "generator majority": "attack_majority_accuracy"})
        rows += _generator_rows("scenario", name, "all", stats, stats["n_claims"], {
            "oracle": "oracle_accuracy", "oracle knowing the copies": "oracle_accuracy_independent",
            "generator majority": "majority_accuracy"})
        log(f"[{name}] " + ", ".join(f"{r['method']}/{r['eval']} {r['accuracy']:.3f}" for r in rows[-10:]))
    return rows


def run_state_change(work: Path, log=print) -> list[dict]:
    name = "state-change"
    folder = generate(name, CHANGE, work, log)
    stats = _stats(folder)
    timed = load_rules(str(CHANGE_RULES)).rules
    static = timed.model_copy(update={"attributes": {
        a: r.model_copy(update={"change_every": None}) for a, r in timed.attributes.items()}})
    gold = read_gold(str(folder / "truth.csv"))
    changes = pd.to_numeric(gold["changes"]).to_numpy()
    golds = {"all": gold, "changed cells": gold[changes > 0], "unchanged cells": gold[changes == 0]}
    table, _ = load_feeds([folder / "claims.parquet"], timed)
    t0 = time.perf_counter()
    rows = _solve_rows("scenario", name, table, {"accu + time model": timed, "accu (static)": static}, golds,
                       stats["n_claims"])
    rows += _generator_rows("scenario", name, "all", stats, stats["n_claims"],
                            {"oracle": "oracle_accuracy", "generator majority": "majority_accuracy"})
    log(f"[{name}] {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{r['method']}/{r['eval']} {r['accuracy']:.3f}" for r in rows if r["family"] == "ours"))
    return rows


INDEPENDENT = ["--claims", "1000000", "--sources", "2000", "--subjects", "100000", "--seed", "5"]
PLAIN_RULES = BENCH / "rules-plain.yaml"


def run_independent(work: Path, log=print) -> list[dict]:
    """Copy detection must stay silent among independent sources: a plain source,object,value feed of 1M claims
    from 2,000 independent sources (`reconcile synth` without copiers, only those three columns kept)."""
    name = "independent-2000-sources"
    folder = generate(name, INDEPENDENT, work, log)
    plain = folder / "plain.csv.gz"
    if not plain.exists():
        claims = pd.read_parquet(folder / "claims.parquet", columns=["source", "subject", "value"])
        claims.rename(columns={"subject": "object"}).to_csv(plain, index=False)
    stats = _stats(folder)
    rules = load_rules(str(PLAIN_RULES)).rules
    table, _ = load_feeds([plain], rules)
    gold = read_gold(str(folder / "truth.csv")).drop(columns=["attribute"]).assign(attribute="value")
    rows = _solve_rows("scenario", name, table, {"accu": rules, "accu-nocopy": nocopy(rules)}, {"all": gold},
                       stats["n_claims"])
    rows += _generator_rows("scenario", name, "all", stats, stats["n_claims"],
                            {"oracle": "oracle_accuracy", "generator majority": "majority_accuracy"})
    log(f"[{name}] " + "; ".join(f"{r['method']} {r['accuracy']:.3f} {r['note']}" for r in rows))
    return rows


def ratio_10m_1m(rows: list[dict]) -> dict:
    """Linearity: 10M / 1M of accu's end-to-end time and peak memory (nan when one is missing)."""
    def get(name, col):
        vals = [r[col] for r in rows if r["dataset"] == name and r["method"] == "accu" and r["eval"] == "all"]
        return float(vals[0]) if vals else np.nan

    return {col: get("synth-10m", col) / get("synth-1m", col) for col in ("e2e_s", "peak_rss_mib", "solve_s")}
