"""kg query, the query library and the embedded store, on the seeds' graph.

The seeds' extraction rules are tuned while this is written, so the rows asserted are facts the
seeds state plainly ("Rice and Lavrov met"), not row counts.
"""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from kg.api import SEEDS
from kg.cli import app
from kg.errors import QueryError
from kg.query import (format_results, library, prepare, query_dataset, run_rdflib, run_store,
                      sparql_string)
from kg.store import open_store, store_path, write_store

runner = CliRunner()


@pytest.fixture(scope="session")
def engines(built):
    kg, out = built
    return query_dataset(kg.rdf), open_store(out)


def rows_of(engines, name, params=None, engine="store"):
    dataset, store = engines
    text = prepare(name, params).text
    return run_store(store, text) if engine == "store" else run_rdflib(dataset, text)


def kg_query(*args):
    return runner.invoke(app, ["query", *args])


# ------------------------------------------------------------------ the store

def test_store_holds_every_triple_in_the_default_graph_and_one_named_graph_per_article(built):
    kg, out = built
    store = open_store(out)
    default = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(next(iter(default))["n"].value) == len(kg.graph)
    names = sorted(g.value for g in store.named_graphs())
    assert names == sorted(f"https://w3id.org/newskg/id/graph/{p.stem.replace('_', '-')}"
                           for p in SEEDS.glob("*.txt"))


def test_store_is_replaced_atomically_and_left_unlocked(built, tmp_path):
    kg, _ = built
    write_store(kg.rdf, tmp_path)
    first = open_store(tmp_path)          # a reader holding the old store open
    write_store(kg.rdf, tmp_path)         # a rebuild replaces it underneath
    assert [p.name for p in tmp_path.iterdir()] == ["store"]    # no temp or old folders left
    again = open_store(tmp_path)
    assert len(again) == len(first)
    # no lock is left: the store opens read-write too, as a new build would
    import pyoxigraph as ox
    del first, again
    import gc
    gc.collect()
    writer = ox.Store(str(store_path(tmp_path)))
    assert len(writer) > 0


def test_open_store_names_the_folder_when_there_is_no_store(tmp_path):
    with pytest.raises(Exception, match=re.escape(str(tmp_path / "store"))):
        open_store(tmp_path)


# ------------------------------------------------------------------ the library

def test_library_has_at_least_twelve_questions_each_saying_what_it_answers():
    lib = library()
    assert len(lib) >= 12
    for q in lib.values():
        assert q.question.endswith((".", "?", ")")), q.name
        assert len(q.question) > 20, q.name


@pytest.mark.parametrize("name", sorted(library()))
def test_library_query_gives_the_same_rows_from_rdflib_and_the_store(engines, name):
    from_store = rows_of(engines, name, engine="store")
    from_rdflib = rows_of(engines, name, engine="rdflib")
    assert from_store.variables == from_rdflib.variables
    assert sorted(map(repr, from_store.rows)) == sorted(map(repr, from_rdflib.rows))
    if fully_ordered(library()[name].text, from_store.variables):
        assert from_store.rows == from_rdflib.rows


def fully_ordered(text: str, variables: list[str]) -> bool:
    """Whether ORDER BY names every projected variable, so the engines must agree on the order."""
    m = re.search(r"ORDER BY(.*?)(LIMIT|$)", text, re.S)
    return bool(m) and all(f"?{v}" in m[1] for v in variables)


def test_meetings_are_in_date_order_with_attendees_and_places(engines):
    r = rows_of(engines, "meetings")
    dates = [d for d in r.column("date") if d]
    assert dates == sorted(dates) and dates
    first_undated = next((i for i, d in enumerate(r.column("date")) if d is None), len(r.rows))
    assert all(d is None for d in r.column("date")[first_undated:])
    moscow = {(row[2], row[3]) for row in r.values() if row[1] and "Moscow" in row[1]}
    assert ("Condoleezza Rice", "Moscow") in moscow


