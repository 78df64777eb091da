"""Tests of kg.evaluate: a small invented article, its gold, and graphs that get it right or wrong.

The graphs are Turtle written here; each test changes the perfect graph in one way
and checks that exactly the expected figure moves. The last tests run the project's
independent judge (shared/eval/score.py) on the same inputs when it is present.
"""
from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef

import kg.evaluate
from kg.errors import EvaluationError, KgError
from kg.evaluate import (
    NKG, PROV, SDO, Evaluation, evaluate, format_table, load_gold, parse_gold, read_graph, to_json,
)

JUDGE = Path("/work/shared/eval/score.py")
SEEDS_GOLD = Path(__file__).parent / "gold" / "seeds.toml"
ID = rdflib.Namespace("https://w3id.org/newskg/id/")

ARTICLE_FILE = "a1_moscow.txt"
MEETING_SENTENCE = ("Russian Foreign Minister Sergey Lavrov met U.S. Secretary of State "
                    "Condoleezza Rice for talks in Moscow on Monday.")
STANCE_SENTENCE = "Russia opposes the missile shield."
# Curly quotes: offsets count code points, not UTF-8 bytes, and these are 3 bytes each.
QUOTE_SENTENCE = "\u201cWe discussed the shield openly,\u201d Lavrov said."
ARTICLE_TEXT = (f"Lavrov and Rice meet in Moscow\nMarch 18, 2008\n\n"
                f"{MEETING_SENTENCE} {STANCE_SENTENCE} {QUOTE_SENTENCE}\n")

GOLD_TOML = """\
[[article]]
key = "a1"
file = "a1_moscow.txt"
headline = "Lavrov and Rice meet in Moscow"
date = "2008-03-18"

[[entity]]
id = "lavrov"
kind = "Person"
names = ["Sergey Lavrov", "Lavrov", "Sergei Lavrov"]
articles = ["a1"]

[[entity]]
id = "rice"
kind = "Person"
names = ["Condoleezza Rice", "Rice"]
articles = ["a1"]

[[entity]]
id = "russia"
kind = "Country"
names = ["Russia", "Russian Federation"]
articles = ["a1"]

[[entity]]
id = "moscow"
kind = "City"
names = ["Moscow"]
articles = ["a1"]

[[entity]]
id = "shield"
kind = "DefenseSystem"
names = ["missile shield", "missile defense shield"]
articles = ["a1"]

[[entity]]
id = "kremlin"
kind = "Organization"
names = ["Kremlin", "The Kremlin"]
optional = true

[[meeting]]
id = "moscow-talks"
names = ["talks in Moscow", "Moscow talks"]
attendees = ["lavrov", "rice"]
location = ["moscow"]
date = ["2008-03-17"]

[[position]]
person = "lavrov"
titles = ["foreign minister"]
of = "russia"

[[position]]
person = "rice"
titles = ["secretary of state"]
of = ""

[[fact]]
p = "opposes"
pairs = [["russia", "shield"]]

[[quotes]]
items = [["lavrov", "a1", "We discussed the shield openly"]]
"""

PREFIXES = """\
@prefix schema: <https://schema.org/> .
@prefix nkg: <https://w3id.org/newskg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix article: <https://w3id.org/newskg/id/article/> .
@prefix person: <https://w3id.org/newskg/id/person/> .
@prefix country: <https://w3id.org/newskg/id/country/> .
@prefix city: <https://w3id.org/newskg/id/city/> .
@prefix system: <https://w3id.org/newskg/id/system/> .
@prefix position: <https://w3id.org/newskg/id/position/> .
@prefix meeting: <https://w3id.org/newskg/id/meeting/> .
@prefix quote: <https://w3id.org/newskg/id/quote/> .
@prefix evidence: <https://w3id.org/newskg/id/evidence/> .
@prefix organization: <https://w3id.org/newskg/id/organization/> .
@prefix site: <https://w3id.org/newskg/id/site/> .
@prefix proposal: <https://w3id.org/newskg/id/proposal/> .
"""

