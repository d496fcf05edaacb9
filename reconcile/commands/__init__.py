"""One module per CLI subcommand. Each module defines:

    NAME: str                      the subcommand name
    HELP: str                      one line for `reconcile --help`
    def add_arguments(parser)      declare its options on an argparse parser
    def run(args) -> int           do the work, return an exit code (raise ReconcileError for user errors)

`COMMANDS` lists the modules in the order `--help` shows them. Modules are imported lazily so that
`reconcile check` does not pay for pandas/pyarrow imports it does not need.
"""
COMMANDS = ["run", "init", "decide", "diff", "state", "check", "explain", "evaluate", "calibrate", "graph", "extract",
            "synth", "schema", "completion"]