def test_rice_and_lavrov_are_linked_by_a_meeting(engines):
    pairs = {(a, b) for a, b, _ in rows_of(engines, "who-met-whom").values()}
    assert ("Condoleezza Rice", "Sergey Lavrov") in pairs


def test_lavrov_holds_the_office_of_foreign_minister_of_russia_with_its_source(engines):
    rows = rows_of(engines, "offices").values()
    assert any(p == "Sergey Lavrov" and t == "foreign minister" and of == "Russia" and art.endswith(".txt")
               for p, t, of, art, _ in rows)


def test_russia_opposes_the_missile_defense_system_in_a_sentence_about_its_opposition(engines):
    rows = rows_of(engines, "stances").values()
    assert any(a == "Russia" and s == "opposes" and "missile defense" in t and "opposition" in sent
               for a, s, t, sent in rows)
    assert any(s == "supports" for _, s, _, _ in rows)


def test_proposals_name_who_made_them(engines):
    rows = rows_of(engines, "proposals").values()
    assert any(who == "Vladimir Putin" for _, who, _, _ in rows)
    assert any(who == "Sergey Lavrov" and "freeze" in p for p, who, _, _ in rows)


def test_sites_are_placed_in_their_countries(engines):
    rows = rows_of(engines, "sites").values()
    assert ("Poland" in {c for _, _, c, _ in rows}) and ("Czech Republic" in {c for _, _, c, _ in rows})


def test_every_article_mentions_something(engines):
    articles = {a for a, *_ in rows_of(engines, "article-mentions").values()}
    assert articles == {p.name for p in SEEDS.glob("*.txt")}


def test_conflicting_claims_pair_lavrovs_two_ministries(engines):
    rows = rows_of(engines, "conflicting-claims").values()
    assert any(p == "Sergey Lavrov" and {t, t2} == {"foreign minister", "defense minister"}
               for p, t, _, t2, _ in rows)


def test_quotes_of_a_person_are_all_that_persons(engines):
    r = rows_of(engines, "quotes", {"name": "Vladimir Putin"})
    assert r.rows and set(r.column("speaker")) == {"Vladimir Putin"}


def test_most_mentioned_entities_come_first(engines):
    counts = [int(n) for n in rows_of(engines, "most-mentioned").column("articles")]
    assert counts == sorted(counts, reverse=True) and counts[0] == len(list(SEEDS.glob("*.txt")))


def test_path_between_rice_and_lavrov_goes_through_a_meeting(engines):
    rows = rows_of(engines, "path").values()
    assert any(steps == "2" and first.endswith("attendee") for steps, first, _, _ in rows)
    back = rows_of(engines, "path", {"from": "Sergey Lavrov", "to": "Condoleezza Rice"}).values()
    assert {v for _, _, v, _ in back} == {v for _, _, v, _ in rows}


def test_facts_carry_their_rule_ids(engines):
    rules = set(rows_of(engines, "rule-facts").column("rule"))
    assert rules and all(re.fullmatch(r"[a-z]+(\.[\w-]+)+", r) for r in rules), rules


def test_the_system_is_said_to_be_aimed_at_iran(engines):
    assert "Iran" in rows_of(engines, "aimed-at").column("target")


# ------------------------------------------------------------------ parameters and injection

@pytest.mark.parametrize("value", [
    'Vladimir Putin" } ?q nkg:text ?text . { "',
    'Putin"} UNION {?q nkg:text ?text} #',
    '" . } } SELECT * WHERE { ?s ?p ?o } #',
    'a\'b"c}d{e',
    "Vladimir Putin\n} INSERT DATA { <urn:x> <urn:y> <urn:z> }",
])
def test_a_parameter_value_cannot_change_the_query(engines, value):
    text = prepare("quotes", {"name": value}).text
    assert text.count("VALUES ?name {") == 1
    for engine in ("store", "rdflib"):
        assert rows_of(engines, "quotes", {"name": value}, engine).rows == []


