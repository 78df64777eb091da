"""Writing a build: our Turtle/TriG writer against rdflib's reading of it, the store loaded
from the files (in this process or its own), and the page left out of a graph too big for one.
"""
from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal

import kg.api
from kg.api import build
from kg.extract import extract
from kg.graph import to_dataset, to_rdflib, union_graph, write_graph
from kg.ingest import read_article
from kg.resolve import resolve
from kg.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def seeds_resolved():
    rules = load_ruleset()
    return resolve([extract(read_article(p, rules), rules) for p in sorted(SEEDS.glob("*.txt"))], rules), rules


def _written(resolved, rules) -> tuple[bytes, bytes, int]:
    ttl, trig = io.BytesIO(), io.BytesIO()
    n = write_graph(resolved, rules, ttl, trig)
    return ttl.getvalue(), trig.getvalue(), n


def test_written_turtle_and_trig_hold_the_triples_of_the_dataset(seeds_resolved):
    resolved, rules = seeds_resolved
    ttl, trig, count = _written(resolved, rules)
    expected = to_dataset(resolved, rules)
    read_ttl = Graph().parse(data=ttl.decode(), format="turtle")
    assert set(read_ttl) == set(union_graph(expected))
    assert len(read_ttl) == count > 2000
    read_trig = Dataset()
    read_trig.parse(data=trig.decode(), format="trig")
    named = {str(g.identifier): set(g) for g in read_trig.graphs() if "/graph/" in str(g.identifier)}
    assert named == {str(g.identifier): set(g) for g in expected.graphs() if "/graph/" in str(g.identifier)}
    assert len(named) == 5


def test_the_writer_gives_the_same_bytes_twice_and_one_line_per_statement_part(seeds_resolved):
    resolved, rules = seeds_resolved
    first, second = _written(resolved, rules), _written(resolved, rules)
    assert first == second
    # every multi-line sentence is escaped: no line of the file starts inside a literal
    for line in first[0].decode().splitlines():
        assert line == "" or line.startswith(("@prefix", "<", "    ", "        ")), line


@pytest.mark.parametrize("text", ['he said "no"', "back\\slash", "two\nlines\r\tand\x00nul\x1f", "Łódź – ‘quoted’"])
def test_literals_survive_the_writer_and_oxigraph_and_rdflib(text):
    from kg.graph import _text
    term = _text(text)
    assert to_rdflib(term) == Literal(text)
    parsed = list(ox.parse(input=f"<urn:s> <urn:p> {term} .".encode(), format=ox.RdfFormat.TURTLE))
    assert parsed[0].object.value == text
    assert list(Graph().parse(data=f"<urn:s> <urn:p> {term} .", format="turtle"))[0][2] == Literal(text)


