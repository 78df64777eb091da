"""Stances over time: dated evidence, `kg timeline ACTOR`, the timeline library query, and
positions dated from the office table (kg/timeline.py, kg/graph.py, kg/queries/timeline.rq)."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import XSD, Literal, Namespace

from conftest import SEEDS, run_kg
from kg.api import build
from kg.timeline import format_timeline, stances_over_time, timeline

TIME = Path(__file__).parent / "fixtures" / "time"
NKG = Namespace("https://w3id.org/newskg/ontology#")
SCHEMA = Namespace("https://schema.org/")
ID = Namespace("https://w3id.org/newskg/id/")


@pytest.fixture(scope="module")
def time_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("time") / "out"
    build([TIME], out, html=False)
    return out


@pytest.fixture(scope="module")
def time_graph(time_build):
    from kg.api import load
    return load(time_build).graph


def test_stance_evidence_carries_the_articles_date(time_graph):
    dated = {(str(e.article), e.date) for e in stances_over_time(time_graph)}
    assert ("ru_2008_03_kremlin.txt", "2008-03-20") in dated
    assert ("ru_2008_11_kaliningrad.txt", "2008-11-06") in dated
    assert ("undated_commentary.txt", None) in dated


def test_timeline_of_russia_is_in_date_order_with_sources(time_graph):
    entries = timeline(time_graph, "Russia")
    assert entries, "Russia states no stance in the fixtures"
    dates = [e.date for e in entries]
    assert dates == sorted(dates, key=lambda d: (d is None, d or ""))
    assert dates[-1] is None          # the undated commentary comes last
    assert all(e.article and e.sentence and e.rule for e in entries)
    assert {e.relation for e in entries} <= {"opposes", "supports", "proposed", "attended"}
    assert "2008-03-20" in format_timeline(entries)


def test_stances_over_time_gives_a_frame_for_the_notebooks(time_graph):
    df = stances_over_time(time_graph, "US missile defense system in Europe", frame=True)
    assert list(df.columns) == ["date", "actor", "relation", "object", "article", "sentence", "rule"]
    assert set(df["object"]) == {"US missile defense system in Europe"}
    assert df["date"].dropna().is_monotonic_increasing


def test_positions_get_start_and_end_dates_from_the_table(time_build):
    from kg.extract import extract
    from kg.formats import iter_articles
    from kg.graph import to_dataset, union_graph
    from kg.resolve import resolve
    from kg.ruleset import load_ruleset
    rules = load_ruleset()
    extractions = [extract(a, rules) for p in sorted(TIME.glob("*.txt")) for a in iter_articles(p, rules, p.stem)]
    g = union_graph(to_dataset(resolve(extractions, rules), rules))
    putin = ID["position/vladimir-putin--president--russia"]
    assert g.value(putin, SCHEMA.startDate) == Literal("2000-05-07", datatype=XSD.date)
    assert g.value(putin, SCHEMA.endDate) == Literal("2008-05-07", datatype=XSD.date)
    assert g.value(putin, NKG.observedOn) == Literal("2008-03-20", datatype=XSD.date)
    lavrov = ID["position/sergey-lavrov--foreign-minister--russia"]
    assert g.value(lavrov, SCHEMA.endDate) is None          # still in office when the table was written
    # the rule names the office row it used
    notes = {str(o) for o in g.objects(None, NKG.gazetteer)}
    assert any(n.startswith("people.toml: person/dmitry-medvedev offices[2]: president of country/russia") for n in notes)
    from kg.validate import validate
    assert validate(g).conforms


def test_kg_timeline_prints_the_seeds_stances_of_russia_in_date_order(seeds_build):
    result = run_kg("timeline", "Russia", "--graph", seeds_build)
    assert result.returncode == 0, result.stderr
    lines = [l for l in result.stdout.splitlines()[1:] if not l.startswith(" ")]
    assert lines and all("opposes" in l or "supports" in l or "attended" in l or "proposed" in l for l in lines)
    dates = [l.split()[0] for l in lines]
    known = [d for d in dates if d != "undated"]
    assert known == sorted(known) and dates == known + ["undated"] * (len(dates) - len(known))
    assert "2008-03-18" in dates and ".txt" in result.stdout and '"' in result.stdout


def test_kg_timeline_of_an_unknown_actor_is_a_usage_error(seeds_build):
    result = run_kg("timeline", "Atlantis", "--graph", seeds_build)
    assert result.returncode == 2 and "Atlantis" in result.stderr


def test_library_query_timeline_lists_stances_by_date(time_build):
    from kg.query import bind_params, library, run_store
    from kg.store import open_store
    text = bind_params(library()["timeline"].text, {"name": "Russia"})
    rows = run_store(open_store(time_build), text)
    assert rows.variables[:4] == ["date", "actor", "relation", "object"]
    assert set(rows.column("actor")) == {"Russia"}
    dates = rows.column("date")
    assert "2008-03-20" in dates
    known = [d for d in dates if d]
    assert dates == known + [None] * (len(dates) - len(known))     # undated rows last
