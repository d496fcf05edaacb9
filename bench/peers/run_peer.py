"""Run ONE peer truth-discovery method on a claims CSV. Runs inside bench/.peers-venv, not the project venv.

    python run_peer.py --method truthdiscovery.Sums --input claims.csv --output pred.csv
    python run_peer.py --list

Input  ``claims.csv``: columns ``source,item,value`` (value = an already-matched canonical value key, read as a
string; every method sees the same keys).
Output ``pred.csv``:   ``item,value,score,is_probability``, one row per item that has at least one claim:
the method's chosen value and its score for it.

* truthdiscovery methods: score = the belief the algorithm assigns to that (item, value) claim; these are NOT
  probabilities (Sums/Investment are max-normalised, MajorityVoting is a vote count share, ...):
  ``is_probability=false``.
* crowd-kit methods: score = ``fit_predict_proba`` for the chosen label, a distribution over the labels seen
  in the data: ``is_probability=true`` (for MajorityVote it is the plain vote share; Wawa/ZeroBasedSkill a
  skill-weighted vote share; the Dawid-Skene variants and GLAD a model posterior).

Preprocessing, identical for every method:
* rows are read as strings (no NA parsing); sources, items and values are turned into integer codes, value codes
  in lexicographic order of the value key;
* a source may make one claim per item: when a source claims an item several times only its FIRST row (file
  order) is kept (truthdiscovery rejects multiple claims; crowd-kit would count them as several votes).

Determinism: every method here is deterministic given the input; the chosen value is the one with the highest
score, ties (exactly equal scores) broken by the SMALLEST value key (lexicographic string order). NaN scores
rank below every number. The library's own ``fit_predict`` / ``get_most_believed_values`` tie rules are not used.

All method parameters are the libraries' defaults.

Prints exactly one JSON line on stdout: status, load_seconds (CSV reading + coding), build_seconds (building the
library's own input structure: truthdiscovery ``Dataset``, crowd-kit DataFrame), solve_seconds (the
algorithm's ``run`` / ``fit_predict_proba`` only), write_seconds, counts and the tie-break rule.
Exit codes: 0 ok, 2 error, 3 out of memory (MemoryError), 64 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
import warnings

TRUTHDISCOVERY_METHODS = ["MajorityVoting", "Sums", "AverageLog", "Investment", "PooledInvestment",
                          "TruthFinder", "CRH"]
CROWDKIT_METHODS = ["MajorityVote", "Wawa", "ZeroBasedSkill", "OneCoinDawidSkene", "DawidSkene", "GLAD"]
METHODS = [f"truthdiscovery.{m}" for m in TRUTHDISCOVERY_METHODS] + [f"crowdkit.{m}" for m in CROWDKIT_METHODS]
PROBABILISTIC = {f"crowdkit.{m}" for m in CROWDKIT_METHODS}
TIE_BREAK = "highest score; exact ties -> smallest value key (lexicographic); NaN ranks lowest"

EXIT_OK, EXIT_ERROR, EXIT_MEMORY, EXIT_USAGE = 0, 2, 3, 64


def normalise_method(name: str) -> str:
    lib, _, algo = name.partition(".")
    lib = {"crowd-kit": "crowdkit", "crowd_kit": "crowdkit", "td": "truthdiscovery"}.get(lib, lib)
    full = f"{lib}.{algo}"
    if full not in METHODS:
        raise ValueError(f"unknown method {name!r}; known: {', '.join(METHODS)}")
    return full


def load_claims(path: str):
    """Read claims and code them. Returns (codes dict, labels dict, stats)."""
    import numpy as np
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    missing = {"source", "item", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    n_in = len(df)
    src_codes, src_labels = pd.factorize(df["source"], sort=False)
    item_codes, item_labels = pd.factorize(df["item"], sort=False)
    val_labels, val_codes = np.unique(df["value"].to_numpy(dtype=object), return_inverse=True)
    # one claim per (source, item): keep the first row in file order
    key = src_codes.astype(np.int64) * max(len(item_labels), 1) + item_codes
    _, first = np.unique(key, return_index=True)
    first.sort()
    codes = {
        "source": src_codes[first].astype(np.int64),
        "item": item_codes[first].astype(np.int64),
        "value": val_codes.reshape(-1)[first].astype(np.int64),
    }
    labels = {"item": np.asarray(item_labels, dtype=object), "value": np.asarray(val_labels, dtype=object)}
    stats = {"n_claims_in": int(n_in), "n_claims_used": int(len(first)),
             "n_dropped_same_source_item": int(n_in - len(first)),
             "n_sources": int(len(src_labels)), "n_items": int(len(item_labels)), "n_values": int(len(val_labels))}
    return codes, labels, stats


def pick(item, value, score):
    """Per item: the value with the highest score, exact ties -> smallest value code (= smallest key).

    Returns (items, values, scores, n_tied_items, n_nan_items).
    """
    import numpy as np

    item = np.asarray(item, dtype=np.int64)
    value = np.asarray(value, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    rank = np.where(np.isnan(score), -np.inf, score)
    order = np.lexsort((value, -rank, item))  # last key is primary: item, then score desc, then value asc
    item_s, rank_s, score_s, value_s = item[order], rank[order], score[order], value[order]
    starts = np.flatnonzero(np.r_[True, item_s[1:] != item_s[:-1]]) if len(item_s) else np.array([], np.int64)
    # ties: the second entry of a group has the same score as the first
    second = starts + 1
    ok = second < len(item_s)
    ok[ok] &= item_s[second[ok]] == item_s[starts[ok]]
    tied = np.zeros(len(starts), dtype=bool)
    tied[ok] = rank_s[second[ok]] == rank_s[starts[ok]]
    nan_items = int(np.isneginf(rank_s[starts]).sum()) if len(starts) else 0
    return item_s[starts], value_s[starts], score_s[starts], int(tied.sum()), nan_items


def solve_truthdiscovery(algo: str, codes):
    import numpy as np
    import truthdiscovery as td

    t0 = time.perf_counter()
    triples = zip(codes["source"].tolist(), codes["item"].tolist(), codes["value"].tolist())
    dataset = td.Dataset(triples, allow_multiple=True)
    t1 = time.perf_counter()
    result = getattr(td, algo)().run(dataset)
    t2 = time.perf_counter()
    n = dataset.num_claims
    item = np.empty(n, np.int64)
    value = np.empty(n, np.int64)
    score = np.empty(n, np.float64)
    i = 0
    for var, beliefs in result.belief.items():
        for val, b in beliefs.items():
            item[i], value[i], score[i] = var, val, b
            i += 1
    extra = {"iterations": result.iterations}
    return (item[:i], value[:i], score[:i]), t1 - t0, t2 - t1, extra


def solve_crowdkit(algo: str, codes):
    import numpy as np
    import pandas as pd
    from crowdkit import aggregation

    t0 = time.perf_counter()
    df = pd.DataFrame({"task": codes["item"], "worker": codes["source"], "label": codes["value"]})
    t1 = time.perf_counter()
    model = getattr(aggregation, algo)()
    proba = model.fit_predict_proba(df)
    t2 = time.perf_counter()
    # rows = tasks, columns = labels (value codes); sort columns so argmax's first hit is the smallest code
    proba = proba.reindex(columns=sorted(proba.columns))
    mat = proba.to_numpy(dtype=np.float64)
    cols = np.asarray(proba.columns, dtype=np.int64)
    tasks = np.asarray(proba.index, dtype=np.int64)
    rank = np.where(np.isnan(mat), -np.inf, mat)
    best = rank.argmax(axis=1) if mat.size else np.zeros(len(tasks), np.int64)
    top = rank[np.arange(len(tasks)), best]
    n_tied = int(((rank == top[:, None]).sum(axis=1) > 1).sum()) if mat.size else 0
    item, value, score = tasks, cols[best], mat[np.arange(len(tasks)), best]
    extra = {"iterations": len(getattr(model, "loss_history_", []) or []) or None, "n_tied_items": n_tied,
             "n_nan_items": int(np.isneginf(top).sum())}
    return (item, value, score), t1 - t0, t2 - t1, extra, True


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--method", help="e.g. truthdiscovery.Sums or crowdkit.DawidSkene")
    ap.add_argument("--input", help="claims CSV: source,item,value")
    ap.add_argument("--output", help="predictions CSV: item,value,score,is_probability")
    ap.add_argument("--list", action="store_true", help="print the known methods as JSON and exit")
    args = ap.parse_args(argv)
    if args.list:
        print(json.dumps({"methods": METHODS, "probabilistic": sorted(PROBABILISTIC)}))
        return EXIT_OK
    if not (args.method and args.input and args.output):
        ap.error("--method, --input and --output are required")

    out = {"method": args.method, "status": "error", "tie_break": TIE_BREAK, "pid": os.getpid()}
    try:
        method = normalise_method(args.method)
        out["method"] = method
        lib, algo = method.split(".", 1)
        warnings.simplefilter("ignore")
        import numpy as np
        import pandas as pd

        t0 = time.perf_counter()
        codes, labels, stats = load_claims(args.input)
        out["load_seconds"] = time.perf_counter() - t0
        out.update(stats)
        # import the library before timing the solve (imports are not solve time)
        if lib == "truthdiscovery":
            import truthdiscovery  # noqa: F401
            (item, value, score), build_s, solve_s, extra = solve_truthdiscovery(algo, codes)
            is_prob = False
            item, value, score, n_tied, n_nan = pick(item, value, score)
            extra.update(n_tied_items=n_tied, n_nan_items=n_nan)
        else:
            from crowdkit import aggregation  # noqa: F401
            (item, value, score), build_s, solve_s, extra, is_prob = solve_crowdkit(algo, codes)
        out["build_seconds"] = build_s
        out["solve_seconds"] = solve_s
        out.update(extra)

        t0 = time.perf_counter()
        pred = pd.DataFrame({
            "item": labels["item"][item],
            "value": labels["value"][value],
            "score": score,
            "is_probability": np.full(len(item), "true" if is_prob else "false"),
        })
        tmp = args.output + ".tmp"
        pred.to_csv(tmp, index=False)
        os.replace(tmp, args.output)
        out["write_seconds"] = time.perf_counter() - t0
        out["n_predictions"] = int(len(pred))
        out["is_probability"] = is_prob
        out["status"] = "ok"
        print(json.dumps(out), flush=True)
        return EXIT_OK
    except MemoryError as exc:
        out.update(status="dnf-memory", message=f"MemoryError: {exc}"[:500])
        print(json.dumps(out), flush=True)
        traceback.print_exc()
        return EXIT_MEMORY
    except Exception as exc:  # noqa: BLE001 - report any library failure as a result row
        out.update(status="error", message=f"{type(exc).__name__}: {exc}"[:500])
        print(json.dumps(out), flush=True)
        traceback.print_exc()
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
