"""Tests for kg/validate.py and the shapes and ontology it runs.

A small hand-written graph that follows docs/graph-contract.md must conform;
each mutation in MUTATIONS breaks one rule of the contract and must be reported
with a message a reader understands.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

from kg.errors import GraphError
from kg.validate import ValidationReport, Violation, ontology_dir, validate

SCHEMA = Namespace("https://schema.org/")
NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = Namespace("https://w3id.org/newskg/id/")
# Plain Namespaces rather than rdflib's closed XSD/OWL, whose attribute lookups
# warn when pytest inspects this module.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")

LAVROV = ID["person/sergey-lavrov"]
RUSSIA = ID["country/russia"]
ARTICLE = ID["article/001"]
MEETING = ID["meeting/lavrov-rice-talks-2008-05"]
QUOTE = ID["quote/001-1"]
POSITION = ID["position/sergey-lavrov--foreign-minister--russia"]
EVIDENCE_ATTENDEE = ID["evidence/0a1b2c3d4e5f6a7b"]

# A graph that keeps every rule of the contract: entities with one label each,
# an article, a meeting whose attendee fact has evidence with offsets, a quote
# and a position, both with the evidence their facts need.
CONFORMING_TURTLE = """
@prefix schema:   <https://schema.org/> .
@prefix nkg:      <https://w3id.org/newskg/ontology#> .
@prefix prov:     <http://www.w3.org/ns/prov#> .
@prefix rdf:      <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:      <http://www.w3.org/2002/07/owl#> .
@prefix xsd:      <http://www.w3.org/2001/XMLSchema#> .
@prefix person:   <https://w3id.org/newskg/id/person/> .
@prefix country:  <https://w3id.org/newskg/id/country/> .
@prefix article:  <https://w3id.org/newskg/id/article/> .
@prefix meeting:  <https://w3id.org/newskg/id/meeting/> .
@prefix quote:    <https://w3id.org/newskg/id/quote/> .
@prefix position: <https://w3id.org/newskg/id/position/> .
@prefix evidence: <https://w3id.org/newskg/id/evidence/> .

person:sergey-lavrov a schema:Person ;
    rdfs:label "Sergey Lavrov" ;
    schema:alternateName "Lavrov" , "Sergei Lavrov" ;
    owl:sameAs <http://www.wikidata.org/entity/Q52686> ;
    nkg:holdsPosition position:sergey-lavrov--foreign-minister--russia .

country:russia a schema:Country ;
    rdfs:label "Russia" .

article:001 a schema:NewsArticle ;
    nkg:sourceFile "001.txt" ;
    schema:headline "Lavrov holds talks on missile shield" ;
    schema:datePublished "2008-05-07"^^xsd:date ;
    schema:mentions person:sergey-lavrov , country:russia , meeting:lavrov-rice-talks-2008-05 .

meeting:lavrov-rice-talks-2008-05 a nkg:Meeting ;
    rdfs:label "Lavrov talks, May 2008" ;
    nkg:meetingKind "talks" ;
    schema:startDate "2008-05"^^xsd:gYearMonth ;
    schema:attendee person:sergey-lavrov .

evidence:0a1b2c3d4e5f6a7b a nkg:Evidence ;
    rdf:subject meeting:lavrov-rice-talks-2008-05 ;
    rdf:predicate schema:attendee ;
    rdf:object person:sergey-lavrov ;
    prov:wasDerivedFrom article:001 ;
    nkg:sentence "Sergey Lavrov held talks in May." ;
    nkg:charStart 40 ;
    nkg:charEnd 72 ;
    nkg:rule "meeting.talks-with" .

evidence:2a1b2c3d4e5f6a7b a nkg:Evidence ;
    rdf:subject meeting:lavrov-rice-talks-2008-05 ;
    rdf:predicate schema:startDate ;
    rdf:object "2008-05"^^xsd:gYearMonth ;
    prov:wasDerivedFrom article:001 ;
    nkg:sentence "Sergey Lavrov held talks in May." ;
    nkg:charStart 40 ;
    nkg:charEnd 72 ;
    nkg:rule "date.month-name" .

quote:001-1 a nkg:Quote ;
    nkg:text "We will respond" ;
    nkg:speaker person:sergey-lavrov ;
    prov:wasDerivedFrom article:001 ;
    nkg:charStart 90 ;
    nkg:charEnd 105 .

