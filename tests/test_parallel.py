"""Extraction in worker processes and on a Dask cluster gives the graph of a local build, byte
for byte; an article that runs past its time budget is skipped and named.
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import threading
from pathlib import Path

import pytest

import kg.parallel
from kg.api import build
from kg.errors import ArticleError, KgError
from kg.extract import extract
from kg.ingest import read_article
from kg.parallel import extract_many
from kg.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _make_corpus(n: int, folder: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus(n, folder)


@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, rules):
    paths = _make_corpus(16, tmp_path_factory.mktemp("corpus"))
    return [read_article(p, rules) for p in paths]


@pytest.fixture(scope="module")
def local_graph(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("local")
    build([SEEDS], out, html=False, cache=False)
    return (out / "graph.ttl").read_bytes()


@pytest.fixture(scope="module")
def cluster():
    """One LocalCluster of two worker processes, as a real cluster runs them."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster


def _stuck_on(article_id):
    """An extract() that never returns for one article: a runaway rule, in Python code."""
    def fake(article, rules):
        if article.id == article_id:
            while True:
                pass
        return extract(article, rules)
    return fake


def test_two_worker_processes_give_the_extractions_of_one_in_input_order(corpus, rules):
    one = extract_many(corpus, rules, workers=1)
    two = extract_many(corpus, rules, workers=2)
    assert [x.article.id for x in two] == [a.id for a in corpus]
    assert two == one


def test_build_with_two_workers_writes_the_same_graph_ttl(local_graph, tmp_path):
    build([SEEDS], tmp_path, html=False, cache=False, workers=2)
    assert (tmp_path / "graph.ttl").read_bytes() == local_graph


def test_dask_local_cluster_of_two_processes_writes_the_same_graph_ttl(local_graph, cluster, tmp_path):
    build([SEEDS], tmp_path, html=False, cache=False, engine="dask", scheduler=cluster.scheduler_address)
    assert (tmp_path / "graph.ttl").read_bytes() == local_graph


def test_dask_extractions_carry_no_article_text_but_the_same_facts(corpus, rules, cluster):
    remote = extract_many(corpus[:6], rules, engine="dask", scheduler=cluster.scheduler_address)
    local = extract_many(corpus[:6], rules)
    assert all(x.article.text == "" for x in remote)
    assert [x.facts for x in remote] == [x.facts for x in local]
    assert [x.article.headline for x in remote] == [x.article.headline for x in local]


def test_an_article_past_its_time_budget_is_skipped_and_named(corpus, rules, monkeypatch):
    monkeypatch.setattr(kg.parallel, "extract", _stuck_on(corpus[1].id))
    skipped: list[str] = []
    got = extract_many(corpus[:3], rules, time_budget=0.5, skipped=skipped)
    assert [x.article.id for x in got] == [corpus[0].id, corpus[2].id]
    assert skipped == [f"{corpus[1].source}: extraction ran past the time budget of 0.5 s"]


def test_time_budget_stops_a_catastrophic_regex(corpus, rules, monkeypatch):
    import re

    def backtrack(article, rules):
        re.match(r"(a+)+$", "a" * 40 + "b")   # exponential: never ends on its own
    monkeypatch.setattr(kg.parallel, "extract", backtrack)
    skipped: list[str] = []
    assert extract_many(corpus[:1], rules, time_budget=0.3, skipped=skipped) == []
    assert len(skipped) == 1


def test_time_budget_holds_outside_the_main_thread(corpus, rules, monkeypatch):
    monkeypatch.setattr(kg.parallel, "extract", _stuck_on(corpus[0].id))
    skipped: list[str] = []
    result = {}
    worker = threading.Thread(target=lambda: result.update(
        got=extract_many(corpus[:2], rules, time_budget=0.5, skipped=skipped)))
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert [x.article.id for x in result["got"]] == [corpus[1].id]
    assert len(skipped) == 1 and corpus[0].source in skipped[0]


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the stuck extract() reaches workers only when they are forked")
def test_time_budget_holds_in_worker_processes(corpus, rules, monkeypatch):
    monkeypatch.setattr(kg.parallel, "extract", _stuck_on(corpus[3].id))
    skipped: list[str] = []
    got = extract_many(corpus[:6], rules, workers=2, time_budget=0.5, skipped=skipped)
    assert [x.article.id for x in got] == [a.id for a in corpus[:6] if a.id != corpus[3].id]
    assert len(skipped) == 1 and corpus[3].source in skipped[0]


def test_strict_build_stops_at_an_article_past_its_time_budget(corpus, rules, monkeypatch):
    monkeypatch.setattr(kg.parallel, "extract", _stuck_on(corpus[0].id))
    with pytest.raises(ArticleError, match=corpus[0].source):
        extract_many(corpus[:2], rules, time_budget=0.3, strict=True)


def test_unknown_engine_is_a_kg_error(rules):
    with pytest.raises(KgError, match="engine 'spark'"):
        extract_many([], rules, engine="spark")