# Everything the gold asks for, once, and nothing else.
PERFECT_NODES = """\
article:a1_moscow a schema:NewsArticle ;
    nkg:sourceFile "a1_moscow.txt" ;
    schema:headline "Lavrov and Rice meet in Moscow" ;
    schema:datePublished "2008-03-18"^^xsd:date ;
    schema:mentions person:sergey-lavrov, person:condoleezza-rice, country:russia,
        city:moscow, system:missile-shield .

person:sergey-lavrov a schema:Person ;
    rdfs:label "Sergey Lavrov" ;
    schema:alternateName "Lavrov" ;
    nkg:holdsPosition position:sergey-lavrov--foreign-minister--russia .
position:sergey-lavrov--foreign-minister--russia a nkg:Position ;
    nkg:roleTitle "foreign minister" ;
    nkg:ofCountry country:russia .

person:condoleezza-rice a schema:Person ;
    rdfs:label "Condoleezza Rice" ;
    nkg:holdsPosition position:condoleezza-rice--secretary-of-state .
position:condoleezza-rice--secretary-of-state a nkg:Position ;
    nkg:roleTitle "secretary of state" .

country:russia a schema:Country ;
    rdfs:label "Russia" ;
    nkg:opposes system:missile-shield .
city:moscow a schema:City ;
    rdfs:label "Moscow" .
system:missile-shield a nkg:DefenseSystem ;
    rdfs:label "missile shield" .

meeting:talks-in-moscow a nkg:Meeting ;
    rdfs:label "talks in Moscow" ;
    schema:attendee person:sergey-lavrov, person:condoleezza-rice ;
    schema:location city:moscow ;
    schema:startDate "2008-03-17"^^xsd:date .

quote:a1_moscow-1 a nkg:Quote ;
    nkg:speaker person:sergey-lavrov ;
    nkg:text "We discussed the shield openly," ;
    prov:wasDerivedFrom article:a1_moscow .
"""

EVIDENCE_TEMPLATE = """\
evidence:{name} a nkg:Evidence ;
    rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
    prov:wasDerivedFrom article:a1_moscow ;
    nkg:sentence "{sentence}" ;
    nkg:charStart {start} ; nkg:charEnd {end} ;
    nkg:rule "test.{name}" .
"""

# One evidence node for each of the 8 triples that the contract says need one.
EVIDENCE = [
    ("attendee-lavrov", "meeting:talks-in-moscow", "schema:attendee", "person:sergey-lavrov",
     MEETING_SENTENCE),
    ("attendee-rice", "meeting:talks-in-moscow", "schema:attendee", "person:condoleezza-rice",
     MEETING_SENTENCE),
    ("location", "meeting:talks-in-moscow", "schema:location", "city:moscow", MEETING_SENTENCE),
    ("date", "meeting:talks-in-moscow", "schema:startDate", '"2008-03-17"^^xsd:date',
     MEETING_SENTENCE),
    ("position-lavrov", "person:sergey-lavrov", "nkg:holdsPosition",
     "position:sergey-lavrov--foreign-minister--russia", MEETING_SENTENCE),
    ("position-rice", "person:condoleezza-rice", "nkg:holdsPosition",
     "position:condoleezza-rice--secretary-of-state", MEETING_SENTENCE),
    ("opposes", "country:russia", "nkg:opposes", "system:missile-shield", STANCE_SENTENCE),
    ("speaker", "quote:a1_moscow-1", "nkg:speaker", "person:sergey-lavrov", QUOTE_SENTENCE),
]


def evidence_turtle() -> str:
    blocks = []
    for name, s, p, o, sentence in EVIDENCE:
        start = ARTICLE_TEXT.index(sentence)
        blocks.append(EVIDENCE_TEMPLATE.format(
            name=name, s=s, p=p, o=o, sentence=sentence.replace('"', '\\"'),
            start=start, end=start + len(sentence)))
    return "\n".join(blocks)


PERFECT_TTL = PREFIXES + "\n" + PERFECT_NODES + "\n" + evidence_turtle()
LAVROV = ID["person/sergey-lavrov"]
RICE = ID["person/condoleezza-rice"]