def test_a_parameter_value_with_quotes_is_matched_literally(engines):
    dataset, store = engines
    from rdflib import Literal, URIRef
    ds = query_dataset(dataset)       # a copy: give one speaker a name with quotes and braces
    odd = 'Vladimir "Vova" {Putin}'
    ds.default_graph.add((URIRef("https://w3id.org/newskg/id/person/vladimir-putin"),
                            URIRef("https://schema.org/alternateName"), Literal(odd)))
    r = run_rdflib(ds, prepare("quotes", {"name": odd}).text)
    assert r.rows and set(r.column("speaker")) == {"Vladimir Putin"}


def test_backslashes_in_parameters_are_refused():
    with pytest.raises(QueryError, match="backslash"):
        sparql_string("a\\u0022b")


def test_an_unknown_parameter_is_an_error_naming_the_ones_there_are():
    with pytest.raises(QueryError, match="parameters: name"):
        prepare("quotes", {"who": "x"})


# ------------------------------------------------------------------ the command

def test_kg_query_prints_an_aligned_table_by_default(built):
    _, out = built
    result = kg_query("meetings", "--graph", str(out))
    assert result.exit_code == 0, result.output
    header, rule, *body = result.output.splitlines()
    assert header.split() == ["date", "meeting", "attendee", "place"]
    assert set(rule.replace(" ", "")) == {"-"} and body[-1].endswith("rows)")


def test_kg_query_json_is_sparql_results_json(built):
    _, out = built
    result = kg_query("who-met-whom", "--graph", str(out), "--format", "json")
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["person", "other", "meeting"]
    assert {"type": "literal", "value": "Condoleezza Rice"} in [b["person"] for b in data["results"]["bindings"]]


def test_kg_query_csv_and_tsv_follow_the_sparql_result_formats(built):
    _, out = built
    csv_out = kg_query("sites", "--graph", str(out), "-f", "csv").output
    assert csv_out.splitlines()[0] == "site,kind,country,system"
    tsv_out = kg_query("SELECT ?s WHERE { ?s a nkg:Site }", "--graph", str(out), "-f", "tsv").output
    lines = tsv_out.splitlines()
    assert lines[0] == "?s" and all(re.fullmatch(r"<https://w3id\.org/newskg/id/site/[\w-]+>", x) for x in lines[1:])


def test_kg_query_reads_a_rq_file_and_answers_ask(built, tmp_path):
    _, out = built
    rq = tmp_path / "ask.rq"
    rq.write_text("ASK { ?m a nkg:Meeting ; schema:attendee ?p . ?p rdfs:label \"Sergey Lavrov\" }\n")
    result = kg_query(str(rq), "--graph", str(out), "-f", "json")
    assert json.loads(result.output) == {"head": {}, "boolean": True}


def test_kg_query_takes_parameters(built):
    _, out = built
    result = kg_query("quotes", "--param", "name=Sergey Lavrov", "--graph", str(out), "-f", "csv")
    assert result.exit_code == 0
    assert {line.split(",")[0] for line in result.output.splitlines()[1:]} <= {"Sergey Lavrov"}


@pytest.mark.parametrize("engine", ["store", "rdflib"])
def test_a_malformed_query_exits_2_with_the_parsers_line_and_column(built, engine):
    _, out = built
    result = kg_query("SELECT ?x WHERE {\n  ?x a schema:Person\n  ?y }", "--graph", str(out), "--engine", engine)
    assert result.exit_code == 2
    assert re.search(r"line 3, column \d+", result.output), result.output


def test_an_unknown_library_name_exits_2(built):
    _, out = built
    result = kg_query("no-such-question", "--graph", str(out))
    assert result.exit_code == 2 and "no such library query" in result.output


def test_format_results_refuses_an_unknown_format(engines):
    with pytest.raises(QueryError, match="choose one of"):
        format_results(rows_of(engines, "sites"), "xml")
