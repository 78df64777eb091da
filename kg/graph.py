"""Resolved entities and facts -> an rdflib Dataset following docs/graph-contract.md.

    to_dataset(resolved) -> rdflib.Dataset     one named graph per article + the default graph
    union_graph(dataset) -> rdflib.Graph       every triple, for graph.ttl

The only module that makes RDF. IRIs come from canonical labels, evidence nodes from a hash of
what they state, so the same input gives the same triples and the same bytes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef

from kg.model import Evidence
from kg.offices import RULE_BY_DATE, OfficeRow, office_table
from kg.resolve import KIND_PREFIX, Resolved
from kg.ruleset import Ruleset
from kg.text import slugify

SCHEMA = Namespace("https://schema.org/")
NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = Namespace("https://w3id.org/newskg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
PREFIXES = {"schema": SCHEMA, "nkg": NKG, "prov": PROV, "rdfs": RDFS, "owl": OWL, "xsd": XSD,
            "rdf": RDF, "id": ID}
CURIE = {"schema": SCHEMA, "nkg": NKG, "rdfs": RDFS, "prov": PROV}
CLASSES = {
    "Person": [SCHEMA.Person], "Country": [SCHEMA.Country], "City": [SCHEMA.City],
    "Place": [SCHEMA.Place], "Site": [NKG.Site], "Organization": [SCHEMA.Organization],
    "DefenseSystem": [NKG.DefenseSystem], "Proposal": [NKG.Proposal], "Meeting": [NKG.Meeting],
}
DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")


def curie(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return CURIE[prefix][local]


def article_iri(article_id: str) -> URIRef:
    return ID[f"article/{slugify(article_id)}"]


def article_graph_iri(article_id: str) -> URIRef:
    return ID[f"graph/{slugify(article_id)}"]


def _literal(value: str, datatype: str | None) -> Literal:
    if datatype in (None, "xsd:string"):
        return Literal(value)
    return Literal(value, datatype=XSD[datatype.split(":", 1)[1]])


def to_dataset(resolved: Resolved, rules: Ruleset | None = None) -> Dataset:
    """The dataset of a build. With `rules`, positions that match a row of the dated office
    table (kg/offices.py) get schema:startDate / schema:endDate from it."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    default = ds.graph(DEFAULT_GRAPH)
    graphs = {a.id: ds.graph(article_graph_iri(a.id)) for a in resolved.articles}
    dates = {a.id: a.date for a in resolved.articles}

    for ent in resolved.entities.values():
        node = ID[ent.id]
        for cls in CLASSES[ent.kind]:
            default.add((node, RDF.type, cls))
        if ent.subtype and ent.kind in ("Organization", "Place"):
            default.add((node, RDF.type, SCHEMA[ent.subtype]))
        default.add((node, RDFS.label, Literal(ent.label)))
        for alias in sorted(ent.aliases):
            default.add((node, SCHEMA.alternateName, Literal(alias)))
        if ent.props.get("wikidata"):
            default.add((node, OWL.sameAs, WD[ent.props["wikidata"]]))
        if ent.kind == "Site":
            default.add((node, NKG.siteKind, Literal(ent.props.get("siteKind", "site"))))
        if ent.kind == "Meeting":
            default.add((node, NKG.meetingKind, Literal(ent.props.get("meetingKind", "meeting"))))

    for a in resolved.articles:
        g = graphs[a.id]
        node = article_iri(a.id)
        g.add((node, RDF.type, SCHEMA.NewsArticle))
        g.add((node, NKG.sourceFile, Literal(a.source)))
        if a.headline:
            g.add((node, SCHEMA.headline, Literal(a.headline)))
        if a.date:
            g.add((node, SCHEMA.datePublished, Literal(a.date.isoformat(), datatype=XSD.date)))
        if a.url:
            g.add((node, SCHEMA.url, URIRef(a.url)))
        if a.record:
            g.add((node, NKG.sourceRecord, Literal(a.record)))
        if a.duplicate_of in graphs:
            g.add((node, NKG.duplicateOf, article_iri(a.duplicate_of)))
        pub = _publisher_node(resolved, a.publisher) if a.publisher else None
        if pub is None and a.publisher_name:
            # an outlet the gazetteer does not know is still the source of what it printed
            pub = _named_node(resolved, default, "organization", a.publisher_name, SCHEMA.NewsMediaOrganization)
        if pub is not None:
            g.add((node, SCHEMA.publisher, pub))
        for author in a.authors:
            g.add((node, SCHEMA.author, _named_node(resolved, default, "person", author, SCHEMA.Person)))
    for aid, eid in sorted(resolved.mentions):
        graphs[aid].add((article_iri(aid), SCHEMA.mentions, ID[eid]))

    for f in resolved.facts:
        g = graphs[f.evidence.article]
        s = ID[f.subject]
        p = curie(f.predicate)
        o = _literal(f.object, f.datatype) if f.datatype else ID[f.object]
        g.add((s, p, o))
        _evidence(g, s, p, o, f.evidence, dates.get(f.evidence.article))

    by_person = defaultdict(list)
    table = office_table(rules) if rules is not None else None
    gaz_ids = _gazetteer_ids(rules) if rules is not None else {}
    dated: dict[URIRef, tuple[str, OfficeRow]] = {}     # position -> (first article, table row)
    for claim in sorted(resolved.positions, key=lambda c: (c.evidence.article, c.evidence.start, c.person, c.title)):
        title_slug = slugify(claim.title)
        of_slug = claim.of.split("/")[-1] if claim.of else "unknown"
        pos = ID[f"position/{claim.person.split('/')[-1]}--{title_slug}--{of_slug}"]
        g = graphs[claim.evidence.article]
        default.add((pos, RDF.type, NKG.Position))
        default.add((pos, NKG.roleTitle, Literal(claim.title)))
        if claim.of:
            kind = resolved.entities[claim.of].kind
            default.add((pos, NKG.ofCountry if kind == "Country" else NKG.ofOrganization, ID[claim.of]))
        day = dates.get(claim.evidence.article)
        if day:
            g.add((pos, NKG.observedOn, Literal(day.isoformat(), datatype=XSD.date)))
        person = ID[claim.person]
        g.add((person, NKG.holdsPosition, pos))
        ev = _evidence(g, person, NKG.holdsPosition, pos, claim.evidence, day)
        row = None
        if table is not None and claim.of:
            row = table.row_for(gaz_ids.get(claim.person, ""), claim.title, gaz_ids.get(claim.of), day)
        if row is not None:
            dated.setdefault(pos, (claim.evidence.article, row))
            if claim.evidence.rule == RULE_BY_DATE:
                g.add((ev, NKG.gazetteer, Literal(row.note())))   # the office row the rule used
        by_person[(claim.person, claim.group, claim.of)].append((pos, claim.title))
    for pos, (aid, row) in sorted(dated.items()):
        # gazetteer-only facts: the table row is the evidence, no sentence and no offsets
        for prop, day in ((SCHEMA.startDate, row.start), (SCHEMA.endDate, row.end)):
            if day is None:
                continue
            value = Literal(day.isoformat(), datatype=XSD.date)
            default.add((pos, prop, value))
            _gazetteer_evidence(graphs[aid], pos, prop, value, aid, row.note())
    for (person, group, of), held in by_person.items():
        if group is None:
            continue
        distinct = sorted({(str(p), t) for p, t in held})
        for i, (p1, t1) in enumerate(distinct):
            for p2, t2 in distinct[i + 1:]:
                if t1 != t2:
                    # one person, one portfolio group, one country: the sources disagree
                    default.add((URIRef(p1), NKG.conflictsWith, URIRef(p2)))
                    default.add((URIRef(p2), NKG.conflictsWith, URIRef(p1)))

    counters: dict[str, int] = defaultdict(int)
    for aid, q in sorted(resolved.quotes, key=lambda aq: (aq[0], aq[1].start)):
        counters[aid] += 1
        node = ID[f"quote/{slugify(aid)}-{counters[aid]}"]
        g = graphs[aid]
        g.add((node, RDF.type, NKG.Quote))
        g.add((node, NKG.text, Literal(q.text)))
        g.add((node, NKG.speaker, ID[q.speaker]))
        g.add((node, PROV.wasDerivedFrom, article_iri(aid)))
        g.add((node, NKG.charStart, Literal(q.start, datatype=XSD.integer)))
        g.add((node, NKG.charEnd, Literal(q.end, datatype=XSD.integer)))
        _evidence(g, node, NKG.speaker, ID[q.speaker], q.evidence, dates.get(aid))
    return ds


