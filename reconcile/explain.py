"""Why a verdict went the way it did: claim-by-claim contributions, read back from a run's output folder."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import OutputError, UsageError

EXPLAIN_COLUMNS = ["value", "posterior", "chosen", "source", "reliability", "speaker", "weight", "recency",
                   "copies", "vote", "published_at", "quote"]


def _is_bound(key: str) -> bool:
    """A numeric bound or range ("more than 200" has the key '>200'; reconcile/solve/bounds.py)."""
    from .numbers import reading_of_key

    reading = reading_of_key(key) if key[:1] in "<>[(" else None
    return reading is not None and not reading.is_point


def load_run(out_dir: str | Path, claims: bool = True) -> dict[str, pd.DataFrame]:
    """A finished run's verdicts, sources, contradictions and (unless `claims` is False) its per-claim table."""
    from .outputs.atomic import result_dir
    from .outputs.csvsafe import restore

    out = result_dir(out_dir)
    if not (out / "run.json").exists():
        raise OutputError(f"{out}: not a finished run (no run.json); run `reconcile run ... --out {out}` first")
    if claims and not (out / "claims.parquet").exists():
        raise OutputError(f"{out}: this run has no claims.parquet, the per-claim table this needs (the run was "
                          "made with --no-claims); run `reconcile run` again without --no-claims")
    try:
        tables = {
            "verdicts": restore(pd.read_csv(out / "verdicts.csv", dtype=str, keep_default_na=False)),
            "sources": restore(pd.read_csv(out / "sources.csv", keep_default_na=False)),
            "contradictions": restore(pd.read_csv(out / "contradictions.csv", dtype=str, keep_default_na=False)),
        }
        return {"claims": pd.read_parquet(out / "claims.parquet"), **tables} if claims else tables
    except (OSError, ValueError) as exc:
        raise OutputError(f"{out}: cannot read the run's outputs: {exc}") from None


def contributions(claims: pd.DataFrame, subject: str, attribute: str | None = None) -> pd.DataFrame:
    """Claims about one subject (and attribute), strongest contribution first within each value."""
    rows = claims[claims["subject"] == subject]
    if attribute is not None:
        rows = rows[rows["attribute"] == attribute]
    if rows.empty:
        known = claims["subject"].drop_duplicates()
        close = known[known.str.casefold().str.contains(subject.casefold(), regex=False)].head(5).tolist()
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise UsageError(f"no claims about subject {subject!r}" + (f" / attribute {attribute!r}" if attribute else "")
                         + hint)
    rows = rows.sort_values(["attribute", "posterior", "value", "vote", "source"],
                            ascending=[True, False, True, False, True], kind="stable")
    return rows


def as_json(claims: pd.DataFrame, verdicts: pd.DataFrame, subject: str, attribute: str | None = None) -> str:
    """The same explanation for scripts: {"subject", "verdicts": [...], "claims": [...]} as JSON text."""
    import json

    rows = contributions(claims, subject, attribute)
    v = verdicts[(verdicts["subject"] == subject)
                 & (verdicts["attribute"].isin(rows["attribute"].unique()))]
    keep = [c for c in EXPLAIN_COLUMNS + ["attribute", "value_key", "copy_discount", "derived_from"]
            if c in rows.columns]
    records = rows[keep].copy()
    for column in records.columns:
        if pd.api.types.is_datetime64_any_dtype(records[column]):
            records[column] = records[column].map(lambda t: "" if pd.isna(t) else t.isoformat())
    payload = {"subject": subject, "verdicts": v.to_dict(orient="records"),
               "claims": json.loads(records.to_json(orient="records", date_format="iso"))}
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


def render(claims: pd.DataFrame, verdicts: pd.DataFrame, subject: str, attribute: str | None = None) -> str:
    try:
        rows = contributions(claims, subject, attribute)
    except UsageError:
        decided = verdicts[(verdicts["subject"] == subject) & (verdicts["status"] == "decided")
                           & ((verdicts["attribute"] == attribute) if attribute is not None else True)]
        if decided.empty:
            raise
        return "\n".join(f"## {subject} / {v['attribute']}\nverdict: {v['value']}  status decided (no claim about it "
                         f"in this feed)\ndecided by {v['decided_by']}: {v['decision_note']}\n"
                         for _, v in decided.iterrows())
    lines = []
    for attr, group in rows.groupby("attribute", sort=True):
        v = verdicts[(verdicts["subject"] == subject) & (verdicts["attribute"] == attr)]
        lines.append(f"## {subject} / {attr}")
        for _, verdict in v.iterrows():
            lines.append(f"verdict: {verdict['value']}  confidence {float(verdict['confidence']):.3f}  "
                         f"status {verdict['status']}  (runner-up: {verdict['runner_up'] or '-'} "
                         f"{float(verdict['runner_up_confidence'] or 0):.3f})")
            if verdict.get("status") == "decided":
                lines.append(f"decided by {verdict['decided_by']}: {verdict['decision_note']}  (the evidence alone: "
                             f"{verdict['evidence_value'] or '-'} {verdict['evidence_confidence'] or ''})")
                if verdict.get("warning"):
                    lines.append(f"WARNING: {verdict['warning']}")
        lines.append("")
        for value, claims_v in group.groupby("value_key", sort=False):
            first = claims_v.iloc[0]
            total = claims_v.drop_duplicates("source")["vote"].sum()
            mark = "chosen" if bool(first["chosen"]) else "not chosen"
            if _is_bound(str(value)):
                mark += "; a bound or range: P(the truth lies inside it); its votes support the figures inside it"
            lines.append(f"  value {first['value']!r}: posterior {float(first['posterior']):.3f} ({mark}); "
                         f"votes {total:+.3f} from {claims_v['source'].nunique()} source(s)")
            for _, c in claims_v.iterrows():
                who = f" via {c['speaker']}" if str(c.get("speaker", "")) else ""
                copied = float(c.get("copy_discount", 1.0))
                discount = f" x copy discount {copied:.2f}" if copied < 0.999 else ""
                origin = f"  (taken from {c['derived_from']})" if str(c.get("derived_from", "")) else ""
                lines.append(f"    {c['vote']:+.3f}  {c['source']}{who}  reliability {c['reliability']:.3f}  "
                             f"weight {c['weight']:.2f} x recency {c['recency']:.2f}{discount}  "
                             f"repeated {int(c['copies'])}x in the feed{origin}")
                if str(c.get("quote", "")):
                    lines.append(f"           \"{c['quote']}\"")
        lines.append("")
        lines.append("  A claim's vote is weight x recency x copy discount x ln(n x r / (1 - r)), with r its "
                     "source's learned reliability and n the number of wrong values possible; a value's posterior "
                     "is the softmax of its summed votes over all possible values. A copy discount below 1 means "
                     "the source was judged to copy another source that says the same (see copies.csv).")
        lines.append("")
    return "\n".join(lines)
