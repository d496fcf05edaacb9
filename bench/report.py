"""bench/results.csv, docs/benchmarks.md and docs/calibration.svg from the result rows."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from reconcile.evaluation.metrics import calibration_svg

from .common import COLUMNS, ROOT

STATUS = {"ok": "ok", "dnf-time": "DNF (time)", "dnf-memory": "DNF (memory)", "error": "error",
          "skipped": "skipped"}


def _num(v, digits=3) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def _prob(v, family: str) -> str:
    if family == "truthdiscovery":
        return "n/a"
    return _num(v) or "–"


def _secs(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 10 else f"{v:.1f}"


def _mib(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.0f}"


def _acc(r) -> str:
    return _num(r["accuracy"]) if r["status"] == "ok" else STATUS.get(r["status"], r["status"])


def write_csv(rows: list[dict], path: Path) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
    return df


def method_table(df: pd.DataFrame) -> str:
    head = ("| method | status | accuracy | Brier | ECE | coverage | solve s | end-to-end s | peak RSS MiB | notes |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for _, r in df.iterrows():
        ok = r["status"] == "ok"
        lines.append("| " + " | ".join([
            f"**{r['method']}**" if r["method"] == "accu" else r["method"], STATUS.get(r["status"], r["status"]),
            _num(r["accuracy"]) if ok else "", _prob(r["brier"], r["family"]) if ok else "",
            _prob(r["ece"], r["family"]) if ok else "", _num(r["coverage"]) if ok else "",
            _secs(r["solve_s"]), _secs(r["e2e_s"]), _mib(r["peak_rss_mib"]),
            str(r["note"] or "").replace("|", "/")[:160]]) + " |")
    return head + "\n".join(lines) + "\n"


def summary_matrix(df: pd.DataFrame) -> str:
    cols = [(d, e) for d, e in df[["dataset", "eval"]].drop_duplicates().itertuples(index=False)]
    methods = list(dict.fromkeys(df["method"]))
    head = "| method | " + " | ".join(d if e == "all" else f"{d} ({e})" for d, e in cols) + " |\n"
    head += "|---" * (len(cols) + 1) + "|\n"
    lines = []
    for m in methods:
        cells = []
        for d, e in cols:
            hit = df[(df["method"] == m) & (df["dataset"] == d) & (df["eval"] == e)]
            cells.append(_acc(hit.iloc[0]) if len(hit) else "")
        lines.append(f"| {'**accu**' if m == 'accu' else m} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def peers_beating_accu(df: pd.DataFrame) -> list[str]:
    out = []
    for (d, e), g in df.groupby(["dataset", "eval"], sort=False):
        ours = g[(g["method"] == "accu") & (g["status"] == "ok")]
        if not len(ours):
            continue
        base = float(ours.iloc[0]["accuracy"])
        better = g[(g["family"].isin(["truthdiscovery", "crowdkit"])) & (g["status"] == "ok")
                   & (g["accuracy"] > base + 1e-12)].sort_values("accuracy", ascending=False)
        for _, r in better.iterrows():
            n = int(r["gold_items"]) if not math.isnan(r["gold_items"]) else 0
            items = round((r["accuracy"] - base) * r["answered"]) if not math.isnan(r["answered"]) else ""
            out.append(f"- **{d}{'' if e == 'all' else f' ({e})'}**: {r['method']} {r['accuracy']:.3f} vs accu "
                       f"{base:.3f} (+{r['accuracy'] - base:.3f}, about {items} of {n} gold items)")
    return out


def write_svg(bins_by_dataset: dict[str, dict], path: Path) -> None:
    series = {}
    for dataset, bins in bins_by_dataset.items():
        for method, b in bins.items():
            if method == "accu" or method.startswith("crowdkit."):
                series[f"{dataset}: {method.replace('crowdkit.', 'ck.')}"] = b
    svg = calibration_svg(series, title="Reliability: accu vs crowd-kit (flight, book)", height=480)
    path.write_text(svg)


def scale_table(df: pd.DataFrame, ratio: dict) -> str:
    lines = ["| feed | claims | accu accuracy | oracle | generator majority | accu solve s | accu end-to-end s | "
             "accu peak RSS MiB |", "|---|---|---|---|---|---|---|---|"]
    for d in ("synth-1m", "synth-10m"):
        g = df[(df["dataset"] == d) & (df["eval"] == "all")]
        ours = g[g["method"] == "accu"]
        if not len(ours):
            continue
        o = ours.iloc[0]

        def gen(label):
            hit = g[g["method"] == label]
            return _num(hit.iloc[0]["accuracy"], 4) if len(hit) else ""

        lines.append(f"| {d} | {int(o['n_claims']):,} | {_num(o['accuracy'], 4) if o['status'] == 'ok' else o['status']}"
                     f" | {gen('oracle')} | {gen('generator majority')} | {_secs(o['solve_s'])} | {_secs(o['e2e_s'])}"
                     f" | {_mib(o['peak_rss_mib'])} |")
    if not any(math.isnan(v) for v in ratio.values()):
        lines.append(f"| **10M / 1M** | 10× | | | | {ratio['solve_s']:.1f}× | {ratio['e2e_s']:.1f}× | "
                     f"{ratio['peak_rss_mib']:.1f}× |")
    return "\n".join(lines) + "\n"


def scenario_table(df: pd.DataFrame) -> str:
    evals = list(dict.fromkeys(df["eval"]))
    lines = ["| method | " + " | ".join(f"accuracy ({e})" for e in evals) + " | solve s | notes |",
             "|---" * (len(evals) + 3) + "|"]
    for m in dict.fromkeys(df["method"]):
        g = df[df["method"] == m]
        cells = []
        for e in evals:
            hit = g[g["eval"] == e]
            cells.append(_num(hit.iloc[0]["accuracy"]) if len(hit) else "")
        first = g.iloc[0]
        lines.append(f"| {m} | " + " | ".join(cells) + f" | {_secs(first['solve_s'])} | {first['note']} |")
    return "\n".join(lines) + "\n"


def relpath(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)
