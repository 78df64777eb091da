"""Resolved entities and facts -> RDF following docs/graph-contract.md.

    write_graph(resolved, rules, ttl, trig) -> int   graph.ttl (every triple) and graph.trig
                                                     (one named graph per article); the triple count
    Changes(before)                                  given to write_graph: the digests of what it
                                                     wrote (a Layout) and what differs from `before`
    to_dataset(resolved) -> rdflib.Dataset           the same quads as rdflib objects, for a build
                                                     kept in memory (kg.build(paths, None))
    union_graph(dataset) -> rdflib.Graph             every triple of a Dataset in one Graph

The only module that makes RDF. IRIs come from canonical labels, evidence nodes from a hash of
what they state, so the same input gives the same triples and the same bytes.

Statements are made as Turtle terms in plain strings ("<iri>", "nkg:rule", '"text"', "12")
and written by a small deterministic writer, one article graph at a time: rdflib's writer
and its in-memory graphs took most of a large build's time and memory. rdflib remains the
API's in-memory model (to_dataset; kg.load, which a build into a folder also uses).
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import operator
import os
import pickle
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import NamedTuple

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef

from kg.cache import code_digest, value_bytes
from kg.model import Article, Evidence, Fact, PositionClaim, QuoteRecord
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
DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")


ID_BASE = str(ID)
# Turtle terms of the vocabulary; rdf:type is written "a" where it is a predicate
TYPE = "rdf:type"
ARTICLE_OWN = (f"<{ID_BASE}evidence/", f"<{ID_BASE}quote/", f"<{ID_BASE}article/")
_CLASS_TERMS = {"Person": "schema:Person", "Country": "schema:Country", "City": "schema:City",
                "Place": "schema:Place", "Site": "nkg:Site", "Organization": "schema:Organization",
                "DefenseSystem": "nkg:DefenseSystem", "Proposal": "nkg:Proposal", "Meeting": "nkg:Meeting"}
# Turtle's short strings may hold anything but these; other control characters are escaped
# too, so that every line of a file is one statement's line
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in (9, 10, 13)}}
_NEEDS_ESCAPE = re.compile('[' + re.escape("".join(map(chr, _ESCAPES))) + ']')
_UNESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\r": "\r", "\\t": "\t"}


def curie(name: str) -> URIRef:
    """The IRI of a CURIE of the PREFIXES: "nkg:opposes" -> URIRef(...ontology#opposes)."""
    prefix, local = name.split(":", 1)
    return URIRef(f"{PREFIXES[prefix]}{local}")


def article_iri(article_id: str) -> URIRef:
    return ID[f"article/{slugify(article_id)}"]


def article_graph_iri(article_id: str) -> URIRef:
    return ID[f"graph/{slugify(article_id)}"]


@functools.lru_cache(maxsize=4096)
def _article_node(article_id: str) -> str:
    return f"<{article_iri(article_id)}>"


def _id(path: str) -> str:
    return f"<{ID_BASE}{path}>"


def _text(value: str) -> str:
    # most values need no escape, and a search is far cheaper than translating each character
    return f'"{value.translate(_ESCAPES)}"' if _NEEDS_ESCAPE.search(value) else f'"{value}"'


def _typed(value: str, datatype: str | None) -> str:
    """A literal; datatype a CURIE such as "xsd:date", None or "xsd:string" for plain text."""
    if datatype in (None, "xsd:string"):
        return _text(value)
    if datatype == "xsd:integer":
        return str(int(value))
    return f"{_text(value)}^^{datatype}"


def _iri(value: str) -> str:
    return f"<{value}>"


def _graphs(resolved: Resolved, rules: Ruleset | None):
    """(graph IRI or None for the default graph, set of (s, p, o) Turtle terms): the default
    graph first, then one graph per article in IRI order. Each article's triples are made
    when its turn comes, so a writer need not hold them all."""
    default: set[tuple[str, str, str]] = set()
    dates = {a.id: a.date for a in resolved.articles}
    known = {a.id for a in resolved.articles}

    for ent in resolved.entities.values():
        node = _id(ent.id)
        default.add((node, TYPE, _CLASS_TERMS[ent.kind]))
        if ent.subtype and ent.kind in ("Organization", "Place"):
            default.add((node, TYPE, f"schema:{ent.subtype}" if ent.subtype.isalnum() else _iri(SCHEMA[ent.subtype])))
        default.add((node, "rdfs:label", _text(ent.label)))
        for alias in ent.aliases:
            default.add((node, "schema:alternateName", _text(alias)))
        if ent.props.get("wikidata"):
            default.add((node, "owl:sameAs", _iri(str(WD[ent.props["wikidata"]]))))
        if ent.kind == "Site":
            default.add((node, "nkg:siteKind", _text(ent.props.get("siteKind", "site"))))
        if ent.kind == "Meeting":
            default.add((node, "nkg:meetingKind", _text(ent.props.get("meetingKind", "meeting"))))
    publishers = {ent.props["gazetteer"]: _id(ent.id) for ent in reversed(list(resolved.entities.values()))
                  if ent.props.get("gazetteer")}     # reversed: the first entity of a gazetteer id wins

    by_article: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for f in resolved.facts:
        by_article[f.evidence.article]["facts"].append(f)
    for aid, q in resolved.quotes:
        by_article[aid]["quotes"].append(q)
    for aid, eid in resolved.mentions:
        by_article[aid]["mentions"].append(eid)

    # offices: the default graph holds each position; the article graphs who holds it, where told
    table = office_table(rules) if rules is not None else None
    gaz_ids = _gazetteer_ids(rules) if rules is not None else {}
    by_person = defaultdict(list)
    dated: dict[str, tuple[str, OfficeRow]] = {}     # position -> (first article, table row)
    for claim in sorted(resolved.positions, key=lambda c: (c.evidence.article, c.evidence.start, c.person, c.title)):
        of_slug = claim.of.split("/")[-1] if claim.of else "unknown"
        pos = _id(f"position/{claim.person.split('/')[-1]}--{slugify(claim.title)}--{of_slug}")
        default.add((pos, TYPE, "nkg:Position"))
        default.add((pos, "nkg:roleTitle", _text(claim.title)))
        if claim.of:
            kind = resolved.entities[claim.of].kind
            default.add((pos, "nkg:ofCountry" if kind == "Country" else "nkg:ofOrganization", _id(claim.of)))
        day = dates.get(claim.evidence.article)
        row = None
        if table is not None and claim.of:
            row = table.row_for(gaz_ids.get(claim.person, ""), claim.title, gaz_ids.get(claim.of), day)
        if row is not None:
            dated.setdefault(pos, (claim.evidence.article, row))
        by_article[claim.evidence.article]["positions"].append((claim, pos, row))
        by_person[(claim.person, claim.group, claim.of)].append((pos, claim.title))
    for pos, (aid, row) in sorted(dated.items()):
        for prop, day in (("schema:startDate", row.start), ("schema:endDate", row.end)):
            if day is not None:
                value = _typed(day.isoformat(), "xsd:date")
                default.add((pos, prop, value))
                by_article[aid]["dated"].append((pos, prop, value, row.note()))
    for (person, group, of), held in by_person.items():
        if group is None:
            continue
        distinct = sorted(set(held))
        for i, (p1, t1) in enumerate(distinct):
            for p2, t2 in distinct[i + 1:]:
                if t1 != t2:
                    # one person, one portfolio group, one country: the sources disagree
                    default.add((p1, "nkg:conflictsWith", p2))
                    default.add((p2, "nkg:conflictsWith", p1))
    named: set[str] = set()
    for a in resolved.articles:   # outlets and authors the gazetteer does not know
        if not (a.publisher and a.publisher in publishers) and a.publisher_name:
            _named_node(resolved, default, named, "organization", a.publisher_name, "schema:NewsMediaOrganization")
        for author in a.authors:
            _named_node(resolved, default, named, "person", author, "schema:Person")
    yield None, default

    for a in sorted(resolved.articles, key=lambda a: str(article_graph_iri(a.id))):
        told = by_article.get(a.id, {})
        # mentions come from a set: sorted, so that the same inputs give the same key in any process
        yield str(article_graph_iri(a.id)), _ArticleGraph(
            a, tuple(tuple(sorted(told.get(part, ())) if part == "mentions" else told.get(part, ())) for part in _TOLD),
            publishers.get(a.publisher) if a.publisher else None, a.duplicate_of in known)


_TOLD = ("facts", "positions", "dated", "quotes", "mentions")


class _ArticleGraph(NamedTuple):
    """Everything one article's graph is made of: the article, what resolve() says it told
    (facts, positions, dated positions, quotes, mentions: _TOLD), its publisher's node and
    whether the article it repeats is in the build."""

    article: Article
    told: tuple
    publisher: str | None
    duplicate_known: bool

    def triples(self) -> set:
        return _article_triples(self.article, dict(zip(_TOLD, self.told)), self.publisher, self.duplicate_known)

    def key(self) -> str:
        """A digest of every input: equal keys make equal graphs. Every field of the records
        is in it (read by getters made from the dataclasses' fields), save the article's text,
        blocks and headline span, which the graph does not read (its evidence sentences and
        offsets are in the records)."""
        facts, positions, dated, quotes, mentions = self.told
        plain = (_ARTICLE_KEY(self.article), self.publisher, self.duplicate_known,
                 [(_FACT_KEY(f), _EVIDENCE_KEY(f.evidence)) for f in facts],
                 [(_CLAIM_KEY(c), _EVIDENCE_KEY(c.evidence), pos, row and _ROW_KEY(row)) for c, pos, row in positions],
                 dated, [(_QUOTE_KEY(q), _EVIDENCE_KEY(q.evidence)) for q in quotes], mentions)
        return hashlib.blake2b(value_bytes(plain), digest_size=16).hexdigest()


def _fields_but(cls, *left_out: str) -> operator.attrgetter:
    return operator.attrgetter(*(f.name for f in dataclasses.fields(cls) if f.name not in left_out))


_ARTICLE_KEY = _fields_but(Article, "text", "blocks", "headline_span")
_FACT_KEY = _fields_but(Fact, "evidence")
_CLAIM_KEY = _fields_but(PositionClaim, "evidence")
_QUOTE_KEY = _fields_but(QuoteRecord, "evidence")
_EVIDENCE_KEY = _fields_but(Evidence)
_ROW_KEY = _fields_but(OfficeRow)


def _article_triples(a, told: dict, pub: str | None, duplicate_known: bool) -> set:
    day = a.date
    g: set[tuple[str, str, str]] = set()
    node = _iri(str(article_iri(a.id)))
    g.add((node, TYPE, "schema:NewsArticle"))
    g.add((node, "nkg:sourceFile", _text(a.source)))
    if a.headline:
        g.add((node, "schema:headline", _text(a.headline)))
    if a.date:
        g.add((node, "schema:datePublished", _typed(a.date.isoformat(), "xsd:date")))
    if a.url:
        g.add((node, "schema:url", _iri(a.url)))
    if a.record:
        g.add((node, "nkg:sourceRecord", _text(a.record)))
    if duplicate_known:
        g.add((node, "nkg:duplicateOf", _iri(str(article_iri(a.duplicate_of)))))
    if pub is None and a.publisher_name:
        pub = _id(f"organization/{slugify(a.publisher_name)}")
    if pub is not None:
        g.add((node, "schema:publisher", pub))
    for author in a.authors:
        g.add((node, "schema:author", _id(f"person/{slugify(author)}")))
    for eid in told.get("mentions", ()):
        g.add((node, "schema:mentions", _id(eid)))
    observed = _typed(day.isoformat(), "xsd:date") if day else None

    for f in told.get("facts", ()):
        s, o = _id(f.subject), (_typed(f.object, f.datatype) if f.datatype else _id(f.object))
        g.add((s, f.predicate, o))
        _evidence(g, s, f.predicate, o, f.evidence, observed)
    for claim, pos, row in told.get("positions", ()):
        person = _id(claim.person)
        if observed:
            g.add((pos, "nkg:observedOn", observed))
        g.add((person, "nkg:holdsPosition", pos))
        ev = _evidence(g, person, "nkg:holdsPosition", pos, claim.evidence, observed)
        if row is not None and claim.evidence.rule == RULE_BY_DATE:
            g.add((ev, "nkg:gazetteer", _text(row.note())))   # the office row the rule used
    for pos, prop, value, note in told.get("dated", ()):
        # gazetteer-only facts: the table row is the evidence, no sentence and no offsets
        _gazetteer_evidence(g, pos, prop, value, a.id, note)
    quotes = sorted(told.get("quotes", ()), key=lambda q: q.start)
    for n, q in enumerate(quotes, 1):
        qnode = _id(f"quote/{slugify(a.id)}-{n}")
        speaker = _id(q.speaker)
        g.add((qnode, TYPE, "nkg:Quote"))
        g.add((qnode, "nkg:text", _text(q.text)))
        g.add((qnode, "nkg:speaker", speaker))
        g.add((qnode, "prov:wasDerivedFrom", node))
        g.add((qnode, "nkg:charStart", str(q.start)))
        g.add((qnode, "nkg:charEnd", str(q.end)))
        _evidence(g, qnode, "nkg:speaker", speaker, q.evidence, observed)
    return g


def _named_node(resolved: Resolved, default: set, named: set, prefix: str, name: str, cls: str) -> None:
    """The entity a page's metadata names (an outlet, an author), when no resolved entity has
    its IRI: a node with the name as its one label (the first name met, as `named` records)."""
    key = f"{prefix}/{slugify(name)}"
    node = _id(key)
    if key not in resolved.entities and key not in named:
        named.add(key)
        default.add((node, TYPE, cls))
        if cls != "schema:Organization" and prefix == "organization":
            default.add((node, TYPE, "schema:Organization"))
        default.add((node, "rdfs:label", _text(name)))


def _gazetteer_ids(rules: Ruleset) -> dict[str, str]:
    """Entity id of the graph ("country/czech-republic") -> gazetteer id ("country/czechia")."""
    return {f"{KIND_PREFIX[e.kind]}/{slugify(e.label)}": e.id for e in rules.entries.values()
            if e.kind in ("Person", "Country", "Organization")}


def _node_key(term: str) -> str:
    """The text hashed into an evidence node's IRI: the term's IRI or its literal's text, as
    rdflib's str() gave it (the IRIs of a graph do not change with its writer)."""
    if term.startswith("<"):
        return term[1:-1]
    if term.startswith('"'):
        return _term_text(term)
    if term[0].isdigit() or term[0] == "-":
        return term
    prefix, local = term.split(":", 1)
    return f"{PREFIXES[prefix]}{local}"


def _gazetteer_evidence(g: set, s: str, p: str, o: str, article_id: str, note: str) -> None:
    key = "\x1f".join((_node_key(s), _node_key(p), _node_key(o), article_id, "gazetteer.people"))
    node = _id(f"evidence/{hashlib.sha1(key.encode()).hexdigest()[:16]}")
    g.update(((node, TYPE, "nkg:Evidence"), (node, "rdf:subject", s), (node, "rdf:predicate", p),
              (node, "rdf:object", o), (node, "prov:wasDerivedFrom", _article_node(article_id)),
              (node, "nkg:rule", '"gazetteer.people"'), (node, "nkg:gazetteer", _text(note))))


def _evidence(g: set, s: str, p: str, o: str, ev: Evidence, observed: str | None) -> str:
    """The evidence node of one statement; `observed`, the article's date, becomes nkg:observedOn."""
    key = "\x1f".join((_node_key(s), _node_key(p), _node_key(o), ev.article, str(ev.start), str(ev.end), ev.rule))
    node = _id(f"evidence/{hashlib.sha1(key.encode()).hexdigest()[:16]}")
    g.update(((node, TYPE, "nkg:Evidence"), (node, "rdf:subject", s), (node, "rdf:predicate", p),
              (node, "rdf:object", o), (node, "prov:wasDerivedFrom", _article_node(ev.article)),
              (node, "nkg:sentence", _text(ev.sentence)), (node, "nkg:charStart", str(ev.start)),
              (node, "nkg:charEnd", str(ev.end)), (node, "nkg:rule", _text(ev.rule))))
    if observed is not None:
        g.add((node, "nkg:observedOn", observed))
    return node


# --- writing -----------------------------------------------------------------------------

def prefix_lines() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()) if p != "id") + "\n"


