"""Tests for kg.formats: HTML pages, WARC archives, JSONL and CSV corpora read as articles.

Each format is built end to end from fixtures made for these tests (tests/fixtures/formats/,
and a WARC file written here with warcio). Extraction rules are tuned while these tests
live, so they assert what any sound build states (Putin and Bush are people, Merkel and
Medvedev met), never exact counts; headline, date, URL, records, duplicates and offsets
are the formats' own and are asserted exactly.
"""
from __future__ import annotations

import csv
import gzip
import json
from io import BytesIO
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kg.api import build
from kg.errors import ArticleError
from kg.formats import ReadLog, base_id, compose_text, extract_html, iter_articles
from kg.ruleset import load_ruleset

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
SCHEMA = Namespace("https://schema.org/")
NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = Namespace("https://w3id.org/newskg/id/")
PREFIXES = """PREFIX schema: <https://schema.org/> PREFIX nkg: <https://w3id.org/newskg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> """

# An invented wire story (people real, events and words made up), printed by two outlets.
WIRE = [
    "German Chancellor Angela Merkel held talks with Russian President Dmitry Medvedev in Berlin "
    "on Thursday on the US missile shield planned for Poland and the Czech Republic, a government "
    "spokesman said.",
    "Medvedev told reporters after the talks that Russia still opposes the missile shield. "
    "\"We see no reason for these bases in Europe,\" Medvedev said.",
    "Merkel said Europe's security could only be built together with Russia, not against it. "
    "\"We need a dialogue on this, and we will keep it going,\" she said.",
    "The two leaders agreed to meet again at the summit of the Group of Eight in Japan next month.",
    "Medvedev was making his first visit to a Western capital since he took office in May.",
]
# The second outlet's copy: a new headline, one word changed, the last paragraph cut.
HERALD = [WIRE[0], WIRE[1].replace("told reporters", "told journalists"), WIRE[2], WIRE[3]]
TREATY = [
    "Czech Foreign Minister Karel Schwarzenberg and US Secretary of State Condoleezza Rice signed "
    "the radar treaty in Prague on Tuesday, officials said.",
    "\"This radar is meant to protect Europe against missiles from Iran,\" Rice told reporters at a "
    "joint news conference after the signing ceremony.",
    "Russia's Foreign Ministry said Moscow would respond to the deployment with military-technical "
    "measures if the treaty was ratified by the Czech parliament.",
]
BALTIC_URL = "https://balticwire.example/2008/06/05/merkel-medvedev"
HERALD_URL = "https://herald.example/world/medvedev-merkel-shield"
TREATY_URL = "https://www.reuters.example/article/czech-radar-treaty"


def page(headline: str, paragraphs: list[str], *, site: str | None = None, date: str | None = None,
         canonical: str | None = None, author: str | None = None) -> bytes:
    """A news page as sites print them: menu, article, related stories, footer."""
    meta = "".join([
        f'<meta property="og:site_name" content="{site}">' if site else "",
        f'<meta property="article:published_time" content="{date}">' if date else "",
        f'<link rel="canonical" href="{canonical}">' if canonical else "",
        f'<meta name="author" content="{author}">' if author else "",
    ])
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{headline}</title>{meta}</head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a></li>"
            "<li><a href='/x'>Friedrich Merz visits Warsaw</a></li></ul></nav>"
            f"<main><article><h1>{headline}</h1>{body}</article>"
            "<aside><h2>Related stories</h2><ul><li><a href='/y'>Emmanuel Macron meets Wim Wenders</a></li>"
            "</ul></aside></main><footer>Contact | Imprint | Privacy</footer></body></html>").encode("utf-8")


