"""Tests for kg.dedup: the same story met twice is built once, near copies are linked."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.dedup import MIN_WORDS, find_duplicates, normal_url
from kg.ingest import read_article
from kg.model import Article, Span
from kg.ruleset import load_ruleset

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
STORY = ("German Chancellor Angela Merkel held talks with Russian President Dmitry Medvedev in Berlin on "
         "Thursday on the US missile shield planned for Poland and the Czech Republic, a spokesman said.\n\n"
         "Medvedev told reporters after the talks that Russia still opposes the missile shield. "
         "\"We see no reason for these bases in Europe,\" Medvedev said.\n\n"
         "Merkel said Europe's security could only be built together with Russia, not against it.\n\n"
         "The two leaders agreed to meet again at the summit of the Group of Eight in Japan next month.")
OTHER = ("Czech Foreign Minister Karel Schwarzenberg and US Secretary of State Condoleezza Rice signed the "
         "radar treaty in Prague on Tuesday, officials said. Rice told reporters at a joint news conference "
         "that the radar was meant to protect Europe against missiles from Iran, not against Russia, and "
         "Russia's Foreign Ministry said Moscow would respond with military-technical measures.")


def article(aid: str, text: str, url: str | None = None, headline: str | None = None) -> Article:
    """An article whose blocks are its paragraphs, with an optional headline line first."""
    if headline:
        text = f"{headline}\n\n{text}"
    blocks, pos = [], 0
    for part in text.split("\n\n"):
        blocks.append(Span(pos, pos + len(part)))
        pos += len(part) + 2
    return Article(aid, f"{aid}.html", text, tuple(blocks), url=url)


def ids(articles):
    return [(a.id, a.duplicate_of) for a in articles]


@pytest.mark.parametrize("first, second", [
    ("https://balticwire.example/a/story", "http://www.balticwire.example/a/story/"),
    ("https://balticwire.example/a/story?id=3", "https://balticwire.example/a/story?utm_source=rss&id=3#top"),
])
def test_the_same_url_is_one_article(first, second):
    kept, found = find_duplicates([article("a", STORY, first), article("b", OTHER, second)])
    assert ids(kept) == [("a", None)]
    assert found.exact == [("b", "b.html", None, "a", "url")]


def test_different_query_parameters_are_different_pages():
    assert normal_url("https://x.org/story?id=3") != normal_url("https://x.org/story?id=4")


def test_the_same_text_with_other_whitespace_is_one_article():
    kept, found = find_duplicates([article("a", STORY), article("b", STORY.replace(" ", "  ").replace("\n\n", "\n\n\n"))])
    assert ids(kept) == [("a", None)] and found.as_dict()["exact"] == 1
    assert found.exact[0][4] == "text"


def test_a_syndicated_copy_with_small_edits_is_linked_to_the_first_story():
    copy = STORY.replace("told reporters", "told journalists").rsplit("\n\n", 1)[0]
    kept, found = find_duplicates([article("wire", STORY, headline="Merkel and Medvedev meet"),
                                   article("other", OTHER),
                                   article("herald", copy, headline="Medvedev tells Merkel: no shield")])
    assert ids(kept) == [("wire", None), ("other", None), ("herald", "wire")]
    ((dup, original, similarity),) = found.near
    assert (dup, original) == ("herald", "wire") and 0.5 <= similarity < 1


def test_a_copy_of_a_copy_points_at_the_first_story():
    second = STORY.replace("told reporters", "told journalists")
    third = second.replace("a spokesman said", "his spokesman said")
    kept, _ = find_duplicates([article("a", STORY), article("b", second), article("c", third)])
    assert ids(kept) == [("a", None), ("b", "a"), ("c", "a")]


def test_two_stories_about_the_same_event_are_not_duplicates():
    retold = ("Russia's president Dmitry Medvedev, on his first trip west since taking office, repeated "
              "his country's opposition to American interceptors in Poland when he met Angela Merkel in "
              "the German capital, where the chancellor urged a dialogue with Moscow on European security "
              "and both sides promised to talk again at the G8 meeting in Japan.")
    kept, found = find_duplicates([article("a", STORY), article("b", retold)])
    assert ids(kept) == [("a", None), ("b", None)] and not found.near


def test_short_texts_are_not_judged_near_duplicates():
    short = " ".join(STORY.split()[: MIN_WORDS - 1])
    kept, found = find_duplicates([article("a", short), article("b", short.replace("Thursday", "Friday"))])
    assert ids(kept) == [("a", None), ("b", None)] and not found.near


def test_the_same_input_gives_the_same_links():
    copy = STORY.replace("told reporters", "told journalists")
    runs = [find_duplicates([article("a", STORY), article("b", OTHER), article("c", copy)])[1].as_dict()
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_the_seeds_hold_no_duplicates():
    rules = load_ruleset(None)
    seeds = [read_article(p, rules) for p in sorted(SEEDS.glob("*.txt"))]
    kept, found = find_duplicates(seeds)
    assert kept == seeds and not found.exact and not found.near


def test_doctests_of_the_module_pass():
    import doctest

    import kg.dedup
    assert doctest.testmod(kg.dedup).failed == 0


def test_sketches_and_bands_are_those_of_datasketch():
    """kg.dedup computes datasketch's MinHash and LSH bands itself (importing datasketch costs
    every build half a second): the values must stay the library's, whatever the text."""
    datasketch = pytest.importorskip("datasketch")
    from kg.dedup import LSH_BANDS, LSH_ROWS, NUM_PERM, SEED, SHINGLE_WORDS, _sketch
    texts = ["the quick brown fox jumps over the lazy dog again and again in Moscow today",
             "Łódź, Kraków and Kyiv: ‘quoted’ words – and the same words, the same words again",
             (SEEDS / "000_985a7a3cdeee226b.txt").read_text(encoding="utf-8")]
    for text in texts:
        words = text.split()
        reference = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED)
        for i in range(len(words) - SHINGLE_WORDS + 1):
            reference.update(" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8"))
        assert (reference.hashvalues == _sketch(words)).all()
    lsh = datasketch.MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (LSH_BANDS, LSH_ROWS)