def _statements(triples) -> list[tuple[str, str]]:
    """(subject, its Turtle statement) for every subject of `triples`, in subject order;
    predicates in order with "a" first, objects in order.

    The triples are grouped by subject, then the subjects sorted and each group: the same
    order as one sort of the whole set (a set has no repeated triple), a quarter faster on
    the hundreds of thousands of shared triples of a large build."""
    by_subject: dict[str, list] = {}
    for triple in triples:
        group = by_subject.get(triple[0])
        if group is None:
            by_subject[triple[0]] = [triple]
        else:
            group.append(triple)
    out = []
    for subject in sorted(by_subject):
        lines: list[str] = []
        types: list[str] = []
        last = None
        for _, p, o in sorted(by_subject[subject]):
            if p == TYPE:
                types.append(o)
            elif p == last:
                lines[-1] += f",\n        {o}"
            else:
                lines.append(f"{p} {o}")
                last = p
        out.append(_statement(subject, types, lines))
    return out


def _statement(subject: str, types: list[str], lines: list[str]) -> tuple[str, str]:
    if types:
        lines.insert(0, "a " + ",\n        ".join(types))
    return subject, f"{subject} " + " ;\n    ".join(lines) + " .\n"


def turtle_block(triples) -> str:
    """Turtle statements of `triples`, subjects, predicates and objects in order ("a" first)."""
    return "\n".join(text for _, text in _statements(triples))


