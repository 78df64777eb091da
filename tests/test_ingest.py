"""Ingest: the article's own lines, headline, date and publisher; never clutter, never a guess."""
import datetime as dt
from pathlib import Path

import pytest

from kg.errors import ArticleError
from kg.ingest import parse_article, read_article
from kg.ruleset import load_ruleset

RULES = load_ruleset()
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def body_text(article):
    return "\n".join(article.text[b.start:b.end] for b in article.blocks)


@pytest.mark.parametrize("stem, headline, date, publisher", [
    ("000_985a7a3cdeee226b", "New Opening", dt.date(2008, 3, 18), "org/deutsche-welle"),
    ("001_5e02876f9725f045", "Putin Proposes Broader European Missile Defense", None, "org/deutsche-welle"),
    ("002_7991666e000a840c", "Russia and U.S. remain divided over European missile shield", dt.date(2007, 10, 12), None),
    ("003_b61df39ee083bce4", "Russians, Americans Fail To Close Missile Shield Divide", None, "org/new-york-sun"),
    ("004_15dcc5f5828def9b", "Bush, Putin Still at Odds Over US Missile Defense Plans", dt.date(2008, 4, 6), "org/deutsche-welle"),
])
def test_header_of_each_seed_is_read(stem, headline, date, publisher):
    article = read_article(SEEDS / f"{stem}.txt", RULES)
    assert article.headline == headline
    assert article.date == date
    assert article.publisher == publisher


@pytest.mark.parametrize("stem, clutter", [
    ("000_985a7a3cdeee226b", ["Skip to content", "DW's Top Story", "Borrell", "Image: AP", "Go to homepage"]),
    ("001_5e02876f9725f045", ["Inhalt", "Choose from 30 Languages", "DW recommends"]),
    ("002_7991666e000a840c", ["bookmarkicon", "Podcasts", "23:13"]),
    ("003_b61df39ee083bce4", ["This article is from the archive", "All rights reserved", "Sign in", "Terms of Use"]),
])
def test_page_clutter_is_not_article_text(stem, clutter):
    text = body_text(read_article(SEEDS / f"{stem}.txt", RULES))
    for piece in clutter:
        assert piece not in text


def test_offsets_of_every_block_point_into_the_original_file():
    for path in SEEDS.glob("*.txt"):
        raw = path.read_bytes().decode("utf-8")
        article = read_article(path, RULES)
        assert article.text == raw
        for b in article.blocks:
            assert raw[b.start:b.end] == article.text[b.start:b.end]


def test_a_date_not_in_the_text_is_not_invented():
    article = parse_article("Talks fail\n\nRice and Lavrov met in Moscow on Monday and agreed on nothing at all, "
                            "officials from both sides said after the long meeting.", "x", "x.txt", RULES)
    assert article.date is None


@pytest.mark.parametrize("header, expected", [
    ("March 18, 2008", dt.date(2008, 3, 18)),
    ("12 Oct, 2007 12:10", dt.date(2007, 10, 12)),
    ("Headline here | Europe | DW | 06.04.2008", dt.date(2008, 4, 6)),
])
def test_header_date_formats(header, expected):
    text = f"{header}\n\nSome headline of the day\n\n" + "Body sentence with enough words to be a paragraph of prose for the reader. " * 2
    assert parse_article(text, "x", "x.txt", RULES).date == expected


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x00\x01binary\x00" * 100, "binary file (NUL bytes), not a text article"),
    (b"caf\xe9 au lait " * 10, "not UTF-8 (byte 0xe9 at offset 3)"),
])
def test_unreadable_files_raise_one_clear_line(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleError) as err:
        read_article(path, RULES)
    assert str(err.value) == f"{path}: {message}"
