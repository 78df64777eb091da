"""The per-article caches (articles read, their sketches, their extractions): same bytes with
and without them, invalidated by rule edits.

Builds use html=False: the page is not what the cache changes, and it is the slow part.
"""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

import kg.parallel
from kg.api import build
from kg.cache import ExtractionCache, article_key
from kg.extract import extract
from kg.ruleset import RULES_DIR, load_ruleset

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FILES = sorted(SEEDS.glob("*.txt"))[:3]     # three articles keep the suite quick


def _no_extraction(article, rules):
    raise AssertionError(f"{article.id} was extracted again although the cache holds it")


@pytest.fixture(scope="module")
def cached_build(tmp_path_factory):
    """The seeds built twice into one folder (the second build from the cache) and once without."""
    out = tmp_path_factory.mktemp("cached")
    build(FILES, out, html=False)
    first = (out / "graph.ttl").read_bytes()
    fresh = tmp_path_factory.mktemp("fresh")
    build(FILES, fresh, html=False, cache=False)
    return out, first, fresh


def test_cache_holds_one_entry_per_article(cached_build):
    out, _, fresh = cached_build
    assert len(list((out / "cache").glob("extract-*/*/*.pickle"))) == len(FILES)
    assert not (fresh / "cache").exists()


def test_second_build_reads_every_article_from_the_cache_and_writes_the_same_bytes(cached_build, monkeypatch):
    out, first, fresh = cached_build
    monkeypatch.setattr(kg.parallel, "extract", _no_extraction)
    build(FILES, out, html=False)
    assert (out / "graph.ttl").read_bytes() == first


def test_build_with_cache_equals_build_without_cache_byte_for_byte(cached_build):
    out, first, fresh = cached_build
    assert first == (fresh / "graph.ttl").read_bytes()
    assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()


def test_no_cache_extracts_every_article_again(cached_build, monkeypatch, tmp_path):
    out, _, _ = cached_build
    calls = []
    monkeypatch.setattr(kg.parallel, "extract", lambda a, r: calls.append(a.id) or extract(a, r))
    build(FILES, tmp_path, html=False, cache=False)
    assert len(calls) == len(FILES)


def test_editing_a_rule_file_invalidates_the_cache(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    out = tmp_path / "out"
    one = FILES[:2]
    build(one, out, rules_dir=rules, html=False)
    old_scopes = {p.name for p in (out / "cache").iterdir() if p.is_dir()}
    assert {name.split("-")[0] for name in old_scopes} == {"extract", "ingest"}
    people = rules / "gazetteer" / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "\n# an analyst's note\n", encoding="utf-8")
    calls = []
    monkeypatch.setattr(kg.parallel, "extract", lambda a, r: calls.append(a.id) or extract(a, r))
    build(one, out, rules_dir=rules, html=False)
    assert len(calls) == 2
    new_scopes = {p.name for p in (out / "cache").iterdir() if p.is_dir()}
    assert len(new_scopes) == 2 and not new_scopes & old_scopes   # the stale entries are gone


def test_a_changed_article_misses_and_an_unchanged_one_hits(tmp_path):
    rules = load_ruleset()
    from kg.ingest import read_article
    article = read_article(FILES[0], rules)
    cache = ExtractionCache(tmp_path, rules.digest)
    assert cache.get(article) is None
    cache.put(extract(article, rules))
    assert cache.get(article) == extract(article, rules)
    from dataclasses import replace
    edited = replace(article, text=article.text + " ")
    assert article_key(edited) != article_key(article)
    assert cache.get(edited) is None
    assert (cache.hits, cache.misses) == (1, 2)


def test_a_torn_cache_entry_is_a_miss_not_an_error(tmp_path):
    rules = load_ruleset()
    from kg.ingest import read_article
    article = read_article(FILES[0], rules)
    cache = ExtractionCache(tmp_path, rules.digest)
    cache.put(extract(article, rules))
    (entry,) = cache.folder.glob("*/*.pickle")
    entry.write_bytes(entry.read_bytes()[:20])
    assert cache.get(article) is None
    assert not entry.exists()


def test_an_extraction_comes_back_whole_from_its_parts():
    """Workers and the cache carry extractions as plain tuples (kg.cache.extraction_parts):
    nothing may be lost or changed on the way back."""
    from kg.cache import extraction_parts, from_parts
    from kg.ingest import read_article
    rules = load_ruleset()
    fixtures = Path(__file__).resolve().parent / "fixtures"
    for path in [*sorted(SEEDS.glob("*.txt")), *sorted(fixtures.glob("fx*.txt"))]:
        x = extract(read_article(path, rules), rules)
        assert x.facts and x.mentions
        parts = pickle.loads(pickle.dumps(extraction_parts(x)))
        assert from_parts(x.article, parts) == x, path.name


def test_a_second_build_reads_no_file_and_sketches_no_text_again(cached_build, monkeypatch):
    """Unchanged files come from the article cache and their MinHash sketches from the sketch
    cache; a file that changed is read again."""
    import kg.dedup
    import kg.formats
    out, first, _ = cached_build
    build(FILES, out, html=False)                 # the module's builds may predate the sketches

    def no_reading(*args):
        raise AssertionError("a file was read again although the cache holds it")
    with monkeypatch.context() as patch:
        patch.setattr(kg.formats, "parse_article", no_reading)
        patch.setattr(kg.dedup, "_sketch", no_reading)
        build(FILES, out, html=False)
    assert (out / "graph.ttl").read_bytes() == first

    corpus = out.parent / "changed-corpus"
    corpus.mkdir()
    for path in FILES:
        shutil.copy(path, corpus)
    build([corpus], out, html=False)
    edited = corpus / FILES[0].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    read = []
    real = kg.formats.parse_article
    monkeypatch.setattr(kg.formats, "parse_article", lambda text, aid, *rest: read.append(aid) or real(text, aid, *rest))
    build([corpus], out, html=False)
    assert read == [edited.stem]


def test_an_article_comes_back_whole_from_its_parts():
    """The article cache stores articles as plain tuples (kg.cache.article_parts)."""
    from dataclasses import fields

    from kg.cache import article_from_parts, article_parts
    from kg.formats import iter_articles
    rules = load_ruleset()
    fixtures = Path(__file__).resolve().parent / "fixtures"
    articles = [a for path in [*sorted(SEEDS.glob("*.txt")), *sorted((fixtures / "formats").glob("*.html"))]
                for a in iter_articles(path, rules, path.stem)]
    assert any(a.date for a in articles) and any(a.headline_span for a in articles)
    for article in articles:
        assert article_from_parts(pickle.loads(pickle.dumps(article_parts(article)))) == article
    assert len(article_parts(articles[0])) == len(fields(articles[0]))    # a new field needs a part