def write_warc(path: Path, *, gzip_it: bool = True) -> None:
    """A small crawl: warcinfo, a request, three stories (two of them one wire story from two
    outlets), a recrawl of the first page, a redirect, a 404, and an image."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(writer, url, payload, *, status="200 OK", content_type="text/html; charset=utf-8",
                 date="2008-06-06T08:00:00Z", extra=()):
        headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(payload),
                                                      http_headers=headers,
                                                      warc_headers_dict={"WARC-Date": date}))

    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gzip_it)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "newskg tests"}))   # record 1
        w.write_record(w.create_warc_record(BALTIC_URL, "request", payload=BytesIO(
            b"GET /2008/06/05/merkel-medvedev HTTP/1.1\r\nHost: balticwire.example\r\n\r\n")))  # record 2
        response(w, BALTIC_URL, page("Merkel and Medvedev discuss missile shield in Berlin", WIRE,
                                     site="Baltic Wire", date="2008-06-05T10:30:00Z",
                                     canonical=BALTIC_URL, author="Jan Kowalski"))          # record 3
        response(w, HERALD_URL, page("Medvedev tells Merkel Russia opposes shield", HERALD,
                                     site="Continental Herald"))                            # record 4
        response(w, TREATY_URL, page("Czechs and US sign radar treaty", TREATY, site="Reuters",
                                     date="2008-07-08T12:00:00Z"))                          # record 5
        response(w, BALTIC_URL + "?utm_source=rss", page("Merkel and Medvedev discuss missile shield in Berlin",
                                                         WIRE, site="Baltic Wire"),
                 date="2008-06-07T08:00:00Z")                                               # record 6
        response(w, "https://herald.example/old", b"", status="301 Moved Permanently",
                 extra=[("Location", HERALD_URL)])                                           # record 7
        response(w, "https://herald.example/missing", page("Not found", ["Nothing here."]),
                 status="404 Not Found")                                                     # record 8
        response(w, "https://herald.example/logo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg",
                 content_type="image/jpeg")                                                  # record 9


def graph_of(out: Path) -> Graph:
    return Graph().parse(out / "graph.ttl")


def article_by_url(g: Graph, url: str) -> URIRef:
    (node,) = set(g.subjects(SCHEMA.url, URIRef(url)))
    return node


def people(g: Graph) -> set[str]:
    return {str(label) for p in g.subjects(RDF.type, SCHEMA.Person) for label in g.objects(p, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))}


def meetings_with(g: Graph, *names: str) -> list[URIRef]:
    """Meetings whose attendees include every one of `names`."""
    found = []
    for row in g.query(PREFIXES + """SELECT ?m (GROUP_CONCAT(?n; separator="|") AS ?who)
                       WHERE { ?m a nkg:Meeting ; schema:attendee/rdfs:label ?n } GROUP BY ?m"""):
        if set(names) <= set(str(row.who).split("|")):
            found.append(row.m)
    return found


def assert_offsets_hold(g: Graph, out: Path) -> int:
    """Every evidence node's offsets, counted into DIR/text/<article>.txt, give its sentence."""
    checked = 0
    for ev in g.subjects(RDF.type, NKG.Evidence):
        sentence = g.value(ev, NKG.sentence)
        if sentence is None:
            continue  # gazetteer-only facts carry no offsets
        article = g.value(ev, PROV.wasDerivedFrom)
        text = (out / "text" / f"{str(article).rsplit('/', 1)[1]}.txt").read_bytes().decode("utf-8")
        start, end = int(g.value(ev, NKG.charStart)), int(g.value(ev, NKG.charEnd))
        assert text[start:end] == str(sentence), (article, start, end)
        checked += 1
    for quote in g.subjects(RDF.type, NKG.Quote):
        article = g.value(quote, PROV.wasDerivedFrom)
        text = (out / "text" / f"{str(article).rsplit('/', 1)[1]}.txt").read_bytes().decode("utf-8")
        start, end = int(g.value(quote, NKG.charStart)), int(g.value(quote, NKG.charEnd))
        assert text[start:end] == str(g.value(quote, NKG.text))
    assert checked > 0
    return checked


# --- HTML ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    kg = build([FIXTURES / "sochi_dw.html"], out, html=False)
    return kg, out, graph_of(out)


