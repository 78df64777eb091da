"""Complexity: twice the articles must take well under three times the time.

A build that is linear in the articles takes about 2x; one with a step comparing every
article (or entity, or meeting) with every other takes 4x. The test measures CPU time of
this process, not wall time, so other programs on the machine do not make it flaky, and
warms up first, so that loading the rules and the name detector is not counted.
"""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from kg.api import build

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = 30, 60
LIMIT = 2.6      # "well under 3x": linear is 2.0, quadratic 4.0


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("scaling")
    paths = module.make_corpus(LARGE, folder / "all")
    return paths[:SMALL], paths


def _cpu_seconds(paths) -> float:
    # extract, resolve and graph: the stages that compare articles with each other; writing
    # is rdflib's serializer, timed by bench/run.py
    start = time.process_time()
    build(paths, None, cache=False)
    return time.process_time() - start


def test_twice_the_articles_takes_well_under_three_times_the_time(corpora, tmp_path):
    small, large = corpora
    build(small[:3], None, cache=False)
    t_small = _cpu_seconds(small)
    t_large = _cpu_seconds(large)
    assert t_large / t_small < LIMIT, (
        f"{SMALL} articles: {t_small:.2f} s, {LARGE}: {t_large:.2f} s, ratio {t_large / t_small:.2f}")


def test_generated_corpus_is_deterministic_and_realistic(corpora, tmp_path):
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    again = module.make_corpus(5, tmp_path)
    small, _ = corpora
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in small[:5]]
    sizes = [p.stat().st_size for p in small]
    assert 3_000 < sum(sizes) / len(sizes) < 7_000
    assert len({p.read_text(encoding="utf-8").splitlines()[4] for p in small}) > SMALL // 2  # headlines vary
