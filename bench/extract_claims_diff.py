"""Before/after check of an extraction change: the claims (and statistics) of the development set, the seed and a
synthetic feed, written by one version of the code and compared with another's.

    python -m bench.extract_claims_diff write OUT [--synthetic 300]   # on each version (e.g. a `git worktree`)
    python -m bench.extract_claims_diff compare BEFORE AFTER           # exit 1 and the differing rows if any

The development set is read without bench/extract_speed.py's UNSEEN splits (fresh2 to fresh5, left out so
that the figures stay comparable with the runs made before they were scored); the synthetic
feed is bench/extract_speed.py's (recombined real sentences, the same for every run). The feeds are written to
one fixed folder (FEEDS), so file names in the claims compare equal. Claims are compared as text, row by row.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from bench.extract_speed import UNSEEN, make_feed, sentence_pool
from reconcile.extract import extract_feed, load_extract_rules

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("devset", "seed", "synthetic")
FEEDS = Path(tempfile.gettempdir()) / "reconcile-extract-claims-diff"


def write(out: Path, synthetic: int, rules_dir: str) -> None:
    rules = load_extract_rules(rules_dir)
    feeds = FEEDS
    feeds.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    lines = (ROOT / "data" / "devset" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    arts = [json.loads(line) for line in lines if line.strip()]
    dev = feeds / "devset.jsonl"
    dev.write_text("".join(json.dumps({k: a[k] for k in ("source", "published_at", "title", "text", "url")}) + "\n"
                           for a in arts if a["split"] not in UNSEEN), encoding="utf-8")
    seed = feeds / "seed_articles.txt"
    seed.write_bytes((ROOT / "data" / "seed_articles.txt").read_bytes())
    syn = feeds / "synthetic.jsonl"
    make_feed(syn, synthetic, sentence_pool())
    july7 = datetime(2021, 7, 7, tzinfo=timezone.utc)  # the seed's Reuters article carries no date (Makefile)
    runs = {"devset": ([dev], None), "seed": ([seed], july7), "synthetic": ([syn], None)}
    for name, (paths, published) in runs.items():
        claims, stats = extract_feed(paths, rules, published_at=published)
        claims.to_csv(out / f"{name}.csv", index=False)
        (out / f"{name}_stats.json").write_text(json.dumps(stats, indent=1, sort_keys=True, default=str),
                                                encoding="utf-8")
        print(f"{name}: {len(claims)} claims")


def compare(before: Path, after: Path) -> bool:
    same = True
    for name in NAMES:
        a = pd.read_csv(before / f"{name}.csv", keep_default_na=False, dtype=str)
        b = pd.read_csv(after / f"{name}.csv", keep_default_na=False, dtype=str)
        sa = json.loads((before / f"{name}_stats.json").read_text(encoding="utf-8"))
        sb = json.loads((after / f"{name}_stats.json").read_text(encoding="utf-8"))
        ok, ok_stats = a.equals(b), sa == sb
        print(f"{name}: {len(a)} -> {len(b)} claims, claims {'identical' if ok else 'DIFFER'}, "
              f"statistics {'identical' if ok_stats else 'DIFFER'}")
        if not ok:
            both = a.merge(b, how="outer", indicator=True)
            rows = both[both["_merge"] != "both"]
            print(rows.head(40).to_string(max_colwidth=60), f"\n({len(rows)} rows differ)")
        for key in sorted(set(sa) | set(sb)):
            if sa.get(key) != sb.get(key):
                print(f"  statistics differ: {key}")
        same = same and ok and ok_stats
    return same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="extract and write claims + statistics to OUT")
    w.add_argument("out", type=Path)
    w.add_argument("--synthetic", type=int, default=300, help="articles in the synthetic feed")
    w.add_argument("--rules", default=str(ROOT / "rules"))
    c = sub.add_parser("compare", help="compare two outputs of `write`")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.cmd == "write":
        write(args.out, args.synthetic, args.rules)
    else:
        sys.exit(0 if compare(args.before, args.after) else 1)


if __name__ == "__main__":
    main()
