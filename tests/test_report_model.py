"""The report's model and renderers without a browser: escaping, determinism, evaluate's calibration."""
from __future__ import annotations

import base64
import hashlib
import json
import re

from reconcile.report.render import embed_json, md

from engine_helpers import cli, write_csv

FEED = [
    ["Reuters", "Kunduz", "control", "taliban", "2021-07-01T10:00:00Z"],
    ["AFP", "Kunduz", "control", "taliban", "2021-07-01T11:00:00Z"],
    ["TOLOnews", "Kunduz", "control", "government", "2021-07-01T12:00:00Z"],
    ["AP", "Herat", "control", "government", "2021-07-01T09:30:00Z"],
    ["Khaama", "Herat", "control", "taliban", "2021-07-01T09:40:00Z"],
    ["Pajhwok", "Herat", "control", "government", "2021-07-01T09:00:00Z"],
]
RULES = "version: 1\nattributes:\n  control: {closed: true, values: {government: [], taliban: []}}\n"


def test_markdown_escaping_keeps_text_inert():
    assert md("<script>x</script>") == "\\<script\\>x\\</script\\>"
    assert md("# title | a |") == "\\# title \\| a \\|"
    assert md("\x1b[31mred\x9b") == "\\\\x1b\\[31mred\\\\x9b"
    assert md("line\nnext") == "line\\\\x0anext"
    assert md("x" * 400, limit=10) == "x" * 10 + " … (400 characters)"


def test_embedded_json_cannot_close_its_script_element():
    text = str(embed_json({"a": "</script><script>alert(1)</script>", "b": "<!--", "c": "\u2028&"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "<!--", "c": "\u2028&"}


def _run(tmp_path, name, rows):
    feed = write_csv(tmp_path / f"{name}.csv", rows)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    out = tmp_path / name
    code, _, err = cli("run", str(feed), "--rules", str(rules), "--out", str(out), "--as-of", "2021-07-02T00:00:00Z")
    assert code == 0, err
    return out


def test_reports_are_byte_identical_for_any_row_order(tmp_path):
    a = _run(tmp_path, "a", FEED)
    b = _run(tmp_path, "b", FEED[::-1])
    for name in ("report.html", "report.md"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_html_csp_allows_exactly_the_inline_script_and_style(tmp_path):
    html = (_run(tmp_path, "a", FEED) / "report.html").read_text()
    import html as html_lib

    csp = html_lib.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    def h(t):
        return "'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
    assert f"script-src {h(script)};" in csp and f"style-src {h(style)};" in csp
    assert csp.startswith("default-src 'none'") and "img-src data:" in csp
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched from anywhere


def test_evaluate_adds_calibration_to_the_report_and_keeps_run_json_true(tmp_path):
    out = _run(tmp_path, "a", FEED)
    gold = write_csv(tmp_path / "gold.csv", [["Kunduz", "taliban"], ["Herat", "government"]], ["subject", "value"])
    code, stdout, err = cli("evaluate", str(out), "--truth", str(gold))
    assert code == 0, err
    report = (out / "report.md").read_text()
    assert "## Calibration against gold.csv" in report and "| 0.9–1.0 |" in report.replace("\\", "")
    html = (out / "report.html").read_text()
    assert 'data-chart="calibration"' in html and "data:image/svg+xml;base64," in html
    run = json.loads((out / "run.json").read_text())
    for name in ("report.md", "report.html", "evaluation.json"):
        assert run["outputs"][name] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert json.loads((out / "evaluation.json").read_text())["summary"]["gold_items"] == 2


def test_page_bounds_what_it_embeds_and_says_how_much_it_left_out(tmp_path):
    from reconcile.report.build import _meta, read_tables
    from reconcile.report.model import Budget, build_model
    from reconcile.report.render import render_html

    rows = [[f"s{k}", f"subject {i}", "control", ("taliban", "government")[k % 2], "2021-07-01T10:00:00Z"]
            for i in range(40) for k in range(4)]
    out = _run(tmp_path, "many", rows)
    tables = read_tables(out)
    meta = _meta("2021-07-02T00:00:00Z", "accu", 1, True, {"sources": 4, "rows_read": len(rows)}, None, [], {})
    full = build_model(tables, meta)
    assert len(full["contradictions"]["rows"]) == full["contradictions_total"] == len(tables["contradictions"])
    small = build_model(tables, meta, budget=Budget(contradictions_chars=2_000, details_chars=1_000))
    kept = len(small["contradictions"]["rows"])
    assert 0 < kept < small["contradictions_total"]
    assert small["contradictions_left_out"] == small["contradictions_total"] - kept
    assert 0 < len(small["details"]) < full["contradictions_total"]
    html = render_html(small)
    assert f"{small['contradictions_left_out']} more in contradictions.csv" in html


def test_triage_takes_the_runner_up_of_the_first_verdict_row_and_orders_by_margin():
    """The triage table against a plain pandas left join on (subject, attribute) and a stable multi-key sort:
    several verdict rows of one pair (a multi-valued attribute: the first one's runner-up counts), a
    contradiction without a verdict, pairs that share a subject or an attribute, ties broken by severity then
    id, labels."""
    import pandas as pd
    import pytest

    from reconcile.report.model import TRIAGE_COLUMNS, triage

    verdicts = pd.DataFrame({
        "subject": ["a", "a", "b", "c", "b"], "attribute": ["x", "x", "x", "y", "y"],
        "runner_up": ["r1", "r2", "", "r3", "r4"], "runner_up_confidence": [0.3, 0.1, None, 0.5, 0.2]})
    contradictions = pd.DataFrame({
        "id": ["C3", "C1", "C2", "C4", "C5", "C6"], "subject": ["a", "b", "c", "b", "zz", "a"],
        "attribute": ["x", "x", "y", "y", "x", "x"], "kind": ["value_conflict"] * 6, "status": ["challenged"] * 6,
        "verdict_value": ["v"] * 6, "verdict_confidence": [0.6, 0.9, 0.7, 0.7, 0.4, 0.6],
        "severity": [1.0, 2.0, 3.0, 0.5, 1.0, 1.0], "source": [""] * 6, "losing_sources": ["s"] * 6,
        "competing_values": ["w"] * 6})
    got = triage(contradictions, verdicts, {"a": "Alpha"})
    first = verdicts.drop_duplicates(["subject", "attribute"])
    want = contradictions.merge(first, on=["subject", "attribute"], how="left")
    want["runner_up"] = want["runner_up"].fillna("")
    want["runner_up_confidence"] = want["runner_up_confidence"].fillna(0.0)
    want["margin"] = (want["verdict_confidence"] - want["runner_up_confidence"]).clip(lower=0.0)
    want["label"] = want["subject"].map({"a": "Alpha"}).fillna("")
    want = want.sort_values(["margin", "severity", "id"], ascending=[True, False, True], kind="stable")
    assert list(got.columns) == TRIAGE_COLUMNS
    assert got["id"].tolist() == want["id"].tolist() == ["C2", "C3", "C6", "C5", "C4", "C1"]
    assert got["runner_up"].tolist() == want["runner_up"].tolist() == ["r3", "r1", "r1", "", "r4", ""]
    assert got["margin"].tolist() == pytest.approx(want["margin"].tolist())
    assert got["label"].tolist() == ["", "Alpha", "Alpha", "", "", ""]
