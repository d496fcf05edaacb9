"""Size and build time of report.html / report.md for finished runs (the page must stay under 5 MB).

    .venv/bin/python -m bench.report_size OUT [OUT ...]     # e.g. a flight run's output folder

Prints one table row per output folder: contradictions in the run and embedded in the page, verdicts explained
in the page, bytes of report.html and report.md, seconds to build the model and render both.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from reconcile.report.build import _meta, assemble, read_tables, summary
from reconcile.report.render import render_html, render_markdown

LIMIT = 5_000_000


def measure(out: Path) -> dict:
    run = json.loads((out / "run.json").read_text())
    solver = run["solver"]
    meta = _meta(run.get("as_of"), solver["name"], solver["iterations"], solver["converged"], run["counts"],
                 run.get("extraction"), run["rules"]["files"], {})
    tables = read_tables(out)
    started = time.perf_counter()
    model = assemble(tables, meta)
    html = render_html(model).encode("utf-8")
    md = render_markdown(model, summary(model, tables)).encode("utf-8")
    return {"run": str(out), "contradictions": model["contradictions_total"],
            "embedded": len(model["contradictions"]["rows"]), "explained": len(model["details"]),
            "html_bytes": len(html), "md_bytes": len(md), "seconds": time.perf_counter() - started}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outs", nargs="+", type=Path)
    args = ap.parse_args(argv)
    print("| run | contradictions | embedded | verdicts explained | report.html bytes | report.md bytes | "
          "build s | under 5 MB |")
    print("|---|---|---|---|---|---|---|---|")
    for out in args.outs:
        r = measure(out)
        print(f"| {r['run']} | {r['contradictions']:,} | {r['embedded']:,} | {r['explained']:,} | "
              f"{r['html_bytes']:,} | {r['md_bytes']:,} | {r['seconds']:.1f} | "
              f"{'yes' if r['html_bytes'] <= LIMIT else 'NO'} |")


if __name__ == "__main__":
    main()