evidence:1a1b2c3d4e5f6a7b a nkg:Evidence ;
    rdf:subject quote:001-1 ;
    rdf:predicate nkg:speaker ;
    rdf:object person:sergey-lavrov ;
    prov:wasDerivedFrom article:001 ;
    nkg:sentence "\\"We will respond,\\" Lavrov said." ;
    nkg:charStart 89 ;
    nkg:charEnd 119 ;
    nkg:rule "quote.said-after" .

position:sergey-lavrov--foreign-minister--russia a nkg:Position ;
    nkg:roleTitle "foreign minister" ;
    nkg:ofCountry country:russia ;
    nkg:observedOn "2008-05-07"^^xsd:date .

# A gazetteer-only fact: no sentence, no offsets, the gazetteer named.
evidence:3a1b2c3d4e5f6a7b a nkg:Evidence ;
    rdf:subject person:sergey-lavrov ;
    rdf:predicate nkg:holdsPosition ;
    rdf:object position:sergey-lavrov--foreign-minister--russia ;
    prov:wasDerivedFrom article:001 ;
    nkg:rule "gazetteer.offices" ;
    nkg:gazetteer "offices.toml: Sergey Lavrov, foreign minister of Russia" .
"""

# The predicates whose every triple needs an evidence node, as the contract's
# Evidence section lists them.
EVIDENCE_PREDICATES = [
    SCHEMA.attendee,
    SCHEMA.location,
    SCHEMA.startDate,
    NKG.holdsPosition,
    SCHEMA.affiliation,
    NKG.successorOf,
    NKG.opposes,
    NKG.supports,
    NKG.proposed,
    SCHEMA.containedInPlace,
    NKG.partOf,
    NKG.aimedAt,
    NKG.speaker,
]


def conforming_graph() -> Graph:
    """Give a fresh copy of the conforming graph, for a test to mutate."""
    return Graph().parse(data=CONFORMING_TURTLE, format="turtle")


def replace(graph: Graph, subject: URIRef, predicate: URIRef, new_object) -> None:
    """Set the only value of subject's predicate to new_object."""
    graph.set((subject, predicate, new_object))


def prefixed(predicate: URIRef) -> str:
    """Give a schema: or nkg: IRI as the prefixed name violations use."""
    for prefix, namespace in (("schema", SCHEMA), ("nkg", NKG)):
        if predicate.startswith(str(namespace)):
            return f"{prefix}:{predicate[len(namespace):]}"
    raise ValueError(predicate)


def remove_node(graph: Graph, node: URIRef) -> None:
    """Drop every triple about node."""
    graph.remove((node, None, None))