def test_html_page_gives_headline_date_url_publisher_and_author(html_build):
    _, _, g = html_build
    node = ID["article/sochi-dw"]
    assert g.value(node, SCHEMA.headline) == Literal("Bush, Putin Still at Odds Over US Missile Defense Plans")
    assert str(g.value(node, SCHEMA.datePublished)) == "2008-04-06"
    assert g.value(node, SCHEMA.url) == URIRef(
        "https://www.dw.com/en/bush-putin-still-at-odds-over-us-missile-defense-plans/a-3246331")
    assert g.value(node, SCHEMA.publisher) == ID["organization/deutsche-welle"]  # og:site_name "DW"
    assert g.value(node, NKG.sourceFile) == Literal("sochi_dw.html")
    assert g.value(node, NKG.sourceRecord) is None
    author = g.value(node, SCHEMA.author)
    assert (author, RDF.type, SCHEMA.Person) in g
    assert str(g.value(author, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == "Anna Kowalczyk"


def test_html_page_gives_the_people_and_meeting_of_the_seed_story(html_build):
    _, _, g = html_build
    assert {"Vladimir Putin", "George W. Bush", "Dmitry Medvedev"} <= people(g)
    assert meetings_with(g, "Vladimir Putin", "George W. Bush")


def test_navigation_related_stories_and_footer_never_reach_the_rules(html_build):
    _, out, g = html_build
    text = (out / "text" / "sochi-dw.txt").read_text(encoding="utf-8")
    assert text.startswith("Bush, Putin Still at Odds Over US Missile Defense Plans\n\n")
    assert "Presidents Vladimir Putin and George W. Bush's final meeting" in text   # the lede, kept
    for clutter in ("Angela Merkel", "Friedrich Merz", "Emmanuel Macron", "Wim Wenders", "Legal notice",
                    "DW recommends", "Follow us"):
        assert clutter not in text
    assert not {"Angela Merkel", "Friedrich Merz", "Emmanuel Macron", "Wim Wenders"} & people(g)


def test_html_offsets_count_into_the_written_text(html_build):
    _, out, g = html_build
    assert_offsets_hold(g, out)


def test_broken_html_is_read_and_a_page_without_text_is_skipped_naming_the_file(tmp_path):
    (tmp_path / "cut.html").write_bytes(page("Talks in Berlin", WIRE)[:-200])   # cut off mid-page
    (tmp_path / "empty.htm").write_text("<html><head><title>x</title></head><body><div><p>", encoding="utf-8")
    kg = build([tmp_path], tmp_path / "out", html=False)
    assert kg.report.read == 1
    assert len(kg.report.skipped) == 1 and "empty.htm: no article text found" in kg.report.skipped[0]
    assert meetings_with(graph_of(tmp_path / "out"), "Angela Merkel", "Dmitry Medvedev")


def test_extract_html_reads_metadata_from_json_ld_and_the_url():
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Radar talks", "datePublished": "2008-07-08"}</script></head><body><article>'
            + "".join(f"<p>{p}</p>" for p in TREATY) + "</article></body></html>")
    body, meta = extract_html(html, url="https://x.example/a")
    assert body.startswith("Czech Foreign Minister") and str(meta.date) == "2008-07-08"
    _, from_url = extract_html(html.replace("2008-07-08", ""), url="https://x.example/2008/07/09/radar")
    assert str(from_url.date) == "2008-07-09"


def test_composed_text_puts_the_headline_first_and_a_blank_line_between_paragraphs():
    text, span = compose_text("Talks  in Berlin", "Talks in Berlin\nFirst.\r\n\n  Second.  ")
    assert text == "Talks in Berlin\n\nFirst.\n\nSecond." and text[span.start:span.end] == "Talks in Berlin"


# --- WARC ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warc_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warc")
    write_warc(folder / "crawl.warc.gz")
    out = folder / "out"
    kg = build([folder / "crawl.warc.gz"], out, html=False)
    return kg, out, graph_of(out)


def test_warc_html_responses_are_articles_with_headline_date_and_url(warc_build):
    _, _, g = warc_build
    baltic, herald, treaty = (article_by_url(g, u) for u in (BALTIC_URL, HERALD_URL, TREATY_URL))
    assert str(g.value(baltic, SCHEMA.headline)) == "Merkel and Medvedev discuss missile shield in Berlin"
    assert str(g.value(baltic, SCHEMA.datePublished)) == "2008-06-05"           # the page's own date
    assert str(g.value(herald, SCHEMA.datePublished)) == "2008-06-06"           # none: WARC-Date
    assert str(g.value(treaty, SCHEMA.datePublished)) == "2008-07-08"
    assert g.value(treaty, SCHEMA.publisher) == ID["organization/reuters"]       # known to the gazetteer
    assert str(g.value(g.value(herald, SCHEMA.publisher), URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))) == "Continental Herald"
    assert {str(g.value(a, NKG.sourceRecord)) for a in (baltic, herald, treaty)} == \
        {"record 3", "record 4", "record 5"}
    assert {str(g.value(a, NKG.sourceFile)) for a in (baltic, herald, treaty)} == {"crawl.warc.gz"}


