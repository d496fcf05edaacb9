"""The long fuzz run: >= 10,000 generated cases over feeds, rules and the Python API, counting crashes.

    flock /tmp/reconcile-heavy.lock .venv/bin/python -m bench.fuzz [--scale 1.0] [--out docs/fuzzing.md]

Same generators and checks as the CI suite (tests/fuzz_cases.py), many more cases. A *crash* is a traceback
(an exception that is not a ReconcileError, or CLI exit code 1); a *violation* is a broken guarantee (rows read
!= accepted + rejected + excluded, a value changed between input and claims). Feed cases run the whole CLI
(outputs written) for 200 cases and read -> validate in-process for 5,000 (the boundary under test).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

import fuzz_cases  # noqa: E402
from reconcile.errors import ReconcileError  # noqa: E402

KINDS = {"feed (whole CLI run)": 200, "feed (read, validate)": 5000, "rules file": 3800, "API frame": 1000}


def _settings(n: int):
    return settings(max_examples=n, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def _record(stats: Counter, failures: list, kind: str, fn) -> None:
    stats[(kind, "cases")] += 1
    try:
        fn()
    except AssertionError:
        stats[(kind, "violations")] += 1
        failures.append((kind, traceback.format_exc(limit=3)))
    except ReconcileError:
        stats[(kind, "refused")] += 1
    except Exception:  # noqa: BLE001 -- this is what we count
        stats[(kind, "crashes")] += 1
        failures.append((kind, traceback.format_exc(limit=6)))


def _in_process(tmp: Path, name: str, data: bytes, rules) -> None:
    from reconcile.pipeline import load_feeds

    feed = tmp / name
    feed.write_bytes(data)
    table, _ = load_feeds([feed], rules, "2030-01-01T00:00:00Z")
    c = table.counts
    assert c["rows_read"] == c["rows_accepted"] + c["rows_rejected"] + c["rows_excluded"], c
    if len(table.claims):
        fuzz_cases._values_unchanged(feed, table.claims)


def run(scale: float) -> tuple[Counter, list, float]:
    from reconcile.pipeline import reconcile_frame
    from reconcile.rules import load_rules
    from reconcile.rules.model import Rules

    stats: Counter = Counter()
    failures: list = []
    rules_model = Rules.model_validate({"version": 1})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rules_path = tmp / "r.yaml"
        rules_path.write_text("version: 1\n")
        counter = iter(range(10 ** 9))

        @_settings(int(KINDS["feed (whole CLI run)"] * scale))
        @given(case=fuzz_cases.feeds())
        def cli_feeds(case):
            d = tmp / f"c{next(counter)}"
            d.mkdir()
            _record(stats, failures, "feed (whole CLI run)",
                    lambda: _expect_code(fuzz_cases.check_run(d, case[0], case[1], rules_path)))

        @_settings(int(KINDS["feed (read, validate)"] * scale))
        @given(case=fuzz_cases.feeds())
        def feeds(case):
            d = tmp / f"f{next(counter)}"
            d.mkdir()
            _record(stats, failures, "feed (read, validate)", lambda: _in_process(d, case[0], case[1], rules_model))

        @_settings(int(KINDS["rules file"] * scale))
        @given(text=fuzz_cases.rules_texts())
        def rules(text):
            path = tmp / f"r{next(counter)}.yaml"
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            _record(stats, failures, "rules file", lambda: load_rules(path))

        @_settings(int(KINDS["API frame"] * scale))
        @given(frame=fuzz_cases.api_frames(), as_of=fuzz_cases.as_ofs)
        def api(frame, as_of):
            def case():
                result = reconcile_frame(frame, rules_model, as_of=as_of)
                c = result.counts
                assert c["rows_read"] == c["rows_accepted"] + c["rows_rejected"] + c["rows_excluded"]
            _record(stats, failures, "API frame", case)

        for fn in (cli_feeds, feeds, rules, api):
            fn()
    return stats, failures, time.perf_counter() - started


def _expect_code(code: int) -> None:
    if code != 0:
        raise ReconcileError(f"exit {code}")


def table(stats: Counter, seconds: float) -> str:
    lines = ["| input | cases | accepted or loaded | refused (clear error) | crashes | violations |",
             "|---|---:|---:|---:|---:|---:|"]
    total = Counter()
    for kind in KINDS:
        n, refused = stats[(kind, "cases")], stats[(kind, "refused")]
        crashes, viol = stats[(kind, "crashes")], stats[(kind, "violations")]
        total.update(cases=n, refused=refused, crashes=crashes, violations=viol)
        lines.append(f"| {kind} | {n:,} | {n - refused - crashes - viol:,} | {refused:,} | {crashes} | {viol} |")
    lines.append(f"| **all** | **{total['cases']:,}** | | {total['refused']:,} | **{total['crashes']}** | "
                 f"**{total['violations']}** |")
    lines.append(f"\n{seconds:.0f} s on the shared 2-core machine.")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every case count (default 1.0)")
    parser.add_argument("--out", help="also write the table into this Markdown file")
    args = parser.parse_args()
    stats, failures, seconds = run(args.scale)
    text = table(stats, seconds)
    print(text)
    for kind, trace in failures[:10]:
        print(f"\n--- {kind}\n{trace}")
    if args.out:
        Path(args.out).write_text(
            "# Fuzzing\n\n`flock /tmp/reconcile-heavy.lock .venv/bin/python -m bench.fuzz --out docs/fuzzing.md`"
            " (generators and checks: tests/fuzz_cases.py; the CI suite tests/test_fuzz.py runs the same with a "
            "fixed budget of 40 cases per input kind).\n\nA crash is a traceback (an exception that is not a "
            "ReconcileError, or CLI exit 1); a violation is a broken guarantee (rows read != accepted + rejected "
            "+ excluded, or a value changed between the input and the accepted claims).\n\n" + text + "\n")
    return 1 if any(k[1] in ("crashes", "violations") and v for k, v in stats.items()) else 0


if __name__ == "__main__":
    sys.exit(main())