# (case id, mutation, node the violation is about, message fragment)
MUTATIONS: list[tuple[str, Callable[[Graph], None], URIRef, str]] = [
    (
        "entity-with-two-labels",
        lambda g: g.add((LAVROV, RDFS.label, Literal("Lavrov"))),
        LAVROV,
        "an entity must have exactly one rdfs:label",
    ),
    (
        "entity-without-label",
        lambda g: g.remove((RUSSIA, RDFS.label, None)),
        RUSSIA,
        "an entity must have exactly one rdfs:label",
    ),
    (
        "label-with-language-tag",
        lambda g: replace(g, RUSSIA, RDFS.label, Literal("Russia", lang="en")),
        RUSSIA,
        "rdfs:label must be a plain string",
    ),
    (
        "attendee-fact-without-evidence",
        lambda g: remove_node(g, EVIDENCE_ATTENDEE),
        MEETING,
        f"fact without evidence: <{MEETING}> <{SCHEMA.attendee}> <{LAVROV}>",
    ),
    (
        "evidence-not-typed-as-evidence",
        lambda g: g.remove((EVIDENCE_ATTENDEE, RDF.type, NKG.Evidence)),
        MEETING,
        f"fact without evidence: <{MEETING}> <{SCHEMA.attendee}> <{LAVROV}>",
    ),
    (
        "evidence-for-another-object",
        lambda g: replace(g, EVIDENCE_ATTENDEE, RDF.object, RUSSIA),
        MEETING,
        f"fact without evidence: <{MEETING}> <{SCHEMA.attendee}> <{LAVROV}>",
    ),
    (
        "start-date-fact-without-evidence",
        lambda g: remove_node(g, ID["evidence/2a1b2c3d4e5f6a7b"]),
        MEETING,
        f'fact without evidence: <{MEETING}> <{SCHEMA.startDate}> "2008-05"',
    ),
    (
        "date-published-as-plain-string",
        lambda g: replace(g, ARTICLE, SCHEMA.datePublished, Literal("2008-05-07")),
        ARTICLE,
        "schema:datePublished must be a single xsd:date",
    ),
    (
        "article-without-source-file",
        lambda g: g.remove((ARTICLE, NKG.sourceFile, None)),
        ARTICLE,
        "an article must have exactly one nkg:sourceFile",
    ),
    (
        "article-with-two-headlines",
        lambda g: g.add((ARTICLE, SCHEMA.headline, Literal("Another title"))),
        ARTICLE,
        "an article has at most one schema:headline",
    ),
    (
        "meeting-start-date-as-year",
        lambda g: (
            replace(g, MEETING, SCHEMA.startDate, Literal("2008", datatype=XSD.gYear)),
            replace(g, ID["evidence/2a1b2c3d4e5f6a7b"], RDF.object, Literal("2008", datatype=XSD.gYear)),
        ),
        MEETING,
        "schema:startDate of a meeting must be an xsd:date or an xsd:gYearMonth",
    ),
    (
        "attendee-that-is-a-country",
        lambda g: (
            replace(g, MEETING, SCHEMA.attendee, RUSSIA),
            replace(g, EVIDENCE_ATTENDEE, RDF.object, RUSSIA),
        ),
        MEETING,
        "schema:attendee of a meeting must be a schema:Person",
    ),
    (
        "quote-without-speaker",
        lambda g: g.remove((QUOTE, NKG.speaker, None)),
        QUOTE,
        "a quote must have at least one nkg:speaker",
    ),
    (
        "quote-with-two-texts",
        lambda g: g.add((QUOTE, NKG.text, Literal("We will"))),
        QUOTE,
        "a quote must have exactly one nkg:text",
    ),
    (
        "quote-not-derived-from-an-article",
        lambda g: g.remove((QUOTE, PROV.wasDerivedFrom, None)),
        QUOTE,
        "a quote must have exactly one prov:wasDerivedFrom",
    ),
    (
        "position-without-role-title",
        lambda g: g.remove((POSITION, NKG.roleTitle, None)),
        POSITION,
        "a position must have exactly one nkg:roleTitle",
    ),
    (
        "evidence-with-string-char-start",
        lambda g: replace(g, EVIDENCE_ATTENDEE, NKG.charStart, Literal("40")),
        EVIDENCE_ATTENDEE,
        "nkg:charStart must be a single xsd:integer",
    ),
    (
        "evidence-with-char-start-after-char-end",
        lambda g: replace(g, EVIDENCE_ATTENDEE, NKG.charStart, Literal(80)),
        EVIDENCE_ATTENDEE,
        "nkg:charStart must not be greater than nkg:charEnd",
    ),
    (
        "evidence-without-rule",
        lambda g: g.remove((EVIDENCE_ATTENDEE, NKG.rule, None)),
        EVIDENCE_ATTENDEE,
        "an evidence node must have exactly one nkg:rule",
    ),
    (
        "evidence-without-article",
        lambda g: g.remove((EVIDENCE_ATTENDEE, PROV.wasDerivedFrom, None)),
        EVIDENCE_ATTENDEE,
        "an evidence node must have exactly one prov:wasDerivedFrom",
    ),
    (
        "evidence-with-two-sentences",
        lambda g: g.add((EVIDENCE_ATTENDEE, NKG.sentence, Literal("Another sentence."))),
        EVIDENCE_ATTENDEE,
        "an evidence node has at most one nkg:sentence",
    ),
]


def test_conforming_graph_validates_clean():
    report = validate(conforming_graph())

    assert report.violations == []
    assert report.conforms is True


@pytest.mark.parametrize(
    ("mutate", "focus", "fragment"),
    [pytest.param(mutate, focus, fragment, id=case) for case, mutate, focus, fragment in MUTATIONS],
)
def test_broken_graph_is_reported_with_a_readable_message(mutate, focus, fragment):
    graph = conforming_graph()
    mutate(graph)

    report = validate(graph)

    assert report.conforms is False
    assert any(fragment in v.message for v in report.violations), report.violations
    # The mutation breaks one node; nothing else may be blamed.
    assert {v.focus for v in report.violations} == {str(focus)}


@pytest.mark.parametrize("predicate", EVIDENCE_PREDICATES, ids=prefixed)
def test_every_contract_predicate_needs_evidence(predicate):
    # Untyped subject and object: no other shape reaches them, so the only
    # possible violation is the missing evidence.
    subject, obj = ID["thing/subject"], ID["thing/object"]
    if predicate == SCHEMA.startDate:
        obj = Literal("2008-05-07", datatype=XSD.date)
    graph = conforming_graph()
    graph.add((subject, predicate, obj))

    report = validate(graph)

    shown = f'"{obj}"' if isinstance(obj, Literal) else f"<{obj}>"
    assert report.violations == [
        Violation(str(subject), prefixed(predicate), f"fact without evidence: <{subject}> <{predicate}> {shown}")
    ]