class GraphEntry(NamedTuple):
    """What a Layout keeps of one article graph."""

    digest: str          # of its TriG block
    key: str             # of its inputs (_ArticleGraph.key): the same key, the same block
    trig_at: int         # where the block starts in graph.trig, and its length in bytes
    trig_len: int
    own_at: int          # where its own statements start in graph.ttl, counted from Layout.own_base
    own_len: int
    own_digest: str
    own_count: int       # triples of its own statements
    theirs: tuple        # its triples about shared subjects, (s, p, o) Turtle terms


@dataclass
class Layout:
    """Where every article graph of a pair of graph files is, and a digest of each: the unit in
    which a store built from them is brought up to date (kg.store.update_store) and in which the
    next build may copy a block instead of making it again. Also one digest per statement heading
    graph.ttl (what articles share, one statement per subject)."""

    graphs: dict[str, GraphEntry] = field(default_factory=dict)   # article graph IRI -> entry
    shared: dict[str, str] = field(default_factory=dict)   # subject term ("<iri>") -> digest of its statement
    own_base: int = 0          # where the articles' own statements start in graph.ttl
    writer: str = ""           # digest of the writing code: blocks of another writer are not copied
    files: tuple = ()          # (size, mtime in ns) of graph.trig and of graph.ttl as written

    def dump(self, fh) -> None:
        """Write the layout to the binary file `fh`: a pickle of plain tuples and dicts (tens of
        MB for thousands of articles: JSON took seconds each way)."""
        pickle.dump((dict((name, tuple(entry)) for name, entry in self.graphs.items()), self.shared,
                     self.own_base, self.writer, self.files), fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, fh) -> "Layout":
        graphs, shared, own_base, writer, files = pickle.load(fh)
        return cls({name: GraphEntry(*entry) for name, entry in graphs.items()}, dict(shared),
                   int(own_base), str(writer), tuple(files))