@pytest.fixture
def gold():
    return parse_gold(GOLD_TOML, source="small.toml")


@pytest.fixture
def graph():
    """The perfect graph, to be spoilt by each test."""
    return rdflib.Graph().parse(data=PERFECT_TTL, format="turtle")


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / ARTICLE_FILE).write_text(ARTICLE_TEXT, encoding="utf-8")
    return folder


def figures(evaluation: Evaluation, part: str) -> tuple[int, int, int]:
    score = evaluation.parts[part]
    return score.tp, score.fp, score.fn


def add_person(graph: rdflib.Graph, slug: str, label: str) -> URIRef:
    node = ID[f"person/{slug}"]
    graph.add((node, RDF.type, SDO.Person))
    graph.add((node, RDFS.label, Literal(label)))
    return node


# ---------------------------------------------------------------- scoring

def test_perfect_graph_scores_one_everywhere(graph, gold, articles):
    result = evaluate(graph, gold, articles_dir=articles)

    assert list(result.parts) == [
        "entities", "mentions", "articles", "meetings", "meeting attendees", "meeting locations",
        "meeting dates", "positions", "position of", "facts", "quotes"]
    assert {name: score.f1 for name, score in result.parts.items()} == dict.fromkeys(result.parts, 1.0)
    assert result.overall_f1 == 1.0
    assert (result.evidence.facts, result.evidence.with_evidence) == (8, 8)
    assert (result.evidence.offsets_checked, result.evidence.offsets_valid) == (8, 8)
    assert result.errors == {}


def test_missing_entity_lowers_entity_recall_by_one_of_five(graph, gold):
    graph.remove((ID["city/moscow"], None, None))

    result = evaluate(graph, gold)

    assert figures(result, "entities") == (4, 0, 1)
    assert result.parts["entities"].recall == pytest.approx(4 / 5)
    assert result.parts["entities"].precision == 1.0
    assert result.parts["entities"].breakdown["City"].recall == 0.0
    assert result.errors["entities: missed"] == ["City moscow"]


def test_duplicate_node_counts_as_false_positive(graph, gold):
    add_person(graph, "lavrov", "Lavrov")

    result = evaluate(graph, gold)

    assert figures(result, "entities") == (5, 1, 0)
    assert result.parts["entities"].precision == pytest.approx(5 / 6)
    assert len(result.errors["entities: duplicate"]) == 1
    assert result.errors["entities: duplicate"][0].endswith("= lavrov")


def test_optional_entity_is_neither_missed_nor_spurious(graph, gold):
    absent = evaluate(graph, gold)
    kremlin = ID["organization/kremlin"]
    graph.add((kremlin, RDF.type, SDO.GovernmentOrganization))
    graph.add((kremlin, RDFS.label, Literal("Kremlin")))
    # A second node for an optional entity is no duplicate either.
    graph.add((ID["organization/the-kremlin"], RDF.type, SDO.Organization))
    graph.add((ID["organization/the-kremlin"], RDFS.label, Literal("the Kremlin")))
    graph.add((ID["article/a1_moscow"], SDO.mentions, kremlin))

    present = evaluate(graph, gold)

    assert figures(absent, "entities") == figures(present, "entities") == (5, 0, 0)
    assert figures(absent, "mentions") == figures(present, "mentions") == (5, 0, 0)
    assert present.errors == {}


@pytest.mark.parametrize("label, matches", [
    ("Mr. Lavrov", True),
    ("Minister Lavrov", True),
    ("SERGÉY LAVROV", True),
    ("Mr. Lavrovsky", False),
])
def test_alias_matching_ignores_honorifics_case_and_accents(graph, gold, label, matches):
    graph.remove((LAVROV, RDFS.label, None))
    graph.remove((LAVROV, SDO.alternateName, None))
    graph.add((LAVROV, RDFS.label, Literal(label)))

    result = evaluate(graph, gold)

    assert figures(result, "entities") == ((5, 0, 0) if matches else (4, 1, 1))


