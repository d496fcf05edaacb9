"""The claim graph (reconcile/graph.py) and `reconcile graph`, on a tiny run built in tmp_path."""
import json
import textwrap

import networkx as nx
import pytest

from reconcile.cli import main
from reconcile.errors import UsageError
from reconcile.explain import load_run
from reconcile.graph import build_graph, contradiction_components, export

FEED = """\
source,subject,attribute,value,published_at,speaker,quote,derived_from
AP,Kherson,control,Ukraine,2022-11-11T10:00:00Z,General X,Ukrainian troops entered the city,
BBC,Kherson,control,ukraine,2022-11-11T12:00:00Z,,The city is held by Ukraine,Reuters
TASS,Kherson,control,Russia,2022-11-11T09:00:00Z,Ministry,Russian forces remain,
AP,Lyman,control,Ukraine,2022-10-01T10:00:00Z,,,
BBC,Lyman,control,Ukraine,2022-10-01T10:00:00Z,,,
RIA,Bakhmut,control,Russia,2023-05-20T10:00:00Z,,,
Kyiv Post,Bakhmut,control,Ukraine,2023-05-20T10:00:00Z,,,
"""
RULES = """\
version: 1
defaults:
  reliability: 0.7
  strength: 2
attributes:
  control:
    kind: categorical
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("graph")
    (base / "feed.csv").write_text(FEED)
    (base / "rules.yaml").write_text(RULES)
    assert main(["run", str(base / "feed.csv"), "--rules", str(base / "rules.yaml"), "--out", str(base / "out")]) == 0
    return base / "out"


@pytest.fixture(scope="module")
def run_data(run_dir):
    return load_run(run_dir)


def _kinds(graph, node, direction="out"):
    edges = graph.out_edges(node, data="kind") if direction == "out" else graph.in_edges(node, data="kind")
    return sorted((v if direction == "out" else u, k) for u, v, k in edges)


def test_subject_with_two_agreeing_sources_and_one_conflicting(run_data):
    g = build_graph(run_data["claims"], run_data["verdicts"], ["Kherson"])
    kinds = {n: d["kind"] for n, d in g.nodes(data=True)}
    assert sorted(n for n, k in kinds.items() if k == "source") == ["source:AP", "source:BBC", "source:Reuters",
                                                                     "source:TASS"]
    assert [n for n, k in kinds.items() if k == "subject"] == ["subject:Kherson"]
    ukraine, russia = "value:Kherson|control|ukraine", "value:Kherson|control|russia"
    assert sorted(n for n, k in kinds.items() if k == "value") == [russia, ukraine]
    assert sum(k == "claim" for k in kinds.values()) == 3
    assert {k for _, _, k in g.edges(data="kind")} == {"asserts", "claims", "of", "conflicts", "derived_from"}
    # AP and BBC support each other through the same value node ("Ukraine" and "ukraine" are one value)
    backers = sorted(g.nodes[c]["source"] for c, _ in _kinds(g, ukraine, "in") if g.nodes[c]["kind"] == "claim")
    assert backers == ["AP", "BBC"]
    assert g.nodes[ukraine]["label"] == "Ukraine" and g.nodes[ukraine]["n_sources"] == 2
    assert g.nodes[ukraine]["chosen"] is True and g.nodes[russia]["chosen"] is False
    assert g.nodes[ukraine]["posterior"] > g.nodes[russia]["posterior"]
    assert g.nodes[ukraine]["status"] != ""
    assert g.has_edge(ukraine, russia, key="conflicts") and g.has_edge(russia, ukraine, key="conflicts")
    assert _kinds(g, ukraine) == [("subject:Kherson", "of"), (russia, "conflicts")]
    tass = [c for c, _ in _kinds(g, "source:TASS")]
    assert len(tass) == 1 and _kinds(g, tass[0]) == [(russia, "claims")]
    claim = g.nodes[tass[0]]
    assert claim["speaker"] == "Ministry" and claim["quote"] == "Russian forces remain"
    assert claim["published_at"].startswith("2022-11-11T09:00:00")
    assert isinstance(claim["vote"], float) and isinstance(claim["weight"], float)
    # no None anywhere: every attribute is GraphML-safe
    values = [v for _, d in g.nodes(data=True) for v in d.values()] + \
             [v for _, _, d in g.edges(data=True) for v in d.values()]
    assert all(isinstance(v, (str, int, float, bool)) for v in values)


def test_no_conflicts_where_sources_agree(run_data):
    g = build_graph(run_data["claims"], run_data["verdicts"], ["Lyman"])
    assert not [e for e in g.edges(data="kind") if e[2] == "conflicts"]
    assert contradiction_components(g) == []


def test_derived_from_edge(run_data):
    g = build_graph(run_data["claims"], subjects=["Kherson"])
    derived = [(u, v) for u, v, k in g.edges(data="kind") if k == "derived_from"]
    assert len(derived) == 1
    claim, source = derived[0]
    assert source == "source:Reuters" and g.nodes[claim]["source"] == "BBC"
    assert g.nodes[source]["claims"] == 0  # Reuters asserts nothing itself here


def test_multi_valued_attribute_has_no_conflicts(run_data):
    g = build_graph(run_data["claims"], subjects=["Kherson"], multi_valued={"control"})
    assert not [e for e in g.edges(data="kind") if e[2] == "conflicts"]


def test_exports_load_back(run_data, tmp_path):
    g = build_graph(run_data["claims"], run_data["verdicts"])
    export(g, tmp_path / "g.graphml", "graphml")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    assert back.nodes["value:Kherson|control|ukraine"]["chosen"] is True
    export(g, tmp_path / "g.json")  # format from the suffix
    data = json.loads((tmp_path / "g.json").read_text())
    assert len(data["nodes"]) == g.number_of_nodes() and len(data["edges"]) == g.number_of_edges()
    assert nx.node_link_graph(data, edges="edges").number_of_nodes() == g.number_of_nodes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left behind
    with pytest.raises(UsageError):
        export(g, tmp_path / "g.dot", "dot")


def test_exports_are_byte_identical_across_runs(tmp_path, capsys):
    outputs = []
    for i in (1, 2):
        base = tmp_path / f"r{i}"
        base.mkdir()
        (base / "feed.csv").write_text(FEED)
        (base / "rules.yaml").write_text(RULES)
        assert main(["run", str(base / "feed.csv"), "--rules", str(base / "rules.yaml"), "--out", str(base / "out")]) == 0
        for fmt in ("graphml", "json"):
            assert main(["graph", str(base / "out"), "--format", fmt, "--output", str(base / f"g.{fmt}")]) == 0
        outputs.append([(base / f"g.{fmt}").read_bytes() for fmt in ("graphml", "json")])
    assert outputs[0] == outputs[1]
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert "nodes" in summary and "edges" in summary and "conflicting" in summary and "components" in summary


def test_too_large_selection(run_data, run_dir, tmp_path, capsys):
    with pytest.raises(UsageError, match="--subject"):
        build_graph(run_data["claims"], max_claims=3)
    build_graph(run_data["claims"], subjects=["Kherson"], max_claims=3)  # one subject fits
    assert main(["graph", str(run_dir), "--max-claims", "3", "-o", str(tmp_path / "g.graphml")]) == 2
    assert "max_claims" in capsys.readouterr().err
    with pytest.raises(UsageError, match="did you mean: Kherson"):
        build_graph(run_data["claims"], subjects=["kherson"])


def test_contradiction_components_group_the_sources_of_one_dispute(run_data):
    g = build_graph(run_data["claims"], run_data["verdicts"])
    comps = contradiction_components(g)
    assert comps == [
        {"source:AP", "source:BBC", "source:TASS", "value:Kherson|control|russia", "value:Kherson|control|ukraine"},
        {"source:Kyiv Post", "source:RIA", "value:Bakhmut|control|russia", "value:Bakhmut|control|ukraine"},
    ]
    assert contradiction_components(g) == comps  # deterministic
    # joined through shared sources: still two disputes here (no source is in both)
    assert contradiction_components(g, via_sources=True) == comps


def test_components_joined_by_a_shared_source(tmp_path):
    feed = FEED + "TASS,Bakhmut,control,Russia,2023-05-20T10:00:00Z,,,\n"
    (tmp_path / "feed.csv").write_text(feed)
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(RULES))
    assert main(["run", str(tmp_path / "feed.csv"), "--rules", str(tmp_path / "rules.yaml"),
                 "--out", str(tmp_path / "out")]) == 0
    g = build_graph(load_run(tmp_path / "out")["claims"])
    assert len(contradiction_components(g)) == 2
    joined = contradiction_components(g, via_sources=True)
    assert len(joined) == 1 and "source:TASS" in joined[0] and len(joined[0]) == 9