class Changes:
    """Given to write_graph: records the Layout of what it writes and, against the Layout of an
    earlier build (`before`), the text of every article graph and shared statement that is new
    or different. Past `max_bytes` of such text it stops keeping them (`overflow`): a change
    that large is loaded in full faster than applied piece by piece.

    `files`: the earlier build's graph.trig and graph.ttl, which `before` describes. An article
    graph whose inputs have not changed is copied from them rather than made again (see reuse
    for how the files are checked)."""

    def __init__(self, before: Layout | None, files: tuple[Path, Path] | None = None,
                 max_bytes: int = 32_000_000) -> None:
        self.before = before
        self.layout = Layout(writer=code_digest(("kg.graph",)))
        self.graphs: dict[str, tuple[bytes, str]] = {}   # graph IRI -> (TriG block, own graph.ttl statements)
        self.shared: dict[str, str] = {}                 # subject term -> graph.ttl statement
        self.overflow = before is None
        self.removed_graphs: list[str] = []        # set by finish()
        self.removed_statements: list[str] = []
        self._room = max_bytes
        self._reusable = before is not None and files is not None and before.writer == self.layout.writer
        self._paths = files
        self._files: list = []
        self._unchanged_files: bool | None = None

    def _keep(self, size: float) -> bool:
        self._room -= size
        if self._room < 0:
            self.overflow = True
            self.graphs.clear()
            self.shared.clear()
        return not self.overflow

    def _read(self, which: int, at: int, length: int) -> bytes | None:
        try:
            if not self._files:
                self._files = [open(path, "rb") for path in self._paths]
            fh = self._files[which]
            fh.seek(at)
            data = fh.read(length)
        except OSError:
            self._reusable = False
            return None
        return data if len(data) == length else None

    def reuse(self, name: str, key: str) -> tuple[GraphEntry, bytes, str] | None:
        """The earlier build's entry, block and own statements of graph `name` when its inputs
        had the same `key` and the files still hold it; else None. The files are trusted when
        their sizes and times are those the layout recorded; else each block's digest is checked."""
        entry = self.before.graphs.get(name) if self._reusable else None
        if entry is None or entry.key != key:
            return None
        block = self._read(0, entry.trig_at, entry.trig_len)
        if self._unchanged_files is None and self._files:
            # the files read, not their paths, are compared: a rename in between cannot slip by
            handles = file_signatures(os.fstat(fh.fileno()) for fh in self._files)
            self._unchanged_files = bool(self.before.files) and handles == self.before.files
        own = self._read(1, self.before.own_base + entry.own_at, entry.own_len) if entry.own_len else b""
        if block is None or own is None or not (self._unchanged_files or (
                _digest(block) == entry.digest and _digest(own) == entry.own_digest)):
            return None
        return entry, block, own.decode()

    def graph(self, name: str, entry: GraphEntry, block: bytes, own: str) -> None:
        if name in self.layout.graphs:
            # two articles whose ids slugify alike ("A b", "a-b") share one graph: the store
            # cannot tell their statements apart, so it is loaded in full
            self._keep(float("inf"))
        self.layout.graphs[name] = entry
        old = self.before.graphs.get(name) if self.before is not None else None
        if not self.overflow and (old is None or old.digest != entry.digest) and self._keep(len(block) + len(own)):
            self.graphs[name] = (block, own)

    def statement(self, subject: str, text: str) -> None:
        digest = self.layout.shared[subject] = _digest(text.encode())
        if not self.overflow and self.before.shared.get(subject) != digest and self._keep(len(text)):
            self.shared[subject] = text

    def finish(self, files: tuple[Path, Path] | tuple = ()) -> Layout:
        """The Layout of what was written to `files` (graph.trig, graph.ttl), handed over: the
        Changes keep only the difference (the texts and, from here on, removed_graphs and
        removed_statements), so that the layouts of a large build are not held while its
        store loads."""
        layout, before = self.layout, self.before
        try:
            layout.files = file_signatures(map(os.stat, files))
        except OSError:
            layout.files = ()      # never trusted: reuse checks each block's digest
        if before is not None:
            self.removed_graphs = sorted(before.graphs.keys() - layout.graphs.keys())
            self.removed_statements = sorted(before.shared.keys() - layout.shared.keys())
        self.layout = self.before = None
        return layout

    def close(self) -> None:
        for fh in self._files:
            fh.close()
        self._files = []


