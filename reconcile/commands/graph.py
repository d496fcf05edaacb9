"""reconcile graph: export the claim graph of a finished run (or of some subjects) as GraphML or node-link JSON."""
from __future__ import annotations

import argparse

NAME = "graph"
HELP = "export the claim graph of a run (sources, claims, candidate values, subjects) as GraphML or node-link JSON"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", help="output folder of a finished `reconcile run`")
    p.add_argument("--subject", action="append", metavar="S",
                   help="only this subject (repeat for several); default: the whole run")
    p.add_argument("--format", choices=["graphml", "json"],
                   help="graphml or json (node-link); default: json if --output ends in .json, else graphml")
    p.add_argument("-o", "--out", "--output", dest="output", required=True, metavar="FILE",
                   help="file to write (atomically)")
    p.add_argument("--max-claims", type=int, default=200_000, metavar="N",
                   help="refuse a graph of more claims than this (default 200000)")
    p.add_argument("--multi-valued", action="append", metavar="ATTRIBUTE",
                   help="an attribute whose values are not exclusive (repeat); default: inferred from the run "
                        "(several chosen values)")


def run(args: argparse.Namespace) -> int:
    from ..explain import load_run
    from ..graph import build_graph, contradiction_components, export, summary

    run_data = load_run(args.out)
    graph = build_graph(run_data["claims"], run_data["verdicts"], args.subject, args.max_claims,
                        set(args.multi_valued) if args.multi_valued else None)
    path = export(graph, args.output, args.format)
    s = summary(graph, contradiction_components(graph))
    print(f"{s['nodes']} nodes, {s['edges']} edges, {s['conflicts']} conflicting value pairs, "
          f"{s['components']} contradiction components -> {path}")
    return 0