def test_warc_people_and_meetings_are_found(warc_build):
    _, _, g = warc_build
    assert {"Angela Merkel", "Dmitry Medvedev", "Condoleezza Rice", "Karel Schwarzenberg"} <= people(g)
    assert meetings_with(g, "Angela Merkel", "Dmitry Medvedev")


def test_warc_skips_and_counts_other_records_redirects_and_errors(warc_build):
    kg, out, g = warc_build
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["skipped_records"] == {"warc: error response": 1, "warc: not HTML": 1, "warc: redirect": 1,
                                         "warc: request record": 1, "warc: warcinfo record": 1}
    assert kg.report.skipped == []
    assert len(set(g.subjects(RDF.type, SCHEMA.NewsArticle))) == 3


def test_the_same_page_crawled_twice_is_built_once(warc_build):
    _, out, g = warc_build
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["duplicates"]["exact"] == 1
    (dropped,) = report["duplicates"]["exact_duplicates"]
    assert dropped == {"article": "crawl-6", "file": "crawl.warc.gz", "record": "record 6",
                       "same_as": "crawl-3", "by": "url"}
    assert len(set(g.subjects(SCHEMA.url, URIRef(BALTIC_URL)))) == 1
    assert not (out / "text" / "crawl-6.txt").exists()


def test_a_syndicated_story_is_linked_and_its_facts_are_not_counted_twice(warc_build):
    _, out, g = warc_build
    baltic, herald = article_by_url(g, BALTIC_URL), article_by_url(g, HERALD_URL)
    assert (herald, NKG.duplicateOf, baltic) in g and (baltic, NKG.duplicateOf, None) not in g
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert report["duplicates"]["near"] == 1
    assert report["duplicates"]["near_duplicates"][0]["article"] == "crawl-4"
    # one meeting, one attendee triple each, however many outlets printed the story ...
    (meeting,) = meetings_with(g, "Angela Merkel", "Dmitry Medvedev")
    # ... and each outlet is a source of it: its own evidence, its own publisher
    sources = {g.value(ev, PROV.wasDerivedFrom) for ev in g.subjects(RDF.subject, meeting)
               if g.value(ev, RDF.predicate) == SCHEMA.attendee}
    assert sources == {baltic, herald}
    assert g.value(baltic, SCHEMA.publisher) != g.value(herald, SCHEMA.publisher)
    # a query that leaves duplicates out counts the story once
    (row,) = g.query(PREFIXES + """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?ev rdf:subject ?m ; rdf:predicate schema:attendee ; prov:wasDerivedFrom ?a .
        FILTER NOT EXISTS { ?a nkg:duplicateOf ?original } }""", initBindings={"m": meeting})
    assert int(row.n) == 1


def test_warc_offsets_count_into_the_written_texts(warc_build):
    _, out, g = warc_build
    assert_offsets_hold(g, out)
    assert sorted(p.name for p in (out / "text").iterdir()) == ["crawl-3.txt", "crawl-4.txt", "crawl-5.txt"]


def test_a_truncated_warc_gz_keeps_the_records_before_the_cut_and_names_the_record(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole)
    data = whole.read_bytes()
    # cut the archive inside record 5 (the treaty page): records 1-4 are whole
    members, pos = [], 0
    while pos < len(data):
        d = __import__("zlib").decompressobj(16 + 15)
        d.decompress(data[pos:])
        end = len(data) - len(d.unused_data)
        members.append((pos, end))
        pos = end
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: members[4][0] + (members[4][1] - members[4][0]) // 2])
    log = ReadLog()
    articles = list(iter_articles(cut, load_ruleset(None), "cut", log=log))
    assert [a.url for a in articles] == [BALTIC_URL, HERALD_URL]
    assert len(log.problems) == 1 and log.problems[0].startswith(f"{cut}: record 5: ")
    kg = build([cut, FIXTURES / "sochi_dw.html"], tmp_path / "out", html=False)
    assert kg.report.read == 3 and any("cut.warc.gz: record 5" in s for s in kg.report.skipped)