def _named_node(resolved: Resolved, default: Graph, prefix: str, name: str, cls: URIRef) -> URIRef:
    """The entity a page's metadata names (an outlet, an author): the resolved one of that
    IRI if any, else a node with the name as its one label."""
    node = ID[f"{prefix}/{slugify(name)}"]
    if f"{prefix}/{slugify(name)}" not in resolved.entities and (node, RDFS.label, None) not in default:
        default.add((node, RDF.type, cls))
        if cls != SCHEMA.Organization and prefix == "organization":
            default.add((node, RDF.type, SCHEMA.Organization))
        default.add((node, RDFS.label, Literal(name)))
    return node


def _publisher_node(resolved: Resolved, publisher_id: str) -> URIRef | None:
    for ent in resolved.entities.values():
        if ent.props.get("gazetteer") == publisher_id:
            return ID[ent.id]
    return None


def _gazetteer_ids(rules: Ruleset) -> dict[str, str]:
    """Entity id of the graph ("country/czech-republic") -> gazetteer id ("country/czechia")."""
    return {f"{KIND_PREFIX[e.kind]}/{slugify(e.label)}": e.id for e in rules.entries.values()
            if e.kind in ("Person", "Country", "Organization")}


def _gazetteer_evidence(g: Graph, s, p, o, article_id: str, note: str) -> None:
    key = "\x1f".join(map(str, (s, p, o, article_id, "gazetteer.people")))
    node = ID[f"evidence/{hashlib.sha1(key.encode()).hexdigest()[:16]}"]
    g.add((node, RDF.type, NKG.Evidence))
    g.add((node, RDF.subject, s))
    g.add((node, RDF.predicate, p))
    g.add((node, RDF.object, o))
    g.add((node, PROV.wasDerivedFrom, article_iri(article_id)))
    g.add((node, NKG.rule, Literal("gazetteer.people")))
    g.add((node, NKG.gazetteer, Literal(note)))


