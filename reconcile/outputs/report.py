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


def _evidence(claims: pd.DataFrame, subject: str, attribute: str) -> list[str]:
    rows = claims[(claims["subject"] == subject) & (claims["attribute"] == attribute)]
    out = []
    for key, group in rows.sort_values(["posterior", "vote"], ascending=[False, False]).groupby(
            "value_key", sort=False):
        first = group.iloc[0]
        mark = "**chosen**" if bool(first["chosen"]) else "not chosen"
        out.append(f"- `{first['value']}` — posterior {float(first['posterior']):.3f}, {mark}; "
                   f"sources: {', '.join(sorted(group['source'].unique()))}")
        for _, c in group.head(QUOTES_PER_VALUE).iterrows():
            speaker = f"{c['speaker']} ({c['speaker_role']})" if str(c.get("speaker_role", "")) else str(c.get("speaker", ""))
            quote = str(c.get("quote", ""))
            if quote or speaker:
                out.append(f"  - {c['source']}{', ' + speaker if speaker else ''}: vote {c['vote']:+.2f}"
                           + (f' — "{quote}"' if quote else ""))
    return out


def _decisions(result) -> list[str]:
    """The analyst's decisions this run honoured, and the ones that warn or matched nothing."""
    v, c = result.verdicts, result.contradictions
    if "decided_by" not in v.columns:
        return []
    decided = v[v["status"] == "decided"]
    reviewed = c[c["status"].isin(["resolved", "dismissed"])] if "status" in c else c.iloc[:0]
    out = ["", "## Analyst decisions", "",
           f"{len(decided)} verdict(s) decided, {len(reviewed)} contradiction(s) reviewed.", ""]
    if len(decided):
        out.append(_table(decided[["subject", "attribute", "value", "decided_by", "decision_note", "evidence_value",
                                   "evidence_confidence", "warning"]], floats=("evidence_confidence",)))
    for note in result.decision_notes:
        out.append(f"- warning: {note}")
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
    status = v["status"].value_counts().reindex(["settled", "contested", "tie", "insufficient", "decided"],
                                                fill_value=0)
    lines += ["", "## Verdicts", "", "Status: " + ", ".join(f"{k} {n}" for k, n in status.items()), ""]
    shown = v.sort_values(["status", "confidence"], ascending=[True, True]).head(30)
    lines.append(_table(shown[["subject", "attribute", "value", "confidence", "status", "runner_up",
                               "runner_up_confidence", "n_sources"]], floats=("confidence", "runner_up_confidence")))
    lines += _decisions(result)
    lines += ["", f"## Contradictions ({len(c)}, most severe first)", ""]
    for _, row in c.head(TOP_CONTRADICTIONS).iterrows():
        who = f" by {row['source']}" if row["source"] else ""
        lines.append(f"### {row['subject']} / {row['attribute']}: {row['kind'].replace('_', ' ')}{who}")
        lines.append(f"Verdict `{row['verdict_value']}` ({float(row['verdict_confidence']):.3f}, {row['status']}); "
                     f"severity {float(row['severity']):.3f}. Competing: {row['competing_values']}")
        lines.append("")
        lines += _evidence(result.claims, row["subject"], row["attribute"])
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
