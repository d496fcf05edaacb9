"""The public pipeline: claims in, verdicts, contradictions, source reliabilities and per-claim evidence out.

    from reconcile import load_rules, reconcile_frame
    result = reconcile_frame(df, load_rules("rules/").rules, as_of="2021-07-07T23:59:59Z")
    result.verdicts, result.contradictions, result.sources
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .contradictions import find_contradictions
from .errors import FeedError, UsageError
from .feed.read import read_table
from .feed.times import parse_as_of
from .feed.validate import ClaimsTable, validate
from .rules.model import Rules
from .solve.arrays import Problem, build_problem
from .solve import copying as copy_model
from .solve.engine import Fit, fit, solver_module
from .solve.verdicts import build_verdicts
from .sources import resolve_priors

CLAIM_COLUMNS = ["claim_id", "source", "subject", "attribute", "value", "value_key", "published_at", "valid_from",
                 "valid_to", "speaker", "speaker_role", "speaker_affiliation", "quote", "url", "derived_from",
                 "weight", "recency", "copies", "copy_discount", "reliability", "vote", "posterior", "chosen"]


@dataclass
class Result:
    verdicts: pd.DataFrame
    contradictions: pd.DataFrame
    sources: pd.DataFrame
    claims: pd.DataFrame  # per accepted claim: evidence, weight, vote, posterior of its value
    rejects: pd.DataFrame
    counts: dict
    as_of: pd.Timestamp | None
    solver: str
    fit: Fit | None
    timings: dict = field(default_factory=dict)
    copies: pd.DataFrame | None = None  # source pairs judged dependent, with evidence
    extraction: dict | None = None


def _as_timestamp(as_of) -> pd.Timestamp | None:
    if as_of is None or isinstance(as_of, pd.Timestamp):
        return as_of
    try:
        return parse_as_of(str(as_of))
    except ValueError as exc:
        raise UsageError(f"--as-of {as_of!r}: {exc}") from None


def solve(table: ClaimsTable, rules: Rules, solver: str | None = None, partitions: int = 1,
          timings: dict | None = None) -> Result:
    timings = {} if timings is None else timings
    name = solver or rules.solver.name
    solver_module(name)  # unknown solver: a usage error before any work
    claims = table.claims
    t0 = time.perf_counter()
    priors = resolve_priors(sorted(claims["source"].unique()), rules)
    problem = build_problem(claims, rules, table.as_of, priors)
    timings["factorise_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    a, b = priors["a"].to_numpy(), priors["b"].to_numpy()
    result_fit, copies = None, None
    if len(claims):
        part = problem.part
        attributed_factor, attributed = copy_model.attribution(problem.claims, part, problem.sources,
                                                               rules.copying.copy_rate)
        result_fit = fit(part, a, b, rules.solver, name, partitions, rules.copying, attributed_factor)
        copies = copy_model.copies_table(result_fit.pairs, attributed, problem.sources, rules.copying.threshold)
    timings["solve_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if result_fit is None:
        raise FeedError("no claim was accepted: nothing to reconcile (see rejects.csv for why)")
    verdicts = build_verdicts(problem, result_fit.cand_prob, rules.solver.thresholds, table.as_of)
    contradictions = find_contradictions(problem, result_fit.cand_prob, result_fit.reliability, verdicts)
    sources = _source_table(problem, priors, result_fit, verdicts)
    per_claim = _claim_table(problem, result_fit, verdicts)
    timings["verdicts_s"] = time.perf_counter() - t0
    counts = dict(table.counts, subjects=int(problem.items["subject"].nunique()), items=problem.part.n_items,
                  sources=len(problem.sources), verdicts=len(verdicts))
    counts["dependent_source_pairs"] = len(copies)
    return Result(verdicts.drop(columns=["_item", "_cand"]), contradictions, sources, per_claim, table.rejects,
                  counts, table.as_of, name, result_fit, timings, copies=copies)


def _source_table(problem: Problem, priors: pd.DataFrame, f: Fit, verdicts: pd.DataFrame) -> pd.DataFrame:
    part = problem.part
    chosen = np.zeros(part.n_cands, dtype=bool)
    chosen[verdicts["_cand"].to_numpy()] = True
    agree = np.bincount(part.assert_source, weights=part.assert_w * chosen[part.assert_cand], minlength=part.n_sources)
    total = np.bincount(part.assert_source, weights=part.assert_w, minlength=part.n_sources)
    claims = np.bincount(problem.claims["source_id"].to_numpy(), minlength=part.n_sources)
    items = np.bincount(np.unique(problem.claims["source_id"].to_numpy() * max(part.n_items, 1)
                                  + problem.claims["item"].to_numpy()) // max(part.n_items, 1),
                        minlength=part.n_sources)
    return pd.DataFrame({
        "source": problem.sources, "prior": priors["prior"].to_numpy(), "prior_strength": priors["strength"].to_numpy(),
        "prior_rule": priors["prior_rule"].to_numpy(), "reliability": f.reliability, "claims": claims,
        "subjects": items, "agreement": np.where(total > 0, agree / np.where(total > 0, total, 1), np.nan),
    })


def _claim_table(problem: Problem, f: Fit, verdicts: pd.DataFrame) -> pd.DataFrame:
    part, claims = problem.part, problem.claims
    chosen = np.zeros(part.n_cands, dtype=bool)
    chosen[verdicts["_cand"].to_numpy()] = True
    cand = claims["cand"].to_numpy()
    item = claims["item"].to_numpy()
    rel = f.reliability[claims["source_id"].to_numpy()]
    out = claims.copy()
    out["value_key"] = problem.cands["value_key"].to_numpy()[cand]
    out["reliability"] = rel
    assertion = claims["assertion"].to_numpy()
    out["copy_discount"] = f.copy_factor[assertion]
    out["vote"] = part.assert_w[assertion] * f.copy_factor[assertion] * np.log(part.item_n_false[item] * rel / (1 - rel))
    out["posterior"] = f.cand_prob[cand]
    out["chosen"] = chosen[cand]
    hashed = pd.util.hash_pandas_object(
        out[["source", "subject", "attribute", "value"]].astype(str).assign(t=out["published_at"].astype(str)),
        index=False)
    generated = pd.Series(hashed.to_numpy(), index=out.index).map("{:016x}".format)
    given = out["claim_id"].astype(str) if "claim_id" in out else pd.Series("", index=out.index)
    out["claim_id"] = given.where(given != "", generated)
    for column in CLAIM_COLUMNS:
        if column not in out:
            out[column] = ""
    extra = [c for c in out.columns if c not in CLAIM_COLUMNS and not c.startswith("_") and c not in
             ("item", "cand", "source_id", "assertion", "effective_weight", "value_num", "valid_at")]
    out = out[CLAIM_COLUMNS + extra]
    return out.sort_values(["subject", "attribute", "source", "value", "claim_id"], kind="stable").reset_index(drop=True)


def reconcile_frame(claims: pd.DataFrame, rules: Rules, as_of=None, solver: str | None = None) -> Result:
    """Reconcile a DataFrame of claims (canonical or mapped columns; values as text)."""
    frame = claims.astype({c: str for c in claims.columns if claims[c].dtype == object}).copy()
    frame["_file"] = "(dataframe)"
    frame["_row"] = np.arange(1, len(frame) + 1)
    return solve(validate([frame], rules, _as_timestamp(as_of)), rules, solver)


def load_feeds(paths: list[str | Path], rules: Rules, as_of=None, published_at=None) -> tuple[ClaimsTable, dict | None]:
    """Read and validate feed files. Article feeds are turned into claims by extraction first."""
    frames, extraction = [], None
    articles = [p for p in map(Path, paths) if _is_article_feed(p)]
    for path in map(Path, paths):
        if path not in articles:
            frames.append(read_table(path))
    if articles:
        from .extract import extract_feed

        if getattr(rules, "extract", None) is None:
            raise UsageError("article feeds need extraction rules (`extract:` in the rules, e.g. rules/extract/)")
        claims, extraction = extract_feed(articles, rules.extract, published_at=published_at)
        claims = claims.astype({c: str for c in claims.columns if claims[c].dtype == object})
        claims["_file"] = claims.get("article_file", str(articles[0]))
        claims["_row"] = np.arange(1, len(claims) + 1)
        if len(claims):
            frames.append(claims)
    if not frames:
        raise FeedError("the article feed(s) gave no claims: " + ", ".join(map(str, articles)))
    return validate(frames, rules, _as_timestamp(as_of)), extraction


def _is_article_feed(path: Path) -> bool:
    try:
        from .extract import looks_like_article_feed
    except ImportError:
        return False
    return path.exists() and looks_like_article_feed(path)