@pytest.mark.parametrize("predicate", EVIDENCE_PREDICATES, ids=prefixed)
def test_a_contract_fact_with_evidence_conforms(predicate):
    subject, obj = ID["thing/subject"], ID["thing/object"]
    evidence = ID["evidence/ffffffffffffffff"]
    graph = conforming_graph()
    graph.add((subject, predicate, obj))
    for p, o in [
        (RDF.type, NKG.Evidence),
        (RDF.subject, subject),
        (RDF.predicate, predicate),
        (RDF.object, obj),
        (PROV.wasDerivedFrom, ARTICLE),
        (NKG.rule, Literal("test.rule")),
    ]:
        graph.add((evidence, p, o))

    assert validate(graph).violations == []


def test_a_predicate_outside_the_contract_needs_no_evidence():
    graph = conforming_graph()
    graph.add((MEETING, NKG.topic, RUSSIA))
    graph.add((ARTICLE, SCHEMA.publisher, ID["organization/reuters"]))
    graph.add((ID["organization/reuters"], RDF.type, SCHEMA.NewsMediaOrganization))
    graph.add((ID["organization/reuters"], RDFS.label, Literal("Reuters")))

    assert validate(graph).violations == []


def test_subclass_of_organization_is_an_entity_too():
    reuters = ID["organization/reuters"]
    graph = conforming_graph()
    graph.add((reuters, RDF.type, SCHEMA.NewsMediaOrganization))

    report = validate(graph)

    assert [(v.focus, v.path) for v in report.violations] == [(str(reuters), "rdfs:label")]


def test_violations_are_sorted_and_name_their_path():
    graph = conforming_graph()
    graph.remove((RUSSIA, RDFS.label, None))
    graph.add((LAVROV, RDFS.label, Literal("Lavrov")))
    remove_node(graph, EVIDENCE_ATTENDEE)

    report = validate(graph)

    assert report.violations == sorted(report.violations)
    assert [(v.focus, v.path) for v in report.violations] == [
        (str(RUSSIA), "rdfs:label"),
        (str(MEETING), "schema:attendee"),
        (str(LAVROV), "rdfs:label"),
    ]
    assert "Conforms: False" in report.text


def test_report_is_frozen():
    report = validate(conforming_graph())

    assert isinstance(report, ValidationReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.conforms = False  # type: ignore[misc]


def test_validation_leaves_the_input_graph_unchanged():
    graph = conforming_graph()
    before = set(graph)

    validate(graph)

    assert set(graph) == before


def test_turtle_file_and_build_folder_validate(tmp_path: Path):
    graph_file = tmp_path / "graph.ttl"
    conforming_graph().serialize(graph_file, format="turtle")

    assert validate(graph_file).conforms is True
    assert validate(tmp_path).conforms is True
    assert validate(str(graph_file)).conforms is True


def test_trig_file_is_validated_as_the_union_of_its_graphs(tmp_path: Path):
    # Facts in one named graph, their evidence in another: only the union conforms.
    dataset = Dataset()
    facts = dataset.graph(ID["graph/facts"])
    evidence = dataset.graph(ID["graph/evidence"])
    for triple in conforming_graph():
        (evidence if triple[1] in (RDF.subject, RDF.predicate, RDF.object) else facts).add(triple)
    trig = tmp_path / "graph.trig"
    dataset.serialize(trig, format="trig")

    assert validate(dataset).conforms is True
    assert validate(trig).conforms is True


def test_trig_file_with_a_fact_lacking_evidence_fails(tmp_path: Path):
    dataset = Dataset()
    dataset.graph(ID["graph/facts"]).add((MEETING, SCHEMA.attendee, ID["person/condoleezza-rice"]))
    trig = tmp_path / "graph.trig"
    dataset.serialize(trig, format="trig")

    report = validate(trig)

    assert [v.message.split(":")[0] for v in report.violations] == ["fact without evidence"]


def test_unparsable_turtle_names_file_and_line(tmp_path: Path):
    broken = tmp_path / "graph.ttl"
    broken.write_text('@prefix s: <https://schema.org/> .\n\n<urn:a> s:name "unterminated .\n', encoding="utf-8")

    with pytest.raises(GraphError) as caught:
        validate(broken)

    message = str(caught.value)
    assert message.startswith(f"{broken}: cannot parse as Turtle (line 3: ")
    assert "\n" not in message


def test_unparsable_trig_names_file_and_format(tmp_path: Path):
    broken = tmp_path / "graph.trig"
    broken.write_text("<urn:g> { <urn:a> <urn:b> }\n", encoding="utf-8")

    with pytest.raises(GraphError, match=r"graph\.trig: cannot parse as TriG \(line 1: "):
        validate(broken)


def test_non_utf8_file_is_a_graph_error(tmp_path: Path):
    broken = tmp_path / "graph.ttl"
    broken.write_bytes(b"<urn:a> <urn:b> \"caf\xe9\" .\n")

    with pytest.raises(GraphError, match=r"cannot parse as Turtle \(not UTF-8: byte 0xe9"):
        validate(broken)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing.ttl", "missing.ttl: no such file"),
        ("graph.nt", "graph.nt: unknown graph format"),
        ("empty-folder", "empty-folder: no graph.ttl in this folder"),
    ],
)
def test_unreadable_input_is_a_graph_error(tmp_path: Path, name: str, expected: str):
    if name == "graph.nt":
        (tmp_path / name).write_text("", encoding="utf-8")
    if name == "empty-folder":
        (tmp_path / name).mkdir()

    with pytest.raises(GraphError, match=expected):
        validate(tmp_path / name)


