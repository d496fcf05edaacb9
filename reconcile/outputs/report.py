"""report.md: what a reviewer reads first."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

TOP_CONTRADICTIONS = 10
TOP_SOURCES = 20
QUOTES_PER_VALUE = 3


def _table(frame: pd.DataFrame, floats: tuple[str, ...] = ()) -> str:
    if frame.empty:
        return "_none_\n"
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = []
        for col, value in zip(cols, row):
            text = f"{value:.3f}" if col in floats and isinstance(value, float) else str(value)
            cells.append(text.replace("|", "\\|").replace("\n", " "))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


MAX_VALUES = 10  # competing values listed per contradiction (the CSVs and claims.parquet keep every one)
MAX_SOURCES = 20  # source names listed per value


def _evidence(claims: pd.DataFrame, subject: str, attribute: str) -> list[str]:
    """The strongest values of one subject/attribute with their sources and a few quotes; bounded in size
    whatever the number of values (cost per subject bounded: no per-row pandas access)."""
    rows = claims[(claims["subject"] == subject) & (claims["attribute"] == attribute)]
    rows = rows.sort_values(["posterior", "vote", "value_key", "source"], ascending=[False, False, True, True],
                            kind="stable")
    keys = rows["value_key"].astype(str).to_numpy()
    ordered = pd.unique(keys)
    out = []
    for key in ordered[:MAX_VALUES]:
        group = rows[keys == key]
        first = group.iloc[0]
        mark = "**chosen**" if bool(first["chosen"]) else "not chosen"
        names = sorted(group["source"].astype(str).unique())
        more = f" and {len(names) - MAX_SOURCES} more" if len(names) > MAX_SOURCES else ""
        out.append(f"- `{first['value']}` — posterior {float(first['posterior']):.3f}, {mark}; "
                   f"sources: {', '.join(names[:MAX_SOURCES])}{more}")
        for c in group.head(QUOTES_PER_VALUE).to_dict("records"):
            role = str(c.get("speaker_role", "") or "")
            speaker = f"{c['speaker']} ({role})" if role else str(c.get("speaker", "") or "")
            quote = str(c.get("quote", "") or "")
            if quote or speaker:
                out.append(f"  - {c['source']}{', ' + speaker if speaker else ''}: vote {c['vote']:+.2f}"
                           + (f' — "{quote}"' if quote else ""))
    if len(ordered) > MAX_VALUES:
        out.append(f"- … {len(ordered) - MAX_VALUES} more value(s) in claims.parquet and contradictions.csv")
    return out


def render_report(result, rules_files: list[Path], rules_summary: dict) -> str:
    v, c, s, counts = result.verdicts, result.contradictions, result.sources, result.counts
    as_of = "latest publication time in the feed" if result.as_of is None else result.as_of.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = ["# Reconciliation report", "",
             f"As of **{as_of}**, solver **{result.solver}** "
             f"({result.fit.iterations} iteration(s), {'converged' if result.fit.converged else 'NOT converged'}).", "",
             "## Counts", "",
             f"- rows read {counts['rows_read']}: accepted {counts['rows_accepted']}, rejected {counts['rows_rejected']}, "
             f"excluded {counts['rows_excluded']} (see rejects.csv)",
             f"- duplicate rows counted once: {counts['duplicate_rows']}; distinct claims: {counts['claims']}",
             f"- subjects {counts['subjects']}, subject/attribute pairs {counts['items']}, sources {counts['sources']}",
             ]
    if result.extraction:
        e = result.extraction
        lines.append(f"- articles read {e.get('articles_read')}, unique {e.get('articles_unique')}, "
                     f"with claims {e.get('articles_with_claims')}, without claims {e.get('articles_without_claims')}")
    status = v["status"].value_counts().reindex(["settled", "contested", "tie", "insufficient"], fill_value=0)
    lines += ["", "## Verdicts", "", "Status: " + ", ".join(f"{k} {n}" for k, n in status.items()), ""]
    shown = v.sort_values(["status", "confidence"], ascending=[True, True]).head(30)
    lines.append(_table(shown[["subject", "attribute", "value", "confidence", "status", "runner_up",
                               "runner_up_confidence", "n_sources"]], floats=("confidence", "runner_up_confidence")))
    lines += ["", f"## Contradictions ({len(c)}, most severe first)", ""]
    evidence: dict = {}
    for _, row in c.head(TOP_CONTRADICTIONS).iterrows():
        who = f" by {row['source']}" if row["source"] else ""
        lines.append(f"### {row['subject']} / {row['attribute']}: {row['kind'].replace('_', ' ')}{who}")
        lines.append(f"Verdict `{row['verdict_value']}` ({float(row['verdict_confidence']):.3f}, {row['status']}); "
                     f"severity {float(row['severity']):.3f}. Competing: {row['competing_values']}")
        lines.append("")
        item = (row["subject"], row["attribute"])
        if item not in evidence:  # several contradictions of one subject/attribute share its evidence
            evidence[item] = _evidence(result.claims, *item)
        lines += evidence[item]
        lines.append("")
    copies = result.copies if result.copies is not None else pd.DataFrame(columns=["source_a", "source_b"])
    n_pairs = len(copies[["source_a", "source_b"]].drop_duplicates())
    lines += [f"## Sources that copy each other ({n_pairs} pair{'s' if n_pairs != 1 else ''})", "",
              "Claims a dependent source shares with the source it depends on count about once "
              "(copy discount in claims.parquet; all pairs in copies.csv).", ""]
    if len(copies):
        shown = copies.head(TOP_SOURCES)[["source_a", "source_b", "shared_items", "dependence", "evidence"]].copy()
        shown["shared_items"] = shown["shared_items"].map(lambda x: "" if pd.isna(x) else f"{int(x)}")
        lines.append(_table(shown, floats=("dependence",)))
    lines += ["", "## Sources", "", f"Learned reliability (top {TOP_SOURCES} by claims):", ""]
    top = s.sort_values(["claims", "source"], ascending=[False, True]).head(TOP_SOURCES)
    lines.append(_table(top[["source", "prior", "reliability", "claims", "agreement"]],
                        floats=("prior", "reliability", "agreement")))
    lines += ["", "## Rules in effect", ""]
    lines += [f"- {p}" for p in rules_files]
    lines += [f"- {k}: {val}" for k, val in rules_summary.items()]
    lines.append("")
    return "\n".join(lines)