def test_label_match_claims_entity_before_alternate_name_match(graph, gold):
    # This node's label names no one; only its alternate name "Lavrov" matches. Sorted
    # by IRI it comes first, yet the real node, matched by its label, keeps the entity.
    stray = add_person(graph, "aaa-stray", "Somebody")
    graph.add((stray, SDO.alternateName, Literal("Lavrov")))

    result = evaluate(graph, gold)

    assert figures(result, "entities") == (5, 1, 0)
    assert result.errors["entities: duplicate"] == ["Person 'Somebody' = lavrov"]


def test_quote_attributed_to_wrong_speaker_is_spurious(graph, gold):
    quote = ID["quote/a1_moscow-1"]
    graph.set((quote, NKG.speaker, RICE))

    result = evaluate(graph, gold)

    assert figures(result, "quotes") == (0, 1, 1)
    assert len(result.errors["quotes: spurious or misattributed"]) == 1
    assert result.errors["quotes: missed"] == ["lavrov a1 'we discussed the shield openly'"]


@pytest.mark.parametrize("graph_text, found", [
    ("We discussed the shield openly, frankly and at some length.", True),
    ("We discussed the shield openly,", False),
])
def test_quote_matches_on_the_first_forty_characters_of_the_gold_text(graph, graph_text, found):
    gold = parse_gold(GOLD_TOML.replace(
        '"We discussed the shield openly"]', '"We discussed the shield openly, frankly and at length"]'))
    graph.set((ID["quote/a1_moscow-1"], NKG.text, Literal(graph_text)))

    assert figures(evaluate(graph, gold), "quotes") == ((1, 0, 0) if found else (0, 1, 1))


def test_quote_from_another_article_is_spurious(graph, gold):
    graph.set((ID["quote/a1_moscow-1"], PROV.wasDerivedFrom, ID["article/other"]))

    assert figures(evaluate(graph, gold), "quotes") == (0, 1, 1)


def test_meeting_attendee_missing_and_extra(graph, gold):
    meeting = ID["meeting/talks-in-moscow"]
    graph.remove((meeting, SDO.attendee, RICE))
    graph.add((meeting, SDO.attendee, add_person(graph, "nobody", "Nobody Known")))

    result = evaluate(graph, gold)

    assert figures(result, "meetings") == (1, 0, 0)
    assert figures(result, "meeting attendees") == (1, 1, 1)
    assert result.errors["meetings: attendees"] == ["moscow-talks: extra ['?Nobody Known'] missing ['rice']"]


def test_position_with_wrong_country_is_found_but_its_country_is_wrong(graph, gold):
    position = ID["position/sergey-lavrov--foreign-minister--russia"]
    graph.set((position, NKG.ofCountry, ID["city/moscow"]))

    result = evaluate(graph, gold)

    # The gold wants Russia; "Moscow" the city names no position of Lavrov's.
    assert figures(result, "positions") == (1, 1, 1)
    assert figures(result, "position of") == (0, 0, 0)


def test_article_date_not_in_gold_is_spurious(graph, gold):
    graph.add((ID["article/a1_moscow"], SDO.datePublished, Literal("2008-03-19", datatype=rdflib.XSD.date)))

    assert figures(evaluate(graph, gold), "articles") == (2, 1, 0)


def test_evidence_with_wrong_offsets_is_reported_invalid(graph, gold, articles):
    evidence = ID["evidence/opposes"]
    start = int(graph.value(evidence, NKG.charStart))
    end = int(graph.value(evidence, NKG.charEnd))
    graph.set((evidence, NKG.charStart, Literal(start + 1)))
    graph.set((evidence, NKG.charEnd, Literal(end + 1)))

    result = evaluate(graph, gold, articles_dir=articles)

    assert (result.evidence.offsets_checked, result.evidence.offsets_valid) == (8, 7)
    assert result.evidence.offset_validity == pytest.approx(7 / 8)
    # The article node has no label, so the message names it by IRI.
    assert result.errors["evidence: offsets"] == [f"{ID['article/a1_moscow']} [{start + 1}:{end + 1}]"]