def test_a_build_with_workers_loads_the_same_store_in_its_own_process(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build([SEEDS], one, html=False, cache=False)
    build([SEEDS], two, html=False, cache=False, workers=2)
    assert (one / "graph.ttl").read_bytes() == (two / "graph.ttl").read_bytes()

    def quads(out: Path) -> set:
        store = ox.Store.read_only(str(out / "store"))
        return {str(q) for q in store}
    assert quads(one) == quads(two)
    assert len(quads(one)) > 2 * 2000      # the union in the default graph, and the article graphs


def test_a_graph_too_big_for_one_page_gets_no_html_and_a_note(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([SEEDS / "000_985a7a3cdeee226b.txt"], out, cache=False)
    assert (out / "graph.html").exists()
    monkeypatch.setattr(kg.api, "PAGE_MAX_TRIPLES", 100)
    news = build([SEEDS], out, cache=False)
    assert not (out / "graph.html").exists()          # the page of the earlier build is gone
    assert any("graph.html not written" in n and "kg render" in n for n in news.report.notes)
    assert (out / "graph.ttl").exists() and (out / "store").is_dir()


def test_the_api_makes_rdflib_objects_only_when_asked(tmp_path):
    news = build([SEEDS / "002_7991666e000a840c.txt"], tmp_path / "out", html=False)
    assert news._rdf is None
    assert len(news.graph) == news.report.triples > 100
    assert news._rdf is not None


def test_kg_render_of_a_build_folder_draws_the_page_the_build_drew(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app
    out = tmp_path / "out"
    build([SEEDS], out, cache=False)
    result = CliRunner().invoke(app, ["render", "--graph", str(out), "--html", str(tmp_path / "again.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again.html").read_bytes() == (out / "graph.html").read_bytes()


def test_kg_render_of_a_broken_graph_is_one_error_line(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app
    (tmp_path / "graph.ttl").write_text("<urn:s> <urn:p> .\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["render", "--graph", str(tmp_path), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 1          # a graph error, as for a folder with no graph
    assert [line for line in result.output.splitlines() if line.strip()] == [
        line for line in result.output.splitlines() if "graph.ttl: cannot parse" in line]
    assert not (tmp_path / "x.html").exists()


def test_the_store_loads_the_files_in_pieces_without_losing_a_quad(tmp_path, monkeypatch):
    """load_store_files cuts graph.trig and graph.ttl where kg.graph's layout allows; with
    tiny pieces every article graph and statement is a cut of its own."""
    import kg.store
    out = tmp_path / "out"
    build([SEEDS], out, html=False, cache=False)
    whole = {str(q) for q in ox.Store.read_only(str(out / "store"))}
    monkeypatch.setattr(kg.store, "LOAD_PIECE", 300)
    pieces = list(kg.store._pieces(out / "graph.trig", b"\n\n<" + kg.store.ARTICLE_GRAPH_PREFIX.encode()))
    assert len(pieces) >= 6                       # the default graph and five article graphs
    again = tmp_path / "again"
    again.mkdir()
    kg.store.load_store_files(again, trig=out / "graph.trig", ttl=out / "graph.ttl")
    assert {str(q) for q in ox.Store.read_only(str(again / "store"))} == whole


def _quads(out: Path) -> set[str]:
    return {str(q) for q in ox.Store.read_only(str(out / "store"))}


def test_a_rebuild_changes_the_store_of_the_earlier_build_and_gets_the_quads_of_a_fresh_load(tmp_path, monkeypatch):
    """Adding, editing and removing articles: the store is brought up to date from what
    differs (a full load would fail here) and holds what loading the new files gives."""
    import shutil

    import kg.graph
    import kg.store
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        shutil.copy(path, corpus)
    build([corpus], out, html=False)
    assert kg.store.read_layout(out) is not None

    def no_full_load(*args, **kwargs):
        raise AssertionError("the store was loaded in full")

    fifth = sorted(SEEDS.glob("*.txt"))[4]
    edits = [
        lambda: shutil.copy(fifth, corpus),                                       # one more article
        lambda: (corpus / fifth.name).write_text(fifth.read_text(encoding="utf-8").replace(
            "Moscow", "Minsk"), encoding="utf-8"),                                 # an edited one
        lambda: sorted(corpus.glob("*.txt"))[0].unlink(),                          # one gone
    ]
    made = []
    real_triples = kg.graph._ArticleGraph.triples
    for edit in edits:
        edit()
        made.clear()
        with monkeypatch.context() as patch:
            patch.setattr(kg.store, "load_store_files", no_full_load)
            patch.setattr(kg.store, "start_loading", no_full_load)
            patch.setattr(kg.graph._ArticleGraph, "triples", lambda item: made.append(item) or real_triples(item))
            build([corpus], out, html=False)
        # the article graphs whose inputs did not change were copied from the earlier files
        assert len(made) < len(list(corpus.glob("*.txt")))
        fresh = tmp_path / f"fresh-{edits.index(edit)}"
        build([corpus], fresh, html=False, cache=False)
        assert (out / "graph.ttl").read_bytes() == (fresh / "graph.ttl").read_bytes()
        assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()
        assert _quads(out) == _quads(fresh)


def test_a_store_without_a_layout_or_a_change_too_large_is_loaded_in_full(tmp_path, seeds_resolved):
    import kg.store
    from kg.graph import Changes, Layout
    out = tmp_path / "out"
    build([SEEDS / "000_985a7a3cdeee226b.txt"], out, html=False)
    (out / "store" / kg.store.LAYOUT_FILE).unlink()       # a store of an older newskg
    assert kg.store.read_layout(out) is None
    build([SEEDS], out, html=False)
    assert kg.store.read_layout(out) is not None
    assert _quads(out) == _quads(build([SEEDS], tmp_path / "fresh", html=False, cache=False).out)

    resolved, rules = seeds_resolved
    tight = Changes(Layout(), max_bytes=1000)
    write_graph(resolved, rules, io.BytesIO(), io.BytesIO(), tight)
    tight_layout = tight.finish()
    assert tight.overflow and not tight.graphs and kg.store.update_store(out, tight, tmp_path / "unused") is None
    roomy = Changes(Layout())
    write_graph(resolved, rules, io.BytesIO(), io.BytesIO(), roomy)
    assert not roomy.overflow and len(roomy.graphs) == 5 and roomy.finish() == tight_layout


def test_two_articles_of_one_graph_name_rebuild_to_the_quads_of_a_fresh_load(tmp_path):
    """"A b.txt" and "a-b.txt" slugify alike, so their statements share one article graph; the
    store cannot tell them apart, so a rebuild loads it in full rather than dropping one."""
    corpus, out, fresh = tmp_path / "corpus", tmp_path / "out", tmp_path / "fresh"
    corpus.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    (corpus / "A b.txt").write_bytes(seeds[0].read_bytes())
    (corpus / "a-b.txt").write_bytes(seeds[1].read_bytes())
    build([corpus], out, html=False)
    (corpus / "c.txt").write_bytes(seeds[2].read_bytes())
    build([corpus], out, html=False)
    build([corpus], fresh, html=False, cache=False)
    assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()
    assert _quads(out) == _quads(fresh)