def file_signatures(stats) -> tuple:
    """(size, mtime in ns) of each stat result: what says a file is the one that was written."""
    return tuple((st.st_size, st.st_mtime_ns) for st in stats)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_graph(resolved: Resolved, rules: Ruleset | None, ttl, trig, changes: Changes | None = None) -> int:
    """Write graph.ttl (every triple, once) to the binary file `ttl` and graph.trig (the default
    graph, then one named graph per article) to `trig`, one article at a time. Returns the
    number of distinct triples. `changes`, when given, records what was written and may give
    article graphs of an earlier build to copy (see Changes).

    What only one article states (its node, its evidence and quotes) is made, written and
    dropped one article at a time (graph.ttl's share through a temporary file); statements
    about entities, which several articles may share, are kept once each and head graph.ttl.
    Memory therefore grows with the entities, not with the evidence.
    """
    shared: set[tuple[str, str, str]] = set()
    own_triples = 0
    trig.write(prefix_lines().encode())
    try:
        with tempfile.TemporaryFile() as own:
            for name, item in _graphs(resolved, rules):
                if name is None:
                    shared |= item
                    if item:
                        trig.write(("{\n" + turtle_block(item) + "}\n").encode())
                    continue
                key = item.key() if changes is not None else ""
                copied = changes.reuse(name, key) if changes is not None else None
                if copied is not None:
                    old, block, mine = copied
                    theirs, own_count = old.theirs, old.own_count
                else:
                    triples = item.triples()
                    # a subject is the article's own or shared whole, so one statement serves both files
                    statements = _statements(triples)
                    block = (f"\n<{name}> {{\n" + "\n".join(text for _, text in statements) + "}\n").encode()
                    mine = "\n".join(text for subject, text in statements if subject.startswith(ARTICLE_OWN))
                    # interned: the same entities recur across thousands of articles, and the
                    # layout pickles each string once (its memo keys on identity)
                    theirs = tuple((intern(s), intern(p), intern(o)) for s, p, o in triples
                                   if not s.startswith(ARTICLE_OWN))
                    own_count = len(triples) - len(theirs)
                trig_at = trig.tell()
                trig.write(block)
                shared.update(theirs)
                own_triples += own_count
                own_at = own.tell() + 1
                own_bytes = mine.encode()
                if mine:
                    own.write(b"\n" + own_bytes)
                if changes is not None:
                    digests = (old.digest, old.own_digest) if copied else (_digest(block), _digest(own_bytes))
                    changes.graph(name, GraphEntry(digests[0], key, trig_at, len(block), own_at, len(own_bytes),
                                                   digests[1], own_count, theirs), block, mine)
            ttl.write(prefix_lines().encode())
            head = _statements(shared)
            ttl.write("\n".join(text for _, text in head).encode())
            if changes is not None:
                changes.layout.own_base = ttl.tell()
                for subject, text in head:
                    changes.statement(subject, text)
            own.seek(0)
            shutil.copyfileobj(own, ttl, 1 << 20)
    finally:
        if changes is not None:
            changes.close()
    return len(shared) + own_triples