def test_offsets_are_checked_only_when_the_articles_are_given(graph, gold):
    result = evaluate(graph, gold)

    assert result.evidence.offsets_checked == 0
    assert result.evidence.coverage == 1.0


def test_fact_without_evidence_lowers_coverage(graph, gold):
    graph.remove((ID["evidence/opposes"], None, None))

    result = evaluate(graph, gold)

    assert (result.evidence.facts, result.evidence.with_evidence) == (8, 7)


# ---------------------------------------------------------------- inputs

def test_graph_may_be_a_file_a_build_folder_or_trig(graph, gold, tmp_path):
    expected = to_json(evaluate(graph, gold))
    build = tmp_path / "out"
    build.mkdir()
    (build / "graph.ttl").write_text(PERFECT_TTL, encoding="utf-8")
    dataset = rdflib.Dataset()
    for i, triple in enumerate(sorted(graph)):  # spread over two named graphs
        dataset.graph(URIRef(f"urn:part:{i % 2}")).add(triple)
    trig = tmp_path / "graph.trig"
    dataset.serialize(trig, format="trig")

    assert to_json(evaluate(build / "graph.ttl", gold)) == expected
    assert to_json(evaluate(build, gold)) == expected
    assert to_json(evaluate(str(trig), gold)) == expected
    assert to_json(evaluate(dataset, gold)) == expected


def test_gold_may_be_a_path(graph, tmp_path):
    path = tmp_path / "gold.toml"
    path.write_text(GOLD_TOML, encoding="utf-8")

    assert evaluate(graph, path).overall_f1 == 1.0
    assert evaluate(graph, str(path)).overall_f1 == 1.0


def test_missing_gold_file_is_an_evaluation_error_naming_it(graph, tmp_path):
    missing = tmp_path / "nowhere.toml"

    with pytest.raises(EvaluationError, match="nowhere.toml: no such gold file"):
        evaluate(graph, missing)


