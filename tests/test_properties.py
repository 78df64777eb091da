"""Property tests (hypothesis): any text ingests and extracts without crash or hang, and
every offset the extraction gives points at the text it claims.

Two kinds of generated text: any Unicode at all (control characters, right-to-left
scripts, lone combining marks, every kind of line break), and "newsy" text assembled from
the words the rules look for (titles, names, countries, speech verbs, quotation marks of
every kind, dates, sentence ends), which drives the rules much deeper than random letters.
Each example must finish within the deadline; run with --hypothesis-show-statistics to see
how many examples were tried.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import ArticleError
from kg.extract import extract
from kg.ingest import decode_article_bytes, parse_article
from kg.ruleset import load_ruleset

SETTINGS = dict(deadline=dt.timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow],
                derandomize=False, print_blob=True)

# Any code point but surrogates (they cannot come out of a UTF-8 decode).
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2500)

TOKENS = [
    # people, titles, honorifics
    "Vladimir Putin", "Putin", "Sergey Lavrov", "Lavrov", "Condoleezza Rice", "Rice", "George W. Bush",
    "Radoslaw Sikorski", "Mirek Topolanek", "Mr.", "Ms.", "Dr.", "President", "president",
    "Foreign Minister", "foreign minister", "Prime Minister", "Defense Secretary", "spokeswoman",
    "Presidents", "ambassador", "Anna Kowalska", "Jan Novak", "Gen.", "U.S.", "U.N.",
    # places, organizations, systems
    "Russia", "Russian", "Poland", "Polish", "Czech Republic", "Czech", "Moscow", "Warsaw", "Prague",
    "Washington", "the Kremlin", "NATO", "the European Union", "Iran", "Bucharest", "Sochi",
    "missile shield", "missile defense", "radar base", "interceptor site", "Institute of World Economy",
    "University", "Ministry of Defence",
    # verbs and stance words
    "said", "told reporters", "added", "met", "held talks with", "opposes", "supports", "rejected",
    "proposed", "welcomed", "is opposed to", "has said he will", "visited", "arrived in", "summit",
    "talks", "meeting", "press conference", "not", "no longer", "to be frozen", "should be built",
    # dates
    "on Monday", "last October", "March 18, 2008", "12 Oct, 2007", "06.04.2008", "2008-04-06",
    "yesterday", "next month", "Sunday, April 6",
    # quotation marks, punctuation, clutter
    '"', "“", "”", "«", "»", "‘", "’", "'s", "’s", ",", ".", ":", ";", "!", "?", "…", "(", ")", "—", "-",
    " | ", "Image: AP", "Photo credit: Reuters", "Share", "Related stories", "Print", "©",
    # odd characters
    "\u200f", "\u202e", "مرحبا", "שלום", "\u0301", "\t", "\x0b", "\x0c", "\x1c", "\u2028", "\u0085", "\ufeff",
    "ǅ", "ß", "İ", "ﬁ", "𝐀", "\U0001f600", "A" * 60, "x" * 300,
]
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", "\r\n", "\r", ", ", ". ", "  "]


@st.composite
def newsy_text(draw) -> str:
    words = draw(st.lists(st.sampled_from(TOKENS), min_size=0, max_size=160))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps))


@pytest.fixture(scope="module")
def rules():
    return load_ruleset()


def check_extraction(text: str, rules) -> None:
    """Ingest and extract `text`; every span must lie in the text and say what it claims."""
    article = parse_article(text, "generated", "generated.txt", rules)
    for span in article.blocks:
        assert 0 <= span.start <= span.end <= len(text)
    if article.headline_span is not None:
        assert text[article.headline_span.start:article.headline_span.end].strip() == article.headline
    result = extract(article, rules)
    for mention in result.mentions:
        assert 0 <= mention.start <= mention.end <= len(text)
        assert text[mention.start:mention.end] == mention.text, mention
    evidences = [f.evidence for f in result.facts] + [p.evidence for p in result.positions] \
        + [q.evidence for q in result.quotes]
    for ev in evidences:
        assert 0 <= ev.start <= ev.end <= len(text), ev
        assert text[ev.start:ev.end] == ev.sentence, ev
        assert ev.article == "generated" and ev.rule
    for q in result.quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert q.text == text[q.start:q.end].strip(), q
    for record in result.entities:
        assert record.kind and record.ref


@settings(max_examples=200, **SETTINGS)
@given(text=ANY_TEXT)
def test_any_unicode_text_extracts_with_valid_offsets(rules, text: str) -> None:
    check_extraction(text, rules)


@settings(max_examples=300, **SETTINGS)
@given(text=newsy_text())
def test_newsy_text_extracts_with_valid_offsets(rules, text: str) -> None:
    check_extraction(text, rules)


@settings(max_examples=60, **SETTINGS)
@given(text=newsy_text())
def test_extraction_is_the_same_twice(rules, text: str) -> None:
    article = parse_article(text, "generated", "generated.txt", rules)
    assert extract(article, rules) == extract(article, rules)


@settings(max_examples=300, **SETTINGS)
@given(data=st.binary(max_size=3000) | ANY_TEXT.map(lambda t: t.encode("utf-8")))
def test_any_bytes_decode_or_fail_with_an_article_error(data: bytes) -> None:
    try:
        text = decode_article_bytes("generated.txt", data)
    except ArticleError as exc:
        message = str(exc)
        assert message.startswith("generated.txt: ") and "\n" not in message
    else:
        assert text == data.decode("utf-8")


@settings(max_examples=150, **SETTINGS)
@given(prefix=newsy_text(), junk=st.binary(min_size=1, max_size=4))
def test_a_bad_byte_is_reported_at_its_offset(prefix: str, junk: bytes) -> None:
    """The offset in 'not UTF-8 (byte 0x.. at offset N)' is where the decoder first failed."""
    data = ("Some ordinary letters to read first. " + prefix).encode("utf-8") + b"\xff" + junk
    with pytest.raises(ArticleError, match=r"generated\.txt: (not UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\)|binary)") as info:
        decode_article_bytes("generated.txt", data)
    if "offset" in str(info.value):
        offset = int(str(info.value).rsplit(" ", 1)[1].rstrip(")"))
        data[:offset].decode("utf-8")  # everything before the offset decodes
