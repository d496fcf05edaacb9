"""`reconcile synth`: generate a seeded synthetic claim feed with known truth (see reconcile/synth.py)."""
from __future__ import annotations

import argparse
import time

from ..errors import UsageError

NAME = "synth"
HELP = "Generate a seeded synthetic claim feed with known truth, timeline, sources and oracle accuracy."


def _pair(text: str) -> tuple[float, float]:
    try:
        a, b = (float(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"expected two numbers 'A,B', got {text!r}") from None
    return a, b


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("size")
    # the defaults are the benchmark's 1M-claim feed (bench/synthetic.py, docs/benchmarks.md)
    g.add_argument("--claims", type=int, default=1_000_000, help="independent claims (copies come on top)")
    g.add_argument("--sources", type=int, default=1_000, help="number of independent sources")
    g.add_argument("--subjects", type=int, default=200_000, help="number of subjects")
    g.add_argument("--attributes", default="status", help="comma-separated attribute names (default: status)")
    g.add_argument("--domain-size", type=int, default=10, help="values per attribute: v0..v(N-1)")
    g.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same feed")
    m = parser.add_argument_group("model")
    m.add_argument("--reliability", default="4,2", metavar="A,B", help="Beta(A,B) of source accuracy (default 4,2)")
    m.add_argument("--activity", choices=["zipf", "lognormal", "uniform"], default="zipf",
                   help="how claims are spread over sources")
    m.add_argument("--skew", type=float, default=1.0, help="Zipf exponent or lognormal sigma of source activity")
    m.add_argument("--start", default="2024-01-01T00:00:00Z", help="window start (UTC)")
    m.add_argument("--span-days", type=float, default=365.0, help="window length in days")
    m.add_argument("--valid-lag", type=int, default=0, metavar="SECONDS",
                   help="valid_at precedes published_at by up to this many seconds")
    m.add_argument("--change-rate", type=float, default=0.0, help="fraction of subject/attribute cells that change")
    m.add_argument("--changes", type=int, default=1, help="changes per changing cell")
    m.add_argument("--stale-prob", type=float, default=0.0, help="probability a claim reports the previous state")
    m.add_argument("--copiers", type=int, default=0, help="sources copying another source")
    m.add_argument("--copy-prob", type=float, default=0.5, help="share of the target's claims a copier repeats")
    m.add_argument("--copy-mode", choices=["add", "replace"], default="add",
                   help="copiers also make independent claims (add) or only copy (replace)")
    m.add_argument("--copy-lag", type=int, default=3600, metavar="SECONDS", help="maximum delay of a copy")
    m.add_argument("--scenario", choices=["plain", "copy_attack"], default="plain",
                   help="copy_attack: low-quality copiers repeat one false report on some subjects")
    m.add_argument("--attack-subjects", type=int, default=100, help="copy_attack: subjects under attack")
    m.add_argument("--attack-honest", type=int, default=3, help="copy_attack: independent reliable sources")
    m.add_argument("--attack-copiers", type=int, default=20, help="copy_attack: low-quality copiers")
    o = parser.add_argument_group("output")
    o.add_argument("-o", "--out", required=True, metavar="DIR", help="output directory (created if missing)")
    o.add_argument("--format", choices=["parquet", "csv"], default="parquet",
                   help="claims.parquet (default) or claims.csv.gz")


def run(args: argparse.Namespace) -> int:
    from ..synth import SynthConfig, generate, write

    attributes = tuple(a.strip() for a in args.attributes.split(",") if a.strip())
    config = SynthConfig(
        seed=args.seed, n_claims=args.claims, n_sources=args.sources, n_subjects=args.subjects,
        attributes=attributes, domain_size=args.domain_size, reliability_beta=_pair(args.reliability),
        activity=args.activity, activity_skew=args.skew, start=args.start, span_days=args.span_days,
        valid_lag_seconds=args.valid_lag, change_rate=args.change_rate, changes_per_subject=args.changes,
        stale_prob=args.stale_prob, n_copiers=args.copiers, copy_prob=args.copy_prob, copy_mode=args.copy_mode,
        copy_lag_seconds=args.copy_lag, scenario=args.scenario, attack_subjects=args.attack_subjects,
        attack_honest=args.attack_honest, attack_copiers=args.attack_copiers,
    )
    t0 = time.perf_counter()
    feed = generate(config)
    t1 = time.perf_counter()
    write(feed, args.out, fmt=args.format)
    t2 = time.perf_counter()
    s = feed.stats
    copied = f" ({s['n_claims_independent']} independent + {s['n_claims_copied']} copied)" if s["n_claims_copied"] else ""
    print(f"synth: {s['n_claims']} claims{copied}, {s['n_subjects']} subjects, "
          f"{s['n_sources']} sources, oracle accuracy {s['oracle_accuracy']:.4f} "
          f"(majority {s['majority_accuracy']:.4f}), generated in {t1 - t0:.2f} s, "
          f"written in {t2 - t1:.2f} s -> {args.out}")
    return 0
