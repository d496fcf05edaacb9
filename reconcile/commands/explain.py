"""reconcile explain: claim-by-claim contributions behind one verdict."""
from __future__ import annotations

NAME = "explain"
HELP = "explain a verdict of a finished run: each claim's source, reliability, weight, vote and quote"


def add_arguments(p) -> None:
    p.add_argument("out", help="output folder of a finished `reconcile run`")
    p.add_argument("subject")
    p.add_argument("attribute", nargs="?")


def run(args) -> int:
    from ..explain import load_run, render
    from ..textsafe import escape_control

    run_data = load_run(args.out)
    # feed text reaches the terminal: control sequences are shown escaped, never executed
    print(escape_control(render(run_data["claims"], run_data["verdicts"], args.subject, args.attribute)))
    return 0
