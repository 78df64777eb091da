"""Tests for kg/analyze.py (networkx views and measures), kg/stats.py, `kg analyze` and `kg stats`.

Exact figures are checked on a small hand-written graph; on the seeds, whose extraction rules
are still being tuned, only what any sound build states: Putin, Bush and Rice are among the
five most central people, and Rice met Lavrov.
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace
from typer.testing import CliRunner

import kg
from kg import analyze as A
from kg.cli import app
from kg.errors import QueryError
from kg.stats import format_stats, graph_stats

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SCHEMA = Namespace("https://schema.org/")
NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = Namespace("https://w3id.org/newskg/id/")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> kg.KnowledgeGraph:
    return kg.build([SEEDS], tmp_path_factory.mktemp("out"), html=False)


@pytest.fixture()
def small() -> Graph:
    """Ann and Bob meet twice (once in Oslo), Ann and Cy once; Ann opposes the Shield,
    an article mentions Ann and Cy, and one fact has evidence."""
    g = Graph()
    people = {"ann": "Ann Alpha", "bob": "Bob Beta", "cy": "Cy Gamma", "dee": "Dee Delta"}
    for slug, label in people.items():
        g.add((ID[f"person/{slug}"], RDF.type, SCHEMA.Person))
        g.add((ID[f"person/{slug}"], RDFS.label, Literal(label)))
    g.add((ID["person/ann"], SCHEMA.alternateName, Literal("Mrs Alpha")))
    g.add((ID["city/oslo"], RDF.type, SCHEMA.City))
    g.add((ID["city/oslo"], RDFS.label, Literal("Oslo")))
    g.add((ID["system/shield"], RDF.type, NKG.DefenseSystem))
    g.add((ID["system/shield"], RDFS.label, Literal("Shield")))
    meetings = {"m1": ["ann", "bob"], "m2": ["ann", "bob", "cy"]}
    for slug, who in meetings.items():
        g.add((ID[f"meeting/{slug}"], RDF.type, NKG.Meeting))
        g.add((ID[f"meeting/{slug}"], RDFS.label, Literal(f"talks {slug}")))
        for person in who:
            g.add((ID[f"meeting/{slug}"], SCHEMA.attendee, ID[f"person/{person}"]))
    g.add((ID["meeting/m1"], SCHEMA.location, ID["city/oslo"]))
    g.add((ID["meeting/m1"], SCHEMA.startDate, Literal("2008-03-17", datatype=XSD.date)))
    g.add((ID["person/ann"], NKG.opposes, ID["system/shield"]))
    g.add((ID["article/a1"], RDF.type, SCHEMA.NewsArticle))
    g.add((ID["article/a1"], SCHEMA.mentions, ID["person/ann"]))
    g.add((ID["article/a1"], SCHEMA.mentions, ID["person/cy"]))
    ev = ID["evidence/e1"]
    for p, o in [(RDF.type, NKG.Evidence), (RDF.subject, ID["person/ann"]), (RDF.predicate, NKG.opposes),
                 (RDF.object, ID["system/shield"]), (PROV.wasDerivedFrom, ID["article/a1"]),
                 (NKG.sentence, Literal("Ann Alpha opposes the Shield.")), (NKG.rule, Literal("stance.x")),
                 (NKG.charStart, Literal(0)), (NKG.charEnd, Literal(29))]:
        g.add((ev, p, o))
    return g


# --- views on the small graph -------------------------------------------------------------

def test_met_with_weights_are_meeting_counts(small):
    M = A.to_networkx(small, "met-with")
    assert M["person/ann"]["person/bob"]["weight"] == 2
    assert M["person/ann"]["person/cy"]["weight"] == 1
    assert M["person/ann"]["person/bob"]["meetings"] == ["talks m1", "talks m2"]
    assert M["person/ann"]["person/bob"]["dates"] == ["2008-03-17"]
    assert "person/dee" in M and M.degree("person/dee") == 0


def test_people_view_links_people_one_article_mentions(small):
    P = A.to_networkx(small, "people")
    assert set(P.edges()) == {("person/ann", "person/cy")}
    assert P["person/ann"]["person/cy"]["articles"] == ["a1"]


def test_full_view_has_entities_as_nodes_and_relations_as_keyed_edges(small):
    G = A.to_networkx(small, "full")
    assert "article/a1" not in G and "evidence/e1" not in G
    assert G.nodes["person/ann"] == {"label": "Ann Alpha", "kind": "Person", "iri": str(ID["person/ann"]),
                                     "aliases": ["Mrs Alpha"]}
    edge = G.edges["person/ann", "system/shield", "nkg:opposes"]
    assert edge["sentences"] == ["Ann Alpha opposes the Shield."] and edge["articles"] == ["a1"]
    assert G.has_edge("meeting/m1", "city/oslo", "schema:location")


def test_stances_view_keys_edges_by_stance(small):
    S = A.to_networkx(small, "stances")
    assert list(S.edges(keys=True)) == [("person/ann", "system/shield", "opposes")]


def test_degree_centrality_ranks_people_by_facts(small):
    ranked = A.centrality(A.to_networkx(small))
    assert [r.label for r in ranked] == ["Ann Alpha", "Bob Beta", "Cy Gamma", "Dee Delta"]
    assert all(r.kind == "Person" for r in ranked)
    assert A.centrality(A.to_networkx(small), top=1)[0].score == pytest.approx(3 / 7, abs=1e-6)  # 2 meetings + 1 stance, 8 nodes


def test_centrality_can_rank_every_kind(small):
    labels = [r.label for r in A.centrality(A.to_networkx(small), kinds=None)]
    assert set(labels) >= {"Oslo", "Shield", "talks m1"}


def test_betweenness_is_a_share_between_zero_and_one(small):
    ranked = A.centrality(A.to_networkx(small), "betweenness", kinds=None)
    assert all(0 <= r.score <= 1 for r in ranked)
    assert ranked[0].label == "Ann Alpha"


def test_unknown_kind_to_rank_is_a_query_error(small):
    with pytest.raises(QueryError, match="unknown kind 'Persons'"):
        A.centrality(A.to_networkx(small), kinds=["Persons"])


def test_unknown_measure_is_a_query_error(small):
    with pytest.raises(QueryError, match="unknown measure"):
        A.centrality(A.to_networkx(small), "pagerank")


def test_communities_partition_the_linked_nodes_the_same_way_twice(small):
    G = A.to_networkx(small, "met-with")
    found = A.communities(G)
    assert found == A.communities(G)
    assert sorted(label for group in found for label in group) == ["Ann Alpha", "Bob Beta", "Cy Gamma"]


def test_shortest_path_names_the_facts_along_it(small):
    steps = A.shortest_path(A.to_networkx(small), "Bob Beta", "Shield")
    assert [(s.source, s.relation, s.target) for s in steps] == [
        ("talks m1", "attended by", "Bob Beta"), ("talks m1", "attended by", "Ann Alpha"),
        ("Ann Alpha", "opposes", "Shield")]
    assert steps[-1].sentences == ("Ann Alpha opposes the Shield.",)


def test_shortest_path_between_unlinked_entities_is_a_query_error(small):
    with pytest.raises(QueryError, match="no path between 'Dee Delta' and 'Ann Alpha'"):
        A.shortest_path(A.to_networkx(small), "Dee Delta", "Mrs Alpha")


@pytest.mark.parametrize("suffix, read", [(".graphml", nx.read_graphml), (".gexf", nx.read_gexf)])
def test_export_writes_a_file_gephi_reads(small, tmp_path, suffix, read):
    G = A.to_networkx(small)
    path = A.export(G, tmp_path / f"g{suffix}")
    back = read(path)
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()
    assert back.nodes["person/ann"]["aliases"] == "Mrs Alpha"
    assert not list(tmp_path.glob(".g*"))  # no temporary file left behind


def test_export_to_an_unknown_format_is_a_query_error(small, tmp_path):
    with pytest.raises(QueryError, match="graphml or .gexf"):
        A.export(A.to_networkx(small), tmp_path / "g.png")


def test_find_entity_prefers_a_label_to_an_alias_and_reports_a_shared_name(small):
    assert A.find_entity(small, "Mrs Alpha") == ID["person/ann"]
    small.add((ID["person/bob"], SCHEMA.alternateName, Literal("The Minister")))
    small.add((ID["person/cy"], SCHEMA.alternateName, Literal("The Minister")))
    with pytest.raises(QueryError, match="several entities: person/bob, person/cy"):
        A.find_entity(small, "the minister")


def test_stats_count_kinds_relations_and_articles(small):
    stats = graph_stats(small)
    assert stats.kinds == {"Person": 4, "City": 1, "Meeting": 2, "DefenseSystem": 1}
    assert stats.relations["schema:attendee"] == 5 and "nkg:charStart" not in stats.relations
    assert [(a.article, a.entities, a.facts) for a in stats.articles] == [("a1", 2, 1)]
    assert stats.most_connected[0][0] == "Ann Alpha"
    text = format_stats(stats)
    for heading in ("entities by kind", "facts by relation", "per article", "most connected"):
        assert heading in text


# --- the seeds: the acceptance checks --------------------------------------------

def test_putin_bush_and_rice_are_among_the_five_most_central_actors_of_the_seeds(seeds):
    top = [r.label for r in A.centrality(seeds.to_networkx(), top=5)]
    assert {"Vladimir Putin", "George W. Bush", "Condoleezza Rice"} <= set(top), top


def test_the_who_met_whom_graph_of_the_seeds_links_rice_and_lavrov(seeds):
    M = seeds.to_networkx("met-with")
    rice = A.resolve_node(M, "Condoleezza Rice")
    lavrov = A.resolve_node(M, "Sergey Lavrov")
    assert M.has_edge(rice, lavrov)
    assert M[rice][lavrov]["weight"] >= 1 and M[rice][lavrov]["meetings"]


def test_a_path_links_rice_and_lavrov_through_stated_facts(seeds):
    steps = A.shortest_path(seeds.to_networkx(), "Rice", "Lavrov")
    assert 1 <= len(steps) <= 3
    assert "Condoleezza Rice" in (steps[0].source, steps[0].target)
    assert "Sergey Lavrov" in (steps[-1].source, steps[-1].target)
    assert all(step.sentences for step in steps)


# --- the commands ------------------------------------------------------------------------

def test_kg_analyze_prints_the_ranking_path_and_writes_the_export(seeds, tmp_path):
    result = CliRunner().invoke(app, ["analyze", "--graph", str(seeds.out), "--communities", "--met-with",
                                      "--path", "Rice", "--path", "Lavrov", "--export", str(tmp_path / "g.gexf")])
    assert result.exit_code == 0, result.output
    assert "Vladimir Putin" in result.output and "communities" in result.output
    assert "path Rice → Lavrov" in result.output
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() > 10


def test_kg_analyze_with_a_bad_view_exits_2(seeds):
    result = CliRunner().invoke(app, ["analyze", "--graph", str(seeds.out), "--view", "everything"])
    assert result.exit_code == 2 and "unknown view" in result.output


def test_kg_stats_prints_the_four_tables(seeds):
    result = CliRunner().invoke(app, ["stats", "--graph", str(seeds.out)])
    assert result.exit_code == 0, result.output
    assert "Person" in result.output and "schema:attendee" in result.output
    assert "Vladimir Putin" in result.output


def test_kg_stats_reports_duplicates(tmp_path):
    """Issue #10: kg stats says how many duplicates and near-duplicates the build met."""
    import subprocess
    import sys
    from pathlib import Path
    kg_cmd = str(Path(sys.executable).with_name("kg"))
    out = tmp_path / "out"
    subprocess.run([kg_cmd, "build", str(Path(__file__).parent.parent / "seeds"), "--out", str(out), "--no-html"],
                   check=True, capture_output=True)
    result = subprocess.run([kg_cmd, "stats", "--graph", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "duplicates: 0 exact (built once), 0 near (linked by nkg:duplicateOf)" in result.stdout
