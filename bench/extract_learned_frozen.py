"""The learned extraction stage on a split the rules had not seen: rules frozen at an earlier commit.

    python -m bench.extract_learned_frozen --commit 22c403d --held fresh4 --exclude fresh5
    python -m bench.extract_learned_frozen --commit b1a3b8e --held fresh5 [--no-rule-features]

Leave-one-split-out cross-validation (bench/extract_learned_cv.py) scores the learned stage on splits the rules
were tuned on: the rules' own figure there is in-sample, and so is the "the rules made it" part of every
candidate's features. Here the extractor's code and rules are taken from `--commit`, a commit at which the held
split had not been read by anyone tuning them (data/devset/README.md names the commit each split was scored
blind on); the current candidate and feature code (reconcile/extract/learned*.py) is dropped into that tree and
hooked into its pipeline to collect the candidates of every development-set article. The model is trained on the
other splits (not on `--exclude`, splits that did not exist then), C and threshold by inner cross-validation,
and scores the held split, next to the frozen rules' own output. Matching as in bench/devset.py.
"""
from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from bench.extract_learned_cv import _pr
from bench.learned_data import (TRAIN_SPLITS, candidate_recall, choose, fit, from_sink, key_scores, predicted,
                                rules_only, table, without_rule_features)
from bench.devset import load_articles
from reconcile.extract import load_extract_rules

ROOT = Path(__file__).resolve().parent.parent
OURS = ("learned.py", "learned_features.py", "place_kinds.py")
# (anchor in the old pipeline.py, text that replaces it): the candidate-collection hook, nothing else changes
HOOKS = [
    ("from .events import SentenceExtractor\n",
     "from .events import SentenceExtractor\nfrom .learned import LearnedStage\n_SINK: list = []\n"),
    ("    anchor = now.valid_from if now is not None else art.published_at\n",
     "    anchor = now.valid_from if now is not None else art.published_at\n"
     "    inputs, all_times, index = [], [], 0\n"
     "    learner = LearnedStage(rules, stage, False, _SINK)\n"),
    ('            info["negated"] += dropped\n',
     '            info["negated"] += dropped\n            lexicon = {(c.subject, c.value) for c in claims}\n'),
    ("            if contain is not None:\n",
     "            inputs.append(learner.sentence(s, e, is_head, index, claims, lexicon, ap, bool(who.name)))\n"
     "            all_times.append(times)\n            index += not is_head\n"
     "            if contain is not None:\n"),
    ("    out = list(rows.values())\n",
     "    learner.article(art.article_id, text, art.published_at.year if art.published_at else None, ap, inputs,"
     " all_times)\n    out = list(rows.values())\n"),
]
COLLECT = """
import json, sys, tempfile
from pathlib import Path
from reconcile.extract import extract_feed, load_extract_rules, parsed, pipeline
from reconcile.extract.place_kinds import PlaceKinds
from bench.devset import load_articles, write_feed
old_init = parsed.ParseStage.__init__
def init(self, rules, gaz):
    old_init(self, rules, gaz)
    if not hasattr(self, "kinds"):
        self.kinds = PlaceKinds(rules, gaz, self.geo)
parsed.ParseStage.__init__ = init
arts = load_articles(tuple(sys.argv[2].split(",")))
with tempfile.TemporaryDirectory() as tmp:
    feed = Path(tmp) / "devset.jsonl"
    by_record = write_feed(arts, feed)
    extract_feed([feed], load_extract_rules(sys.argv[1] + "/rules"))
sink = [{**c, "article": by_record[c["article_id"]]} for c in pipeline._SINK]
Path(sys.argv[3]).write_text(json.dumps(sink), encoding="utf-8")
"""