def test_unparsable_gold_names_file_and_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[[entity]]\nid = "x"\nkind = Person\n', encoding="utf-8")

    with pytest.raises(EvaluationError) as caught:
        load_gold(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML")
    assert "line 3" in message
    assert "\n" not in message


@pytest.mark.parametrize("toml, problem", [
    ('[[entity]]\nid = "x"\nnames = ["X"]\n', "[[entity]] number 1: missing key 'kind'"),
    ('[[article]]\nkey = "a"\nfile = "a.txt"\nheadline = "H"\ndate = 2008-03-18\n',
     "'date' must be a quoted string"),
    ('[[fact]]\np = "likes"\npairs = []\n', "unknown property 'likes'"),
    ('[[fact]]\np = "opposes"\npairs = [["a", "b", "c"]]\n', "'pairs' must be a list of"),
    ('[[entity]]\nid = "x"\nkind = "Person"\nnames = ["X"]\n' * 2, "two [[entity]] tables have the id 'x'"),
    ('[[quotes]]\nitems = []\n[[quotes]]\nitems = []\n', "more than one [[quotes]] table"),
])
def test_malformed_gold_is_refused_with_one_line(toml, problem):
    with pytest.raises(EvaluationError) as caught:
        parse_gold(toml, source="g.toml")

    assert problem in str(caught.value)
    assert str(caught.value).startswith("g.toml: ")
    assert "\n" not in str(caught.value)


def test_unparsable_graph_names_the_file(gold, tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text(PREFIXES + 'person:a a "unterminated .\n', encoding="utf-8")
    bad_line = PREFIXES.count("\n") + 1

    with pytest.raises(EvaluationError) as caught:
        evaluate(path, gold)

    message = str(caught.value)
    assert message.startswith(f"{path}: not valid turtle: line {bad_line}: ")
    assert "\n" not in message


def test_missing_graph_and_folder_without_graph_are_errors(gold, tmp_path):
    with pytest.raises(EvaluationError, match="no such graph file"):
        read_graph(tmp_path / "graph.nt")
    with pytest.raises(EvaluationError, match="no graph.ttl in this folder"):
        read_graph(tmp_path)


def test_missing_articles_folder_is_an_error(graph, gold, tmp_path):
    with pytest.raises(KgError, match="no such articles folder"):
        evaluate(graph, gold, articles_dir=tmp_path / "absent")


def test_seeds_gold_copy_reads_whole():
    seeds = load_gold(SEEDS_GOLD)

    assert [a.key for a in seeds.articles] == ["000", "001", "002", "003", "004"]
    assert (len(seeds.entities), sum(e.optional for e in seeds.entities)) == (66, 14)
    assert (len(seeds.meetings), len(seeds.positions), len(seeds.facts)) == (9, 16, 9)
    assert (len(seeds.quotes), len(seeds.optional_quotes)) == (32, 18)


# ---------------------------------------------------------------- output

def test_format_table_prints_the_judge_layout(graph, gold):
    graph.remove((ID["city/moscow"], None, None))
    result = evaluate(graph, gold)

    plain = format_table(result).splitlines()
    detailed = format_table(result, show_errors=True).splitlines()

    assert plain[0] == "part                      P      R     F1   tp/fp/fn"
    assert plain[1] == "entities              1.000  0.800  0.889   4/0/1"
    assert plain[2] == "  Person              1.000  1.000  1.000   2/0/0"
    assert plain[-2] == "evidence: 8/8 facts covered (1.000); offsets valid 0/0"
    assert plain[-1].startswith("overall F1 = 0.")
    assert "## entities: missed (1)" in detailed
    assert "  City moscow" in detailed
    assert detailed[-1] == plain[-1]


def test_to_json_rounds_to_three_places_and_serialises(graph, gold):
    add_person(graph, "lavrov", "Lavrov")
    figures_ = to_json(evaluate(graph, gold))

    assert json.loads(json.dumps(figures_)) == figures_
    assert figures_["entities"]["precision"] == 0.833
    assert figures_["entities"]["by_kind"]["Person"] == {
        "tp": 2, "fp": 1, "fn": 0, "precision": 0.667, "recall": 1.0, "f1": 0.8}
    assert set(figures_["facts"]["by_property"]) >= {"opposes", "affiliation", "aimedAt"}
    assert list(figures_)[-2:] == ["evidence", "overall_f1"]


def test_docstring_examples_hold():
    outcome = doctest.testmod(kg.evaluate)

    assert outcome.attempted > 0
    assert outcome.failed == 0


# ---------------------------------------------------------------- against the judge

def messy_small_graph() -> rdflib.Graph:
    """The perfect graph with one of most kinds of mistake."""
    graph = rdflib.Graph().parse(data=PERFECT_TTL, format="turtle")
    add_person(graph, "lavrov", "Mr. Lavrov")                        # duplicate
    stray = add_person(graph, "putin", "Vladimir Putin")              # not in the gold
    graph.set((ID["quote/a1_moscow-1"], NKG.speaker, RICE))           # misattributed
    graph.set((ID["evidence/opposes"], NKG.charStart, Literal(3)))    # bad offsets
    graph.add((ID["article/a1_moscow"], SDO.mentions, stray))
    extra_meeting = ID["meeting/press-conference"]
    graph.add((extra_meeting, RDF.type, NKG.Meeting))
    graph.add((extra_meeting, RDFS.label, Literal("press conference")))
    graph.add((extra_meeting, SDO.attendee, stray))
    graph.set((ID["position/sergey-lavrov--foreign-minister--russia"], NKG.ofCountry, ID["city/moscow"]))
    graph.add((ID["city/moscow"], SDO.containedInPlace, ID["country/russia"]))  # not a site: unscored
    graph.add((stray, NKG.supports, ID["system/missile-shield"]))
    return graph


SEEDS_TTL = PREFIXES + """
@prefix ex: <http://example.org/> .
ex:Leader rdfs:subClassOf schema:Person .

article:000 a schema:NewsArticle ; nkg:sourceFile "000_985a7a3cdeee226b.txt" ;
    schema:headline "New Opening" ; schema:datePublished "2008-03-18"^^xsd:date ;
    schema:mentions person:vladimir-putin, person:putin, country:russia, organization:kremlin .
article:004 a schema:NewsArticle ; nkg:sourceFile "004_15dcc5f5828def9b.txt" ;
    schema:headline "Bush and Putin" ;
    schema:mentions person:george-w-bush, city:sochi .

person:vladimir-putin a ex:Leader ; rdfs:label "Vladimir Putin" ;
    nkg:holdsPosition position:putin--president--russia .
person:putin a schema:Person ; rdfs:label "President Putin" .
person:george-w-bush a schema:Person ; rdfs:label "George W. Bush" ;
    nkg:holdsPosition position:bush--president .
person:dmitry-medvedev a schema:Person ; schema:alternateName "Dmitri Medvedev" ;
    nkg:successorOf person:vladimir-putin .
country:russia a schema:Country ; rdfs:label "Russia" ; schema:alternateName "Moscow" ;
    nkg:opposes system:missile-shield .
country:poland a schema:Country ; rdfs:label "Poland" .
city:sochi a schema:City ; rdfs:label "Sochi" .
organization:kremlin a schema:GovernmentOrganization ; rdfs:label "Kremlin" .
system:missile-shield a nkg:DefenseSystem ; rdfs:label "missile shield" ;
    nkg:aimedAt country:iran-unknown .
site:interceptor-site a nkg:Site, schema:Place ; rdfs:label "interceptor site in Poland" ;
    schema:containedInPlace country:poland ; nkg:partOf system:missile-shield .
proposal:azerbaijan a nkg:Proposal ; rdfs:label "joint radar in Azerbaijan" ;
    schema:location country:azerbaijan .
country:azerbaijan a schema:Country ; rdfs:label "Azerbaijan" .

position:putin--president--russia nkg:roleTitle "president" ; nkg:ofCountry country:russia .
position:bush--president nkg:roleTitle "US president" .

meeting:sochi a nkg:Meeting ; rdfs:label "Sochi summit" ;
    schema:attendee person:george-w-bush, person:vladimir-putin ;
    schema:location city:sochi ; schema:startDate "2008-04-06"^^xsd:date .
meeting:nato a nkg:Meeting ; rdfs:label "NATO summit" ; schema:attendee person:george-w-bush .
meeting:lunch a nkg:Meeting ; rdfs:label "lunch" .

quote:000-1 a nkg:Quote ; nkg:speaker person:vladimir-putin ; prov:wasDerivedFrom article:000 ;
    nkg:text "It is a serious document which we have carefully analyzed" .
quote:000-2 a nkg:Quote ; nkg:speaker person:george-w-bush ; prov:wasDerivedFrom article:000 ;
    nkg:text "We had a positive spirit yesterday" .
"""


def run_judge(graph_file: Path, gold_file: Path, articles: Path | None, out: Path) -> str:
    command = [sys.executable, str(JUDGE), str(graph_file), str(gold_file), "--json", str(out)]
    if articles is not None:
        command += ["--articles", str(articles)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("case", ["perfect", "messy", "seeds"])
def test_same_figures_and_table_as_the_judge(case, articles, tmp_path):
    if not JUDGE.exists():
        pytest.skip(f"{JUDGE} is not here (it is outside the repository)")
    gold_file = tmp_path / "gold.toml"
    gold_file.write_text(GOLD_TOML, encoding="utf-8")
    graph_file = tmp_path / "graph.ttl"
    if case == "perfect":
        graph_file.write_text(PERFECT_TTL, encoding="utf-8")
    elif case == "messy":
        messy_small_graph().serialize(graph_file, format="turtle")
    else:
        gold_file, articles = SEEDS_GOLD, None
        graph_file.write_text(SEEDS_TTL, encoding="utf-8")
    judge_json = tmp_path / "judge.json"

    judge_table = run_judge(graph_file, gold_file, articles, judge_json)
    ours = evaluate(graph_file, gold_file, articles_dir=articles)

    assert to_json(ours) == json.loads(judge_json.read_text(encoding="utf-8"))
    assert format_table(ours) + "\n" == judge_table
    if case != "perfect":  # the comparison means something only if the graph has faults
        assert ours.overall_f1 < 1.0