def test_other_shapes_can_be_given(tmp_path: Path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <https://schema.org/> .
        [] a sh:NodeShape ; sh:targetClass schema:Person ;
           sh:property [ sh:path schema:birthDate ; sh:minCount 1 ; sh:message "needs a birth date" ] .
        """,
        encoding="utf-8",
    )

    report = validate(conforming_graph(), shapes=shapes)

    assert report.violations == [Violation(str(LAVROV), "schema:birthDate", "needs a birth date")]


def test_shapes_pyshacl_cannot_run_are_a_graph_error(tmp_path: Path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix schema: <https://schema.org/> .
        [] a sh:NodeShape ; sh:targetClass schema:Person ;
           sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?v { 1 } $this ?p ?v }" ] .
        """,
        encoding="utf-8",
    )

    with pytest.raises(GraphError, match=r"shapes\.ttl: cannot validate with these shapes \(.*VALUES"):
        validate(conforming_graph(), shapes=shapes)


# -- the ontology the shapes rely on --------------------------------------------

NKG_CLASSES = ["Meeting", "Site", "DefenseSystem", "Proposal", "Quote", "Position", "Evidence"]
NKG_PROPERTIES = [
    "opposes", "supports", "proposed", "concerns", "partOf", "aimedAt", "speaker", "text",
    "sentence", "charStart", "charEnd", "rule", "gazetteer", "sourceFile", "holdsPosition",
    "roleTitle", "ofCountry", "ofOrganization", "observedOn", "successorOf", "conflictsWith",
    "meetingKind", "siteKind", "topic", "duplicateOf",
]


def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "newskg.ttl", format="turtle")


def test_ontology_has_its_iri_and_version():
    graph = ontology()
    iri = URIRef("https://w3id.org/newskg/ontology")

    assert (iri, RDF.type, OWL.Ontology) in graph
    assert graph.value(iri, OWL.versionInfo) == Literal("0.1.0")


@pytest.mark.parametrize("name", NKG_CLASSES + NKG_PROPERTIES)
def test_ontology_documents_every_nkg_term(name: str):
    graph = ontology()
    term = NKG[name]
    kinds = set(graph.objects(term, RDF.type))

    assert graph.value(term, RDFS.label) is not None
    assert graph.value(term, RDFS.comment) is not None
    if name in NKG_CLASSES:
        assert OWL.Class in kinds
    else:
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}
        assert graph.value(term, RDFS.domain) is not None
        assert graph.value(term, RDFS.range) is not None


def test_conflicts_with_is_symmetric():
    assert (NKG.conflictsWith, RDF.type, OWL.SymmetricProperty) in ontology()


def test_shapes_use_only_terms_the_ontology_declares():
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    declared = set(ontology().subjects(RDF.type, None))
    used = {t for t in shapes.all_nodes() if isinstance(t, URIRef) and t.startswith(str(NKG))}
    # The SPARQL text is not parsed as RDF; take its prefixed names too.
    for query in shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#select")):
        used |= {NKG[word.split(":")[1].strip(",.()")] for word in str(query).split() if word.startswith("nkg:")}

    assert used and used <= declared, used - declared