def test_an_uncompressed_warc_is_read_too(tmp_path):
    write_warc(tmp_path / "plain.warc", gzip_it=False)
    articles = list(iter_articles(tmp_path / "plain.warc", load_ruleset(None), base_id(tmp_path / "plain.warc")))
    assert [a.id for a in articles] == ["plain-3", "plain-4", "plain-5", "plain-6"]


def test_a_file_that_is_not_a_warc_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(b"this is not a web archive\n" * 20))
    with pytest.raises(ArticleError, match="bad.warc.gz"):
        list(iter_articles(bad, load_ruleset(None), "bad"))


# --- JSONL and CSV ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    kg = build([FIXTURES / "corpus.jsonl", FIXTURES / "newsroom.csv"], out, html=False)
    return kg, out, graph_of(out)


@pytest.mark.parametrize("record, headline, date, url, publisher", [
    ("corpus-1", "Sikorski and Rice discuss interceptor base", "2008-02-12",
     "https://balticwire.example/2008/02/12/sikorski-rice-talks", "Baltic Wire"),
    ("corpus-3", "Czech leaders back radar talks", "2008-03-03",
     "https://continental.example/news/czech-radar-talks?utm_source=rss", "Continental Herald"),
    ("newsroom-1", "Medvedev and Sarkozy meet in Nice", "2008-11-14",
     "https://continental.example/news/nice-summit", "Continental Herald"),
    ("newsroom-3", "Gates and Serdyukov hold talks in Moscow", "2008-05-20",
     "https://balticwire.example/2008/05/20/gates-serdyukov", "Baltic Wire"),
])
def test_corpus_rows_give_headline_date_url_and_publisher(corpus_build, record, headline, date, url, publisher):
    _, _, g = corpus_build
    node = ID[f"article/{record}"]
    assert str(g.value(node, SCHEMA.headline)) == headline
    assert str(g.value(node, SCHEMA.datePublished)) == date
    assert str(g.value(node, SCHEMA.url)) == url
    assert str(g.value(g.value(node, SCHEMA.publisher), URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))) == publisher


def test_corpus_rows_record_their_file_and_line_or_row(corpus_build):
    _, _, g = corpus_build
    assert str(g.value(ID["article/corpus-3"], NKG.sourceRecord)) == "line 3"
    assert str(g.value(ID["article/corpus-3"], NKG.sourceFile)) == "corpus.jsonl"
    assert str(g.value(ID["article/newsroom-3"], NKG.sourceRecord)) == "row 3"
    assert str(g.value(ID["article/newsroom-3"], NKG.sourceFile)) == "newsroom.csv"


def test_corpus_people_and_meetings_are_found(corpus_build):
    _, _, g = corpus_build
    assert {"Radoslaw Sikorski", "Condoleezza Rice", "Mirek Topolanek", "Dmitry Medvedev",
            "Nicolas Sarkozy", "Robert Gates", "Anatoly Serdyukov"} <= people(g)
    for pair in (("Radoslaw Sikorski", "Condoleezza Rice"), ("Robert Gates", "Anatoly Serdyukov"),
                 ("Dmitry Medvedev", "Nicolas Sarkozy")):
        assert meetings_with(g, *pair), pair


def test_bad_lines_and_rows_are_reported_with_file_and_number_and_the_rest_is_built(corpus_build):
    kg, out, _ = corpus_build
    skipped = kg.report.skipped
    assert any("corpus.jsonl: line 2: not JSON (" in s for s in skipped)
    assert any("corpus.jsonl: line 4: no article text" in s for s in skipped)
    assert any("newsroom.csv: row 2 (line 4): 3 fields, the header has 5" in s for s in skipped)
    assert len(skipped) == 3 and kg.report.read == 4
    assert json.loads((out / "build-report.json").read_text(encoding="utf-8"))["problems"] == skipped


