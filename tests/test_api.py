"""Tests for the Python API: kg.build, kg.load and the methods of KnowledgeGraph.

The seeds are built once per module. Extraction rules are tuned while these tests live,
so they assert what any sound build of the seeds states (Putin is a person, Rice and
Lavrov attended talks), never exact counts.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result

import kg
from kg.analyze import KINDS, Entity, EvidenceRecord, Fact
from kg.errors import QueryError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PUTIN = URIRef("https://w3id.org/newskg/id/person/vladimir-putin")
LAVROV = URIRef("https://w3id.org/newskg/id/person/sergey-lavrov")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> kg.KnowledgeGraph:
    return kg.build([SEEDS], tmp_path_factory.mktemp("out"), html=False)


def test_import_kg_loads_nothing_but_names_its_api():
    code = ("import sys, kg; assert 'kg.api' not in sys.modules and 'rdflib' not in sys.modules, "
            "sorted(m for m in sys.modules if m.startswith(('kg', 'rdflib'))); print(sorted(kg.__all__))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['KgError',", "'KnowledgeGraph',", "'build',", "'load']"]


def test_kg_exports_build_load_knowledgegraph_and_kgerror():
    from kg.api import KnowledgeGraph, build, load
    from kg.errors import KgError
    assert (kg.build, kg.load, kg.KnowledgeGraph, kg.KgError) == (build, load, KnowledgeGraph, KgError)
    with pytest.raises(AttributeError):
        kg.no_such_name


def test_build_returns_rdflib_objects(built):
    assert isinstance(built, kg.KnowledgeGraph)
    assert isinstance(built.rdf, Dataset)
    assert isinstance(built.graph, Graph)
    assert (PUTIN, None, None) in built.graph


@pytest.fixture(scope="module")
def in_memory() -> kg.KnowledgeGraph:
    """The seeds built without files: `rdf` made from the resolved graph itself."""
    return kg.build([SEEDS], None)


def _quads(news: kg.KnowledgeGraph) -> set:
    return {(s, p, o, g.identifier) for g in news.rdf.graphs() for s, p, o in g}


def test_load_gives_back_the_built_triples(built, in_memory):
    assert _quads(built) == _quads(in_memory)
    assert _quads(kg.KnowledgeGraph.load(built.out)) == _quads(in_memory)
    assert set(kg.load(built.out).graph) == set(in_memory.graph)
    assert dict(kg.load(built.out).rdf.namespaces())["id"] == URIRef("https://w3id.org/newskg/id/")


def test_a_build_into_a_folder_lets_go_of_its_resolved_graph_before_the_store_loads(tmp_path, monkeypatch):
    """The files hold the graph once written; keeping resolve()'s records alive (for a lazy
    `rdf`) raised a large build's peak memory while its store loaded."""
    import gc

    import kg.store
    from kg.resolve import Resolved

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, Resolved) for o in gc.get_objects())
    load_store_files, seen = kg.store.load_store_files, []

    def counting(*args, **kwargs):
        seen.append(alive())
        return load_store_files(*args, **kwargs)
    monkeypatch.setattr(kg.store, "load_store_files", counting)
    before = alive()
    news = kg.build([SEEDS], tmp_path / "out", html=False)
    assert seen == [before] and alive() == before
    assert (PUTIN, None, None) in news.graph


def test_the_graph_of_a_build_whose_files_were_replaced_is_an_error(tmp_path):
    first = kg.build([SEEDS], tmp_path, html=False)
    kg.build([SEEDS / "002_7991666e000a840c.txt"], tmp_path, html=False)
    with pytest.raises(kg.KgError, match=r"graph\.trig.*another build"):
        first.rdf


def test_query_declares_the_contract_prefixes_and_returns_an_rdflib_result(built):
    result = built.query("SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name }")
    assert isinstance(result, Result)
    assert "Vladimir Putin" in {str(row.name) for row in result}


def test_query_as_frame_gives_python_values_in_named_columns(built):
    frame = built.query("""
        SELECT ?person ?title WHERE {
          ?p nkg:holdsPosition ?pos ; rdfs:label ?person . ?pos nkg:roleTitle ?title }""", frame=True)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["person", "title"]
    assert "foreign minister" in set(frame[frame.person == "Sergey Lavrov"].title)
    assert all(isinstance(v, str) for v in frame.person)


def test_query_frame_turns_iris_into_text_and_unbound_into_none(built):
    frame = built.query("""
        SELECT ?m ?date WHERE { ?m a nkg:Meeting OPTIONAL { ?m schema:startDate ?date } }""", frame=True)
    assert all(m.startswith("https://w3id.org/newskg/id/meeting/") for m in frame.m)
    assert frame.date.isna().any() or len(frame) > 0