def _evidence(g: Graph, s, p, o, ev: Evidence, day: dt.date | None = None) -> URIRef:
    """The evidence node of one statement; `day`, the article's date, becomes nkg:observedOn."""
    key = "\x1f".join(map(str, (s, p, o, ev.article, ev.start, ev.end, ev.rule)))
    node = ID[f"evidence/{hashlib.sha1(key.encode()).hexdigest()[:16]}"]
    g.add((node, RDF.type, NKG.Evidence))
    g.add((node, RDF.subject, s))
    g.add((node, RDF.predicate, p))
    g.add((node, RDF.object, o))
    g.add((node, PROV.wasDerivedFrom, article_iri(ev.article)))
    g.add((node, NKG.sentence, Literal(ev.sentence)))
    g.add((node, NKG.charStart, Literal(ev.start, datatype=XSD.integer)))
    g.add((node, NKG.charEnd, Literal(ev.end, datatype=XSD.integer)))
    g.add((node, NKG.rule, Literal(ev.rule)))
    if day is not None:
        g.add((node, NKG.observedOn, Literal(day.isoformat(), datatype=XSD.date)))
    return node


def union_graph(ds: Dataset) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def to_trig(ds: Dataset) -> str:
    """TriG of the dataset with its graphs in IRI order: rdflib's writer orders them by hash,
    which would make two builds of the same input differ."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    parts = [prefixes]
    for context in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(context) == 0:
            continue
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        for triple in context:
            g.add(triple)
        body = "\n".join(line for line in g.serialize(format="turtle").splitlines()
                         if not line.startswith("@prefix")).strip()
        name = "" if context.identifier == DEFAULT_GRAPH else f"<{context.identifier}> "
        # no indentation: lines inside a multi-line literal must stay exactly as they are
        parts.append(f"{name}{{\n{body}\n}}\n")
    return "\n".join(parts)
