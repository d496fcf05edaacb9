"""`python -m bench.run [--quick]`: every solver of ours and the peers on every dataset, synthetic feeds at 1M and
10M claims, the copy-attack and state-change scenarios; writes bench/results.csv, docs/benchmarks.md and
docs/calibration.svg. See docs/benchmarks.md for what is measured and how.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from .common import BENCH, DATASETS, ROOT, machine, versions
from .datasets import materialise, real_datasets, run_dataset
from .doc import compose
from .report import write_csv, write_svg
from .synthetic import SIZES, run_copy_attack, run_independent, run_scale, run_state_change, ratio_10m_1m


def parse(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 10M-claim synthetic feed")
    ap.add_argument("--datasets", default=None,
                    help="comma-separated subset of book,flight,flight-no-airlines,population,emergent,rumoureval2017 "
                    "(default: all)")
    ap.add_argument("--no-peers", action="store_true", help="run only our solvers")
    ap.add_argument("--no-synthetic", action="store_true", help="skip the synthetic scale runs")
    ap.add_argument("--no-scenarios", action="store_true", help="skip the copy-attack and state-change scenarios")
    ap.add_argument("--peer-timeout", type=float, default=300.0, help="wall seconds per peer run (default 300)")
    ap.add_argument("--peer-mem-gib", type=float, default=8.0, help="address-space limit per peer run (default 8)")
    ap.add_argument("--render-only", action="store_true",
                    help="only rewrite docs/benchmarks.md from bench/results.csv and the last run's meta.json")
    ap.add_argument("--work", default=str(BENCH / ".work"), help="scratch folder (default bench/.work)")
    ap.add_argument("--results", default=str(BENCH / "results.csv"))
    ap.add_argument("--doc", default=str(ROOT / "docs" / "benchmarks.md"))
    ap.add_argument("--svg", default=str(ROOT / "docs" / "calibration.svg"))
    return ap.parse_args(argv)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    peer_mem = int(args.peer_mem_gib * 2**30)
    if args.render_only:
        return render_only(args, work)
    datasets = real_datasets()
    if args.datasets:
        wanted = [d.strip() for d in args.datasets.split(",") if d.strip()]
        unknown = set(wanted) - {d.name for d in datasets}
        if unknown:
            print(f"unknown dataset(s) {sorted(unknown)}", file=sys.stderr)
            return 2
        datasets = [d for d in datasets if d.name in wanted]
    missing = [d.name for d in datasets if not (d.claims.exists() and d.truth.exists())]
    datasets = datasets if missing else [materialise(d, work) for d in datasets]
    if missing:
        print(f"datasets not found under {DATASETS}: {missing} (set RECONCILE_DATASETS)", file=sys.stderr)
        return 2

    rows, bins_by_dataset = [], {}
    for ds in datasets:
        log(f"dataset {ds.name}")
        r, bins = run_dataset(ds, work, args.peer_timeout, peer_mem, not args.no_peers, log)
        rows += r
        if ds.name in ("flight", "book"):
            bins_by_dataset[ds.name] = bins
    if not args.no_synthetic:
        log("synthetic scale: " + ", ".join(n for n in SIZES if not (args.quick and n.endswith("10m"))))
        r, _ = run_scale(work, args.quick, args.peer_timeout, peer_mem, not args.no_peers, log)
        rows += r
    if not args.no_scenarios:
        log("scenario: copy attack")
        rows += run_copy_attack(work, log)
        log("scenario: state change")
        rows += run_state_change(work, log)
        log("scenario: independent sources")
        rows += run_independent(work, log)

    df = write_csv(rows, Path(args.results))
    svg_name = None
    if bins_by_dataset:
        write_svg(bins_by_dataset, Path(args.svg))
        svg_name = Path(args.svg).name
    command = "make bench" if _is_default(argv) else "python -m bench.run " + shlex.join(sys.argv[1:] if argv is None
                                                                                         else argv)
    meta = {"command": command, "elapsed_min": (time.perf_counter() - started) / 60, "machine": machine(),
            "versions": versions(), "peer_timeout": args.peer_timeout, "peer_mem_gib": args.peer_mem_gib}
    (work / "meta.json").write_text(json.dumps(dict(meta, svg=svg_name, datasets=[d.name for d in datasets])))
    Path(args.doc).write_text(compose(df, meta, ratio_10m_1m(rows), datasets, svg_name))
    log(f"wrote {args.results}, {args.doc}" + (f", {args.svg}" if svg_name else "")
        + f" in {meta['elapsed_min']:.1f} min")
    return 0


def render_only(args, work: Path) -> int:
    import pandas as pd

    df = pd.read_csv(args.results, dtype={"note": str}, keep_default_na=False, na_values=[""])
    df["note"] = df["note"].fillna("")
    meta = json.loads((work / "meta.json").read_text())
    datasets = [d for d in real_datasets() if d.name in meta["datasets"]]
    rows = df.to_dict("records")
    Path(args.doc).write_text(compose(df, meta, ratio_10m_1m(rows), datasets, meta.get("svg")))
    log(f"rewrote {args.doc} from {args.results}")
    return 0


def _is_default(argv) -> bool:
    return not (sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