def frozen_tree(commit: str, into: Path) -> None:
    """The commit's reconcile/ and rules/ in `into`, with the current candidate code and the collection hook."""
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "reconcile", "rules"],
                          check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    ext = into / "reconcile" / "extract"
    for name in OURS:
        if name != "place_kinds.py" or not (ext / name).exists():
            shutil.copy(ROOT / "reconcile" / "extract" / name, ext / name)
    model = (ext / "model.py").read_text(encoding="utf-8")
    if "class Learned(" not in model:  # the stage reads rules.learned, which the old model lacks
        cur = (ROOT / "reconcile" / "extract" / "model.py").read_text(encoding="utf-8")
        learned = cur[cur.index("class Learned("):cur.index("class Predicate(")]
        model = model.replace("class Predicate(", learned + "class Predicate(", 1)
        model = model.replace("class ExtractRules(_Strict):\n",
                              "class ExtractRules(_Strict):\n    learned: Learned = Field(default_factory=Learned)\n", 1)
        (ext / "model.py").write_text(model, encoding="utf-8")
    pipe = (ext / "pipeline.py").read_text(encoding="utf-8")
    for anchor, new in HOOKS:
        if pipe.count(anchor) != 1:
            sys.exit(f"{commit}: reconcile/extract/pipeline.py: hook anchor {anchor.strip()!r} found "
                     f"{pipe.count(anchor)} times, expected once; this commit's pipeline cannot be hooked")
        pipe = pipe.replace(anchor, new)
    (ext / "pipeline.py").write_text(pipe, encoding="utf-8")


def frozen_candidates(commit: str) -> list[dict]:
    """Every development-set candidate (TRAIN_SPLITS) as the extractor at `commit` forms it, with its features."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        frozen_tree(commit, tree)
        out = Path(tmp) / "candidates.json"
        subprocess.run([sys.executable, "-c", COLLECT, str(tree), ",".join(TRAIN_SPLITS), str(out)], check=True,
                       env={"PYTHONPATH": f"{tree}:{ROOT}", "PATH": "/usr/bin:/bin", "HOME": tmp}, cwd=tmp)
        return list(json.loads(out.read_text(encoding="utf-8")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commit", required=True, help="commit whose extractor had not seen the held split")
    ap.add_argument("--held", required=True, choices=TRAIN_SPLITS)
    ap.add_argument("--exclude", nargs="*", default=[], choices=TRAIN_SPLITS,
                    help="splits left out of training too (added after that commit)")
    ap.add_argument("--no-rule-features", action="store_true",
                    help="train without the features that say what the rules made of a candidate")
    args = ap.parse_args()
    sink = frozen_candidates(args.commit)
    data = from_sink(sink, load_extract_rules(ROOT / "rules"), load_articles(TRAIN_SPLITS), TRAIN_SPLITS)
    if args.no_rule_features:
        data = without_rule_features(data)
    train = tuple(s for s in TRAIN_SPLITS if s != args.held and s not in args.exclude)
    c, t, _ = choose(data, train)
    mask = data.rows((args.held,))
    scores = key_scores(data, (args.held,), fit(data, train, c).proba([f for f, k in zip(data.features, mask) if k]))
    gold, ruled, learned = data.gold[args.held], rules_only(data, (args.held,)), predicted(scores, t)
    print(f"held-out split {args.held}, extractor frozen at {args.commit}; trained on {', '.join(train)}"
          f"{' without the rule features' if args.no_rule_features else ''}; "
          f"C {c:g}, threshold {t:.2f}\n")
    print("| set | gold | frozen rules P / R | learned P / R |")
    print("|---|---|---|---|")
    by_rules = {r["set"]: r for r in table(gold, ruled)}
    for r in table(gold, learned):
        if r["gold"] or r["extracted"]:
            a = by_rules[r["set"]]
            print(f"| {r['set']} | {r['gold']} | {a['precision']:.2f} / {a['recall']:.2f} | "
                  f"{r['precision']:.2f} / {r['recall']:.2f} |")
    n, in_rules, in_cands = candidate_recall(data, args.held)
    print(f"\n(all: rules {_pr(gold, ruled)}, learned {_pr(gold, learned)}; of the {n} labelled claims the frozen "
          f"rules make {in_rules}, the candidates hold {in_cands}: candidate recall {in_cands / n:.2f})")


if __name__ == "__main__":
    main()