def test_corpus_offsets_count_into_the_written_texts(corpus_build):
    _, out, g = corpus_build
    assert_offsets_hold(g, out)


def test_fields_named_by_the_user_are_used(tmp_path):
    corpus = tmp_path / "feed.csv"
    with corpus.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["heading", "story", "when", "link", "outlet"],
                                  ["Radar treaty signed", "\n".join(TREATY), "July 8, 2008",
                                   "https://x.example/r", "Prague Post"]])
    kg = build([corpus], tmp_path / "out", html=False,
               fields={"text": "story", "headline": "heading", "date": "when", "url": "link", "source": "outlet"})
    g = graph_of(tmp_path / "out")
    node = ID["article/feed-1"]
    assert str(g.value(node, SCHEMA.headline)) == "Radar treaty signed"
    assert str(g.value(node, SCHEMA.datePublished)) == "2008-07-08"
    assert str(g.value(node, SCHEMA.url)) == "https://x.example/r"
    assert kg.report.skipped == []


def test_semicolon_csv_dotted_dates_and_unix_times_are_read(tmp_path):
    rules = load_ruleset(None)
    (tmp_path / "eu.csv").write_text("\ufefftitle;text;date\nRadar;" + TREATY[0].replace(",", "") + ";08.07.2008\n",
                                     encoding="utf-8")
    (article,) = iter_articles(tmp_path / "eu.csv", rules, "eu")
    assert (article.headline, str(article.date)) == ("Radar", "2008-07-08")
    (tmp_path / "feed.jsonl").write_text(json.dumps({"title": "Radar", "text": TREATY[0], "published": 1215511200})
                                         + "\n", encoding="utf-8")
    (article,) = iter_articles(tmp_path / "feed.jsonl", rules, "feed")
    assert str(article.date) == "2008-07-08"


def test_a_corpus_whose_rows_all_lack_text_is_one_clear_error(tmp_path):
    corpus = tmp_path / "titles.jsonl"
    corpus.write_text('{"title": "One"}\n{"title": "Two"}\n', encoding="utf-8")
    with pytest.raises(ArticleError, match=r"titles.jsonl: no article read \(2 records skipped; first: line 1"):
        list(iter_articles(corpus, load_ruleset(None), "titles"))


# --- all formats together, plain text untouched -------------------------------------------


def test_plain_text_articles_keep_their_ids_and_write_no_text_copy(tmp_path):
    seed = Path(__file__).resolve().parent.parent / "seeds" / "003_b61df39ee083bce4.txt"
    kg = build([seed, FIXTURES / "sochi_dw.html"], tmp_path / "out", html=False)
    g = graph_of(tmp_path / "out")
    assert (ID["article/003-b61df39ee083bce4"], NKG.sourceFile, Literal(seed.name)) in g
    assert (ID["article/003-b61df39ee083bce4"], NKG.sourceRecord, None) not in g
    assert sorted(p.name for p in (tmp_path / "out" / "text").iterdir()) == ["sochi-dw.txt"]
    assert kg.report.read == 2


def test_a_folder_is_searched_for_every_accepted_format(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("sochi_dw.html", "corpus.jsonl", "newsroom.csv"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    write_warc(folder / "crawl.warc.gz")
    (folder / "notes.md").write_text("not an article", encoding="utf-8")
    kg = build([folder], tmp_path / "out", html=False)
    assert kg.report.read == 1 + 2 + 2 + 4
    assert len(set(graph_of(tmp_path / "out").subjects(RDF.type, SCHEMA.NewsArticle))) == 1 + 2 + 2 + 3


def test_two_builds_of_the_same_inputs_write_the_same_bytes(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz")
    inputs = [tmp_path / "crawl.warc.gz", FIXTURES / "corpus.jsonl"]
    build(inputs, tmp_path / "a", html=False)
    build(inputs, tmp_path / "b", html=False)
    for name in ("graph.ttl", "build-report.json", "text/crawl-4.txt", "text/corpus-1.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_doctests_of_the_module_pass():
    import doctest

    import kg.formats
    assert doctest.testmod(kg.formats).failed == 0