def test_reading_methods_see_triples_added_to_rdf_later(tmp_path):
    news = kg.build([SEEDS / "002_7991666e000a840c.txt"], None)
    assert not bool(news.query("ASK { <urn:x:s> ?p ?o }"))
    news.rdf.graph(URIRef("urn:x:g")).add((URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o")))
    assert bool(news.query("ASK { <urn:x:s> ?p ?o }"))


def test_query_ask_is_truthy(built):
    assert bool(built.query("ASK { ?m a nkg:Meeting ; schema:attendee ?p }"))


@pytest.mark.parametrize("bad", ["SELEC ?x WHERE { ?x ?y ?z }", "SELECT ?x WHERE { ?x nope:p ?z }"])
def test_malformed_query_raises_query_error(built, bad):
    with pytest.raises(QueryError, match="^query: "):
        built.query(bad)


def test_query_frame_needs_a_select(built):
    with pytest.raises(QueryError, match="SELECT"):
        built.query("ASK { ?s ?p ?o }", frame=True)


def test_entities_have_one_kind_a_label_and_sorted_aliases(built):
    found = built.entities()
    assert found and all(isinstance(e, Entity) and e.kind in KINDS and e.label for e in found)
    assert all(list(e.aliases) == sorted(e.aliases) for e in found)
    people = built.entities("Person")
    assert {"Vladimir Putin", "Condoleezza Rice", "Sergey Lavrov"} <= {e.label for e in people}
    assert all(e.kind == "Person" for e in people)


def test_entities_turn_into_a_dataframe(built):
    frame = pd.DataFrame(built.entities())
    assert list(frame.columns) == ["iri", "label", "kind", "aliases"]
    assert "Vladimir Putin" in set(frame.label)


def test_entities_of_an_unknown_kind_is_an_error(built):
    with pytest.raises(QueryError, match="unknown kind 'People'"):
        built.entities("People")


@pytest.mark.parametrize("name", ["Sergey Lavrov", "sergey lavrov", "Lavrov", "person/sergey-lavrov", str(LAVROV)])
def test_facts_find_an_entity_by_label_surname_key_or_iri(built, name):
    found = built.facts(name)
    assert found and all(isinstance(f, Fact) for f in found)
    assert all(LAVROV in (f.subject, f.object) for f in found)
    assert ("schema:attendee", "Sergey Lavrov") in {(f.relation, f.object_label) for f in found}


def test_facts_leave_out_naming_triples(built):
    relations = {f.relation for f in built.facts("Vladimir Putin")}
    assert not relations & {"rdf:type", "rdfs:label", "schema:alternateName", "owl:sameAs", "schema:mentions"}


def test_facts_of_an_unknown_name_is_a_query_error(built):
    with pytest.raises(QueryError, match="no entity named 'Nobody Atall'"):
        built.facts("Nobody Atall")


def test_evidence_points_at_the_sentence_in_the_article_file(built):
    attended = [f for f in built.facts("Lavrov") if f.relation == "schema:attendee"]
    records = built.evidence(attended[0])
    assert records and all(isinstance(r, EvidenceRecord) for r in records)
    sources = {str(row.id).rsplit("/", 1)[-1]: str(row.file) for row in built.query(
        "SELECT ?id ?file WHERE { ?id a schema:NewsArticle ; nkg:sourceFile ?file }")}
    for record in records:
        text = (SEEDS / sources[record.article]).read_text(encoding="utf-8")
        assert text[record.start:record.end] == record.sentence
        assert record.rule


def test_evidence_takes_a_plain_triple(built):
    fact = next(f for f in built.facts("Lavrov") if f.relation == "schema:attendee")
    assert built.evidence((fact.subject, fact.predicate, fact.object)) == built.evidence(fact)


def test_a_naming_triple_has_no_evidence(built):
    from rdflib import RDFS, Literal
    assert built.evidence((PUTIN, RDFS.label, Literal("Vladimir Putin"))) == []


@pytest.mark.parametrize("view, kind", [("full", nx.MultiDiGraph), ("people", nx.Graph),
                                         ("met-with", nx.Graph), ("stances", nx.MultiDiGraph)])
def test_to_networkx_gives_each_view_as_a_networkx_graph(built, view, kind):
    G = built.to_networkx(view)
    assert type(G) is kind and G.number_of_nodes() > 0
    assert all({"label", "kind", "iri", "aliases"} <= set(d) for _, d in G.nodes(data=True))


def test_to_networkx_of_an_unknown_view_is_an_error(built):
    with pytest.raises(QueryError, match="unknown view"):
        built.to_networkx("everything")


def test_render_writes_the_html_page(built, tmp_path):
    page = built.render(tmp_path / "rice.html", focus="Condoleezza Rice", depth=1)
    assert page.exists() and "Condoleezza Rice" in page.read_text(encoding="utf-8")


def test_show_returns_inline_html_with_the_page_in_an_iframe(built):
    from IPython.display import HTML
    shown = built.show(height=400, focus="Condoleezza Rice")
    assert isinstance(shown, HTML)
    assert shown.data.startswith("<div><iframe srcdoc=") and "height:400px" in shown.data
    assert "Condoleezza Rice" in shown.data and "<script" not in shown.data  # escaped into srcdoc
