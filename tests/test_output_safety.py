"""Outputs safe to open: no formula runs in a spreadsheet, no escape sequence reaches the terminal, graph ids unique."""
from __future__ import annotations

import pandas as pd

from engine_helpers import cli, write_csv, write_rules
from reconcile.graph import build_graph

ROWS = [
    ["=HYPERLINK(\"http://x\")", "+cmd", "control", "@SUM(A1)", "2021-07-01T10:00:00Z"],
    ["b", "+cmd", "control", "-3.5", "2021-07-01T10:00:00Z"],
    ["c", "+cmd", "control", "\tx", "2021-07-01T10:00:00Z"],
    ["d", "plain", "size", "-3.5", "2021-07-01T10:00:00Z"],
    ["e", "plain", "size", "'=already", "2021-07-01T10:00:00Z"],
    ["f", "esc\x1b[2J", "control", "v\x1b]0;pwned\x07", "2021-07-01T10:00:00Z"],
]


def test_formula_cells_are_quoted_numbers_are_not_and_readers_get_the_values_back(tmp_path):
    feed = write_csv(tmp_path / "f.csv", ROWS)
    rules = write_rules(tmp_path / "r.yaml", "version: 1\nattributes:\n  size: {kind: numeric}\n")
    out = tmp_path / "out"
    code, _, err = cli("run", feed, "--rules", rules, "--out", out)
    assert code == 0, err
    text = (out / "verdicts.csv").read_text()
    assert "\n\"'+cmd\"," in text and '\n"plain","size","-3.5",' in text
    sources = (out / "sources.csv").read_text()
    assert "'=HYPERLINK" in sources and "\n=" not in sources and '"=' not in sources
    for name in ("verdicts.csv", "contradictions.csv", "sources.csv", "rejects.csv", "copies.csv"):
        frame = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        for column in frame.columns:
            assert not frame[column].str.match(r"^[=+@\t\r]").any(), (name, column)
            assert not frame[column].str.match(r"^-(?![\d.])").any(), (name, column)
    assert pd.read_csv(out / "verdicts.csv")["confidence"].dtype == float  # numeric columns untouched
    code, stdout, _ = cli("explain", out, "+cmd")
    assert code == 0 and "verdict: " in stdout  # explain reads the subject back as written in the feed
    code, stdout, _ = cli("explain", out, "esc\x1b[2J")
    assert code == 0 and "\x1b" not in stdout and "\x07" not in stdout and "esc\\x1b[2J" in stdout


def test_graph_ids_cannot_collide():
    claims = pd.DataFrame({"claim_id": ["1", "2", "3", "3~2", "3"], "source": ["s|", "s", "s", "s", "s"],
                           "subject": ["a|b", "a", "a", "a", "a"], "attribute": ["c", "b|c", "b|c", "b|c", "b|c"],
                           "value": ["v", "v", "w", "w", "w"], "value_key": ["v", "v", "w", "w", "w"],
                           "posterior": 0.5, "chosen": False})
    g = build_graph(claims)
    kinds = pd.Series(dict(g.nodes(data="kind")))
    assert (kinds == "claim").sum() == 5
    assert (kinds == "value").sum() == 3
    assert (kinds == "source").sum() == 2 and (kinds == "subject").sum() == 2


def test_neutralise_table_quotes_exactly_the_cells_the_trigger_pattern_names():
    """Every text cell against the pattern itself (Python's re): trigger characters first or after quotes, plain
    numbers left alone, non-ASCII and empty cells, nulls, several chunks, string and large_string columns."""
    import re

    import pyarrow as pa

    from reconcile.outputs.csvsafe import NUMBER, TRIGGER, neutralise_table

    cells = ["=1+1", "+cmd", "-x", "-3.5", "+1e3", "@SUM(A1)", "\tx", "\rx", "'=a", "''+b", "'plain", "", "é=",
             "ünïcode", "a=b", "x-", None, "1", "'-2"]
    column = pa.chunked_array([cells[:7], cells[7:]])
    table = pa.table({"s": column, "l": column.cast(pa.large_string()), "n": pa.array(range(len(cells)))})
    out = neutralise_table(table)

    def expected(cell):
        if cell is None or not re.match(TRIGGER, cell) or re.match(NUMBER, cell):
            return cell
        return "'" + cell
    want = [expected(c) for c in cells]
    assert out.column("s").to_pylist() == want and out.column("l").to_pylist() == want
    assert want[:3] == ["'=1+1", "'+cmd", "'-x"] and want[3] == "-3.5" and want[8] == "''=a"
    assert out.column("n").equals(table.column("n"))
    plain = pa.table({"s": pa.chunked_array([["a", "b"], ["é", ""]])})  # no cell to quote: the same column
    assert neutralise_table(plain).equals(plain)