# --- the same statements as rdflib terms, for the Python API -------------------------------

def _term_text(term: str) -> str:
    body = term[1:term.rindex('"')]
    if "\\" not in body:
        return body
    return re.sub(r'\\(u[0-9A-Fa-f]{4}|.)', lambda m: _UNESCAPES.get(m.group(0)) or chr(int(m.group(1)[1:], 16)), body)


def to_rdflib(term: str):
    """A Turtle term of this module as an rdflib term."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    if term.startswith('"'):
        text, tail = _term_text(term), term[term.rindex('"') + 1:]
        return Literal(text, datatype=curie(tail[2:])) if tail.startswith("^^") else Literal(text)
    if term[0].isdigit() or term[0] == "-":
        return Literal(term, datatype=XSD.integer)
    return curie(term)


def to_dataset(resolved: Resolved, rules: Ruleset | None = None) -> Dataset:
    """The dataset of a build, as graph.trig holds it. With `rules`, positions that match a row
    of the dated office table (kg/offices.py) get schema:startDate / schema:endDate from it."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    terms: dict[str, object] = {}

    def term(t: str):
        found = terms.get(t)
        if found is None:
            found = terms[t] = to_rdflib(t)
        return found

    for name, item in _graphs(resolved, rules):
        g = ds.graph(DEFAULT_GRAPH if name is None else URIRef(name))
        for s, p, o in (item if name is None else item.triples()):
            g.add((term(s), term(p), term(o)))
    return ds


def union_graph(ds: Dataset) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
