r"""Score a built graph against a gold annotation: graph + gold TOML -> precision, recall, F1.

Takes a graph (an RDF file, the folder `kg build` wrote, or an rdflib graph) and a
gold file laid out like ``tests/gold/seeds.toml``; gives an `Evaluation`: one
`PartScore` per part of the graph, the evidence figures, the messages saying what
was missed or spurious, and the overall F1 (the mean F1 of entities, mentions,
articles, meetings, meeting attendees, positions, facts and quotes).

The figures are those of the project's independent judge, ``shared/eval/score.py``,
for the same inputs, and `format_table` prints its layout, so that the output of
``kg evaluate`` can be read next to the judge's. Where the judge's behaviour is odd
but changes figures (newline handling, tie-breaking), this module follows it and
says so; a gold file the judge would crash on is refused with an `EvaluationError`.

How predictions meet the gold:

- A node is an entity of kind Person ... Proposal by its ``rdf:type`` (subclasses
  declared in the graph count). It matches the gold entity of the same kind that
  most of its names name, ``rdfs:label`` first, then ``schema:alternateName`` and
  ``schema:name``; names compare case-, accent- and punctuation-free, with leading
  honorifics dropped ("Mr. Lavrov" is "Lavrov").
- Any other node in a relation stands for itself, as ``?label``.
- Meetings pair with gold meetings greedily by affinity (shared attendees, place,
  date, name); positions by person, title and country or organization; quotes by
  speaker, article and the first 40 characters of the quoted words.
- An entity, meeting, position, fact or quote marked ``optional`` in the gold is
  neither missed when absent nor spurious when present.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib import RDF, RDFS, Namespace
from rdflib.term import Node

from kg.errors import EvaluationError

__all__ = [
    "Evaluation", "EvidenceScore", "Gold", "PartScore",
    "evaluate", "format_table", "load_gold", "parse_gold", "read_graph", "to_json",
]

SDO = Namespace("https://schema.org/")
NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")

# Words dropped from the front of a name, so that "Mr. Lavrov", "President Putin" and
# "the Kremlin" meet the gold's "Lavrov", "Putin" and "Kremlin". The judge's list.
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sir", "president", "presidentelect", "secretary",
    "minister", "chancellor", "prime", "premier", "senator", "gen", "general", "the",
})

# The classes that make a node of each kind the gold knows.
KIND_CLASSES = {
    "Person": (SDO.Person,),
    "Site": (NKG.Site,),
    "City": (SDO.City,),
    "Country": (SDO.Country,),
    "Place": (SDO.Place, SDO.AdministrativeArea, SDO.Continent, SDO.State),
    "Meeting": (NKG.Meeting,),
    "DefenseSystem": (NKG.DefenseSystem,),
    "Proposal": (NKG.Proposal,),
    "Quote": (NKG.Quote,),
    "Article": (SDO.NewsArticle,),
    "Organization": (SDO.Organization, SDO.GovernmentOrganization, SDO.NewsMediaOrganization,
                     SDO.EducationalOrganization, SDO.CollegeOrUniversity, SDO.NGO,
                     SDO.Corporation, SDO.PoliticalParty, SDO.ResearchOrganization),
}
# A node typed with classes of several kinds takes the most specific: a Site that is
# also declared a schema:Place is scored as a Site.
KIND_PRIORITY = ("Person", "Site", "City", "Country", "Place", "Meeting", "DefenseSystem",
                 "Proposal", "Quote", "Article", "Organization")
ENTITY_KINDS = ("Person", "Country", "City", "Place", "Site", "Organization",
                "DefenseSystem", "Proposal")

FACT_PROPERTIES = {
    "affiliation": SDO.affiliation, "successorOf": NKG.successorOf, "opposes": NKG.opposes,
    "supports": NKG.supports, "proposed": NKG.proposed, "containedInPlace": SDO.containedInPlace,
    "partOf": NKG.partOf, "aimedAt": NKG.aimedAt,
}
# Where a proposal would put things has no property of its own: it is schema:location
# on a Proposal, so it is scored only when the gold asks for it.
PROPOSAL_LOCATION = "proposalLocation"

# The properties whose triples the contract says must carry evidence.
EVIDENCE_PROPERTIES = (SDO.attendee, SDO.location, SDO.startDate, NKG.holdsPosition,
                       SDO.affiliation, NKG.successorOf, NKG.opposes, NKG.supports,
                       NKG.proposed, SDO.containedInPlace, NKG.partOf, NKG.aimedAt,
                       NKG.speaker)

# The parts the overall F1 averages; the other rows detail meetings and positions.
OVERALL_PARTS = ("entities", "mentions", "articles", "meetings", "meeting attendees",
                 "positions", "facts", "quotes")
# JSON names of the sub-rows, as the judge writes them.
BREAKDOWN_KEYS = {"entities": "by_kind", "facts": "by_property"}

GRAPH_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nt": "nt",
                 ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml"}
GRAPH_FILE_IN_BUILD_FOLDER = "graph.ttl"

# A meeting must share at least this much with a gold meeting to be paired with it:
# half its attendees, or its place, date or name.
MIN_MEETING_AFFINITY = 0.5
# Quotes match on their opening words: extractors cut quotations at different ends.
QUOTE_PREFIX_CHARS = 40
# Bad offsets are usually systematic; a few examples say enough.
OFFSET_ERRORS_KEPT = 20
ERRORS_SHOWN_PER_CATEGORY = 60


# ---------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class PartScore:
    """True positives, false positives and false negatives of one part of the graph.

    `breakdown` holds the same counts per entity kind (for "entities") or per
    property (for "facts"); it is empty for the other parts.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    breakdown: Mapping[str, PartScore] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PartScore) -> PartScore:
        return PartScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True, slots=True)
class EvidenceScore:
    """How many evidence-bearing facts have evidence, and how many offsets are right.

    Offsets are checked only for articles whose text was found (`articles_dir`).
    """

    facts: int
    with_evidence: int
    offsets_checked: int
    offsets_valid: int

    @property
    def coverage(self) -> float:
        return self.with_evidence / self.facts if self.facts else 0.0

    @property
    def offset_validity(self) -> float:
        return self.offsets_valid / self.offsets_checked if self.offsets_checked else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything `evaluate` found: one score per part, evidence, and what went wrong.

    `parts` keeps the judge's order: entities, mentions, articles, meetings, meeting
    attendees, meeting locations, meeting dates, positions, position of, facts,
    quotes. `errors` maps a category ("entities: missed") to its messages.
    """

    parts: Mapping[str, PartScore]
    evidence: EvidenceScore
    errors: Mapping[str, list[str]]

    @property
    def overall_f1(self) -> float:
        return sum(self.parts[name].f1 for name in OVERALL_PARTS) / len(OVERALL_PARTS)


# ---------------------------------------------------------------- gold

@dataclass(frozen=True, slots=True)
class GoldArticle:
    key: str             # the file-name prefix, e.g. "000"
    file: str            # the article file's name, relative to the articles folder
    headline: str
    date: str | None     # ISO date, only when the text states it


@dataclass(frozen=True, slots=True)
class GoldEntity:
    id: str
    kind: str
    names: tuple[str, ...]      # every surface form; the first is canonical
    articles: tuple[str, ...]   # keys of the articles that mention it
    optional: bool


@dataclass(frozen=True, slots=True)
class GoldMeeting:
    id: str
    names: tuple[str, ...]
    attendees: frozenset[str]
    optional_attendees: frozenset[str]
    locations: frozenset[str]   # any one of them is right
    dates: frozenset[str]       # any one of them is right
    optional: bool


@dataclass(frozen=True, slots=True)
class GoldPosition:
    person: str
    titles: tuple[str, ...]     # accepted role titles; the first names it in messages
    of: str                     # country or organization id, or "" when any will do
    optional: bool


@dataclass(frozen=True, slots=True)
class GoldPairs:
    """The (subject id, object id) pairs of one fact property."""

    pairs: frozenset[tuple[str, str]] = frozenset()
    optional_pairs: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class GoldQuote:
    speaker: str
    article: str
    text: str                   # the opening words of the quoted text


@dataclass(frozen=True, slots=True)
class Gold:
    """A gold annotation, read and checked by `load_gold` or `parse_gold`."""

    source: str
    articles: tuple[GoldArticle, ...] = ()
    entities: tuple[GoldEntity, ...] = ()
    meetings: tuple[GoldMeeting, ...] = ()
    positions: tuple[GoldPosition, ...] = ()
    facts: Mapping[str, GoldPairs] = field(default_factory=dict)
    quotes: tuple[GoldQuote, ...] = ()
    optional_quotes: tuple[GoldQuote, ...] = ()


def load_gold(path: str | Path) -> Gold:
    """Read a gold annotation file.

    Parameters
    ----------
    path : the TOML file, laid out like ``tests/gold/seeds.toml``.

    Returns
    -------
    Gold

    Raises `EvaluationError` naming the file when it is missing, not UTF-8, not
    TOML (with the line), or lacks a key the scoring needs.
    """
    path = Path(path)
    return parse_gold(_read_text_file(path, "gold file"), source=str(path))


def parse_gold(text: str, source: str = "<gold>") -> Gold:
    r"""Read a gold annotation from TOML text; `source` names it in error messages.

    Example
    -------
    >>> gold = parse_gold('[[entity]]\nid = "lavrov"\nkind = "Person"\nnames = ["Lavrov"]')
    >>> gold.entities[0].names
    ('Lavrov',)
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EvaluationError(f"{source}: not valid TOML: {exc}") from None
    gold = Gold(
        source=source,
        articles=tuple(_gold_article(t) for t in _tables(data, "article", source)),
        entities=tuple(_gold_entity(t) for t in _tables(data, "entity", source)),
        meetings=tuple(_gold_meeting(t) for t in _tables(data, "meeting", source)),
        positions=tuple(_gold_position(t) for t in _tables(data, "position", source)),
        facts=_gold_facts(_tables(data, "fact", source)),
        **_gold_quotes(_tables(data, "quotes", source), source),
    )
    _refuse_duplicates(source, "article", [a.key for a in gold.articles])
    _refuse_duplicates(source, "entity", [e.id for e in gold.entities])
    return gold


class _Table:
    """One [[section]] table of a gold file, with typed reads that name it on error."""

    def __init__(self, source: str, section: str, number: int, data: Any):
        self.where = f"{source}: [[{section}]] number {number}"
        if not isinstance(data, dict):
            raise EvaluationError(f"{self.where}: not a table")
        self.data = data

    def fail(self, problem: str) -> EvaluationError:
        return EvaluationError(f"{self.where}: {problem}")

    def text(self, key: str, required: bool = True, non_empty: bool = False) -> str | None:
        if key not in self.data:
            if required:
                raise self.fail(f"missing key {key!r}")
            return None
        value = self.data[key]
        # TOML dates (date = 2008-03-18) would never equal the graph's text: ask for quotes.
        if not isinstance(value, str):
            raise self.fail(f"{key!r} must be a quoted string, not {value!r}")
        if non_empty and not value:
            raise self.fail(f"{key!r} must not be empty")
        return value

    def texts(self, key: str, required: bool = False, non_empty: bool = False) -> tuple[str, ...]:
        if key not in self.data:
            if required:
                raise self.fail(f"missing key {key!r}")
            return ()
        value = self.data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key!r} must be a list of quoted strings")
        if non_empty and not value:
            raise self.fail(f"{key!r} must not be empty")
        return tuple(value)

    def rows(self, key: str, width: int) -> tuple[tuple[str, ...], ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(
                isinstance(row, list) and len(row) == width and all(isinstance(v, str) for v in row)
                for row in value):
            raise self.fail(f"{key!r} must be a list of [{', '.join(['...'] * width)}] lists of strings")
        return tuple(tuple(row) for row in value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false")
        return value


def _tables(data: dict, section: str, source: str) -> list[_Table]:
    """The [[section]] tables of a gold file, in file order."""
    tables = data.get(section, [])
    if not isinstance(tables, list):
        raise EvaluationError(f"{source}: {section!r} must be written [[{section}]], an array of tables")
    return [_Table(source, section, n, t) for n, t in enumerate(tables, start=1)]


def _gold_article(table: _Table) -> GoldArticle:
    return GoldArticle(key=table.text("key", non_empty=True), file=table.text("file", non_empty=True),
                       headline=table.text("headline"), date=table.text("date", required=False))


def _gold_entity(table: _Table) -> GoldEntity:
    return GoldEntity(id=table.text("id", non_empty=True), kind=table.text("kind"),
                      names=table.texts("names", required=True),
                      articles=table.texts("articles"), optional=table.flag("optional"))


def _gold_meeting(table: _Table) -> GoldMeeting:
    return GoldMeeting(id=table.text("id"), names=table.texts("names", required=True),
                       attendees=frozenset(table.texts("attendees", required=True)),
                       optional_attendees=frozenset(table.texts("optional_attendees")),
                       locations=frozenset(table.texts("location")),
                       dates=frozenset(table.texts("date")), optional=table.flag("optional"))


def _gold_position(table: _Table) -> GoldPosition:
    return GoldPosition(person=table.text("person"),
                        titles=table.texts("titles", required=True, non_empty=True),
                        of=table.text("of"), optional=table.flag("optional"))


def _gold_facts(tables: list[_Table]) -> dict[str, GoldPairs]:
    facts: dict[str, GoldPairs] = {}
    for table in tables:
        name = table.text("p")
        if name not in FACT_PROPERTIES and name != PROPOSAL_LOCATION:
            known = ", ".join(sorted([*FACT_PROPERTIES, PROPOSAL_LOCATION]))
            raise table.fail(f"unknown property {name!r} (known: {known})")
        if name in facts:
            raise table.fail(f"property {name!r} already has a [[fact]] table")
        facts[name] = GoldPairs(frozenset(table.rows("pairs", 2)),
                                frozenset(table.rows("optional_pairs", 2)))
    return facts


def _gold_quotes(tables: list[_Table], source: str) -> dict[str, tuple[GoldQuote, ...]]:
    # The judge reads only the first [[quotes]] table; a second would be ignored
    # without a word, so it is refused instead.
    if len(tables) > 1:
        raise EvaluationError(f"{source}: more than one [[quotes]] table; put every quote in one")
    if not tables:
        return {"quotes": (), "optional_quotes": ()}
    table = tables[0]
    return {"quotes": tuple(GoldQuote(*row) for row in table.rows("items", 3)),
            "optional_quotes": tuple(GoldQuote(*row) for row in table.rows("optional_items", 3))}


def _refuse_duplicates(source: str, section: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise EvaluationError(f"{source}: two [[{section}]] tables have the id {item!r}")
        seen.add(item)


def _read_text_file(path: Path, what: str) -> str:
    """A text file's content as the judge reads it (UTF-8, universal newlines)."""
    if not path.exists():
        raise EvaluationError(f"{path}: no such {what}")
    if path.is_dir():
        raise EvaluationError(f"{path}: is a folder, not a {what}")
    try:
        # read_text turns "\r\n" into "\n". The contract's offsets count the file as
        # is, but the judge reads it this way, and the figures must be the judge's.
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EvaluationError(
            f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read: {exc.strerror}") from None


# ---------------------------------------------------------------- graph

def read_graph(source: str | Path | rdflib.Graph) -> rdflib.Graph:
    """The graph to score, as one rdflib Graph.

    Parameters
    ----------
    source : an RDF file (.ttl, .trig, .nt, .nq, .jsonld; other suffixes are read
        as Turtle), a build folder (its ``graph.ttl`` is read), or an rdflib Graph.
        Named graphs (TriG, N-Quads, an rdflib Dataset) are merged into one.

    Returns
    -------
    rdflib.Graph

    Raises `EvaluationError` naming the file when it is missing or cannot be parsed.
    """
    if isinstance(source, rdflib.ConjunctiveGraph):  # also rdflib.Dataset
        return _merge_named_graphs(source)
    if isinstance(source, rdflib.Graph):
        return source
    path = Path(source)
    if path.is_dir():
        folder, path = path, path / GRAPH_FILE_IN_BUILD_FOLDER
        if not path.is_file():
            raise EvaluationError(f"{folder}: no {GRAPH_FILE_IN_BUILD_FOLDER} in this folder; "
                                  f"give a graph file or a folder `kg build` wrote")
    if not path.exists():
        raise EvaluationError(f"{path}: no such graph file")
    rdf_format = GRAPH_FORMATS.get(path.suffix.lower(), "turtle")
    try:
        if rdf_format in ("trig", "nquads"):
            dataset = rdflib.Dataset()
            dataset.parse(path, format=rdf_format)
            return _merge_named_graphs(dataset)
        graph = rdflib.Graph()
        graph.parse(path, format=rdf_format)
        return graph
    # rdflib's parsers raise their own exceptions, SyntaxError, ValueError, SAX and
    # JSON errors; any of them means the same thing here.
    except Exception as exc:
        raise EvaluationError(f"{path}: not valid {rdf_format}: {_parse_problem(exc)}") from None


def _merge_named_graphs(dataset: rdflib.ConjunctiveGraph) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _parse_problem(exc: Exception) -> str:
    """One line saying what the parser disliked, and where when it says so."""
    why, line = getattr(exc, "_why", None), getattr(exc, "lines", None)
    if why is not None and isinstance(line, int):  # rdflib's Turtle/TriG BadSyntax
        return f"line {line + 1}: {why}"
    return " ".join(str(exc).split())[:300] or type(exc).__name__


# ---------------------------------------------------------------- names

def normalize(text: str) -> str:
    """Case-, accent- and punctuation-free form of a name or phrase.

    >>> normalize("Sergéy Lavrov's  U.S. talks")
    'sergey lavrov us talks'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    # The possessive goes before lower-casing, as in the judge: "'S " stays.
    text = text.replace("\u2019", "'").replace("'s ", " ").lower()
    text = re.sub(r"[^a-z0-9+ ]+", " ", text.replace(".", ""))
    return " ".join(text.split())


def name_forms(text: str) -> set[str]:
    """A name's normal form, and the form without leading honorifics and articles.

    >>> sorted(name_forms("Mr. Lavrov"))
    ['lavrov', 'mr lavrov']
    """
    full = normalize(text)
    words = full.split()
    while words and words[0] in HONORIFICS:
        words = words[1:]
    return {form for form in (full, " ".join(words)) if form}


# ---------------------------------------------------------------- what the graph says

@dataclass(frozen=True, slots=True)
class _EntityMatch:
    gold_id: str
    by_label: bool   # matched through rdfs:label rather than another name


@dataclass(frozen=True, slots=True)
class _Predictions:
    """The graph, with each typed node's kind and each node's gold counterpart."""

    graph: rdflib.Graph
    kinds: Mapping[Node, str | None]
    article_keys: Mapping[Node, str]
    entity_matches: Mapping[Node, _EntityMatch | None]

    def nodes_of(self, kind: str) -> list[Node]:
        return sorted((n for n, k in self.kinds.items() if k == kind), key=str)

    def names(self, node: Node) -> tuple[list[str], list[str]]:
        """(labels, other names) of a node."""
        labels = [str(o) for o in self.graph.objects(node, RDFS.label)]
        others = [str(o) for o in self.graph.objects(node, SDO.alternateName)]
        others += [str(o) for o in self.graph.objects(node, SDO.name)]
        return labels, others

    def label(self, node: Node) -> str:
        labels, others = self.names(node)
        return (labels or others or [str(node)])[0]

    def gold_id(self, node: Node) -> str | None:
        match = self.entity_matches.get(node)
        return match.gold_id if match else None

    def ref(self, node: Node) -> str:
        """The gold id a node stands for, or "?label" when it matches none."""
        return self.gold_id(node) or f"?{self.label(node)}"


def _read_predictions(graph: rdflib.Graph, gold: Gold) -> _Predictions:
    class_kinds = _class_kinds(graph)
    kinds = {node: _kind_of(graph, node, class_kinds) for node in set(graph.subjects(RDF.type, None))}
    partial = _Predictions(graph, kinds, {}, {})
    return _Predictions(graph, kinds, _article_keys(partial, gold), _match_entities(partial, gold))


def _class_kinds(graph: rdflib.Graph) -> dict[Node, str]:
    """Kind of each known class, and of each class the graph declares a subclass of one."""
    kinds: dict[Node, str] = {}
    for kind, classes in KIND_CLASSES.items():
        for cls in classes:
            kinds.setdefault(cls, kind)
    changed = True
    while changed:  # until subclasses of subclasses are reached too
        changed = False
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            if sup in kinds and sub not in kinds:
                kinds[sub] = kinds[sup]
                changed = True
    return kinds


def _kind_of(graph: rdflib.Graph, node: Node, class_kinds: Mapping[Node, str]) -> str | None:
    kinds = {class_kinds[t] for t in graph.objects(node, RDF.type) if t in class_kinds}
    return next((k for k in KIND_PRIORITY if k in kinds), None)


def _article_keys(pred: _Predictions, gold: Gold) -> dict[Node, str]:
    """Gold article key of each article node, by the file name or stem of nkg:sourceFile."""
    key_by_file = {}
    for article in gold.articles:
        key_by_file[Path(article.file).name] = article.key
        key_by_file[Path(article.file).stem] = article.key
    keys = {}
    for node in pred.nodes_of("Article"):
        for source_file in pred.graph.objects(node, NKG.sourceFile):
            name = Path(str(source_file)).name
            key = key_by_file.get(name) or key_by_file.get(Path(name).stem)
            if key:
                keys[node] = key
    return keys


def _match_entities(pred: _Predictions, gold: Gold) -> dict[Node, _EntityMatch | None]:
    """Each entity node's gold entity: the one most of its labels name, else most of its other names."""
    ids_by_form: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity in gold.entities:
        for name in entity.names:
            for form in name_forms(name):
                ids_by_form[(entity.kind, form)].add(entity.id)
    matches = {}
    for kind in ENTITY_KINDS:
        for node in pred.nodes_of(kind):
            labels, others = pred.names(node)
            matches[node] = None
            for by_label, names in ((True, labels), (False, others)):
                gold_id = _most_named(names, kind, ids_by_form)
                if gold_id:
                    matches[node] = _EntityMatch(gold_id, by_label)
                    break
    return matches


def _most_named(names: Iterable[str], kind: str,
                ids_by_form: Mapping[tuple[str, str], set[str]]) -> str | None:
    """The gold id that most forms of `names` point to; ties go to the smallest id."""
    votes: dict[str, int] = defaultdict(int)
    for name in names:
        for form in name_forms(name):
            for gold_id in ids_by_form.get((kind, form), ()):
                votes[gold_id] += 1
    return min(votes, key=lambda gold_id: (-votes[gold_id], gold_id)) if votes else None


# ---------------------------------------------------------------- scoring

class _ErrorLog:
    """Messages by category, categories in the order the scoring first meets them.

    A category is opened even when nothing is added to it, because the judge's
    listing orders categories that way; empty ones are dropped at the end.
    """

    def __init__(self) -> None:
        self._messages: dict[str, list[str]] = {}

    def add(self, category: str, *messages: str) -> None:
        self._messages.setdefault(category, []).extend(messages)

    def count(self, category: str) -> int:
        return len(self._messages.setdefault(category, []))

    def as_dict(self) -> dict[str, list[str]]:
        return {category: items for category, items in self._messages.items() if items}


@dataclass(slots=True)
class _Tally:
    """Counts being gathered for one part; frozen into a PartScore when done."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def score(self) -> PartScore:
        return PartScore(self.tp, self.fp, self.fn)


def _compare_sets(predicted: set, gold: set, optional: Iterable = frozenset()
                  ) -> tuple[PartScore, list[str], list[str]]:
    """Score a predicted set against a gold set: (score, spurious, missed)."""
    spurious = predicted - gold - set(optional)
    missed = gold - predicted
    score = PartScore(len(predicted & gold), len(spurious), len(missed))
    return score, sorted(map(str, spurious)), sorted(map(str, missed))


def _score_entities(pred: _Predictions, gold: Gold, log: _ErrorLog) -> PartScore:
    by_kind = {kind: _score_entities_of_kind(kind, pred, gold, log) for kind in ENTITY_KINDS}
    total = sum(by_kind.values(), PartScore())
    return PartScore(total.tp, total.fp, total.fn, by_kind)


def _score_entities_of_kind(kind: str, pred: _Predictions, gold: Gold, log: _ErrorLog) -> PartScore:
    required = {e.id for e in gold.entities if e.kind == kind and not e.optional}
    optional = {e.id for e in gold.entities if e.kind == kind and e.optional}

    def claim_order(node: Node) -> int:
        # A node matched by its label claims its gold entity before one matched by
        # another name, so that "Moscow" the city is not beaten by "Moscow" meaning Russia.
        match = pred.entity_matches[node]
        return 2 if match is None else (0 if match.by_label else 1)

    tally, claimed = _Tally(), set()
    for node in sorted(pred.nodes_of(kind), key=claim_order):
        match = pred.entity_matches[node]
        if match is None:
            tally.fp += 1
            log.add("entities: spurious", f"{kind} {pred.label(node)!r}")
        elif match.gold_id in claimed:
            if match.gold_id not in optional:
                tally.fp += 1
                log.add("entities: duplicate", f"{kind} {pred.label(node)!r} = {match.gold_id}")
        else:
            claimed.add(match.gold_id)
            tally.tp += match.gold_id in required
    missed = sorted(required - claimed)
    tally.fn += len(missed)
    log.add("entities: missed", *(f"{kind} {gold_id}" for gold_id in missed))
    return tally.score()


def _score_mentions(pred: _Predictions, gold: Gold, log: _ErrorLog) -> PartScore:
    """(article, entity) pairs from schema:mentions; optional entities are ignored."""
    required, optional = set(), set()
    for entity in gold.entities:
        for article in entity.articles:
            (optional if entity.optional else required).add((article, entity.id))
    optional_ids = {e.id for e in gold.entities if e.optional}
    predicted = set()
    for article, key in pred.article_keys.items():
        for entity in pred.graph.objects(article, SDO.mentions):
            if pred.kinds.get(entity) not in ENTITY_KINDS or pred.gold_id(entity) in optional_ids:
                continue
            predicted.add((key, pred.ref(entity)))
    score, spurious, missed = _compare_sets(predicted, required, optional)
    log.add("mentions: spurious", *spurious)
    log.add("mentions: missed", *missed)
    return score


def _score_articles(pred: _Predictions, gold: Gold, log: _ErrorLog) -> PartScore:
    """Headline and publication date of each article; a date the text lacks is spurious."""
    by_key = {a.key: a for a in gold.articles}
    tally = _Tally()
    for node, key in pred.article_keys.items():
        article = by_key[key]
        headlines = {normalize(h) for h in pred.graph.objects(node, SDO.headline)}
        if normalize(article.headline) in headlines:
            tally.tp += 1
        else:
            tally.fn += 1
            log.add("articles: headline", f"{key}: {sorted(headlines)}")
        dates = {str(d)[:10] for d in pred.graph.objects(node, SDO.datePublished)}
        if article.date is not None:
            if article.date in dates:
                tally.tp += 1
            else:
                tally.fn += 1
                log.add("articles: date", f"{key}: got {sorted(dates)} want {article.date}")
            tally.fp += len(dates - {article.date})
        else:
            tally.fp += len(dates)
            if dates:
                log.add("articles: date not in text", f"{key}: {sorted(dates)}")
    for key in sorted(set(by_key) - set(pred.article_keys.values())):
        tally.fn += 1 + (by_key[key].date is not None)
        log.add("articles: missing", key)
    return tally.score()


@dataclass(frozen=True, slots=True)
class _PredictedMeeting:
    node: Node
    attendees: frozenset[str]
    locations: frozenset[str]
    dates: frozenset[str]
    names: str        # all its names, normalized, in one string


def _predicted_meetings(pred: _Predictions) -> list[_PredictedMeeting]:
    meetings = []
    for node in pred.nodes_of("Meeting"):
        labels, others = pred.names(node)
        meetings.append(_PredictedMeeting(
            node,
            frozenset(pred.ref(p) for p in pred.graph.objects(node, SDO.attendee)),
            frozenset(pred.ref(p) for p in pred.graph.objects(node, SDO.location)),
            frozenset(str(d) for d in pred.graph.objects(node, SDO.startDate)),
            " ".join(normalize(name) for name in labels + others)))
    return meetings


def _meeting_affinity(meeting: _PredictedMeeting, gold: GoldMeeting) -> float:
    """How alike two meetings are: attendee overlap (0-1), +0.5 each for place, date, name."""
    allowed = gold.attendees | gold.optional_attendees
    affinity = len(meeting.attendees & allowed) / max(1, len(meeting.attendees | gold.attendees))
    if meeting.locations & gold.locations:
        affinity += 0.5
    if meeting.dates & gold.dates:
        affinity += 0.5
    # Short names ("talks") would pair every meeting with every other.
    if any(normalize(n) in meeting.names for n in gold.names if len(normalize(n)) > 5):
        affinity += 0.5
    return affinity


def _pair_meetings(predicted: list[_PredictedMeeting], gold: tuple[GoldMeeting, ...]) -> dict[int, int]:
    """Greedy one-to-one pairing, most alike first: predicted index -> gold index."""
    # Ties go to the later meeting of each list, as in the judge's reverse sort.
    candidates = sorted(((_meeting_affinity(p, g), i, j) for i, p in enumerate(predicted)
                         for j, g in enumerate(gold)), reverse=True)
    pairs: dict[int, int] = {}
    for affinity, i, j in candidates:
        if affinity >= MIN_MEETING_AFFINITY and i not in pairs and j not in pairs.values():
            pairs[i] = j
    return pairs


def _score_meetings(pred: _Predictions, gold: Gold, log: _ErrorLog) -> dict[str, PartScore]:
    """Meetings, and for paired ones their attendees, location and date."""
    predicted = _predicted_meetings(pred)
    pairs = _pair_meetings(predicted, gold.meetings)
    meetings, attendees, locations, dates = _Tally(), _Tally(), _Tally(), _Tally()
    for i, meeting in enumerate(predicted):
        if i not in pairs:
            meetings.fp += 1
            attendees.fp += len(meeting.attendees)
            log.add("meetings: spurious",
                    f"{pred.label(meeting.node)!r} attendees={sorted(meeting.attendees)}")
            continue
        target = gold.meetings[pairs[i]]
        if target.optional:
            continue
        meetings.tp += 1
        _tally_attendees(meeting, target, attendees, log)
        if target.locations:
            _tally_one_of(meeting.locations, target.locations, locations,
                          log, "meetings: location", target.id)
        if target.dates:
            _tally_one_of(meeting.dates, target.dates, dates, log, "meetings: date", target.id)
    paired = set(pairs.values())
    for j, target in enumerate(gold.meetings):
        if j not in paired and not target.optional:
            meetings.fn += 1
            attendees.fn += len(target.attendees)
            locations.fn += bool(target.locations)
            dates.fn += bool(target.dates)
            log.add("meetings: missed", target.id)
    return {"meetings": meetings.score(), "meeting attendees": attendees.score(),
            "meeting locations": locations.score(), "meeting dates": dates.score()}


def _tally_attendees(meeting: _PredictedMeeting, target: GoldMeeting, tally: _Tally,
                     log: _ErrorLog) -> None:
    extra = meeting.attendees - target.attendees - target.optional_attendees
    missing = target.attendees - meeting.attendees
    tally.tp += len(meeting.attendees & target.attendees)
    tally.fp += len(extra)
    tally.fn += len(missing)
    if extra or missing:
        log.add("meetings: attendees", f"{target.id}: extra {sorted(extra)} missing {sorted(missing)}")


def _tally_one_of(found: frozenset[str], accepted: frozenset[str], tally: _Tally,
                  log: _ErrorLog, category: str, meeting_id: str) -> None:
    """A place or date is right when any accepted value was found; a wrong one is also spurious."""
    if found & accepted:
        tally.tp += 1
    else:
        tally.fn += 1
        tally.fp += bool(found)
        log.add(category, f"{meeting_id}: got {sorted(found)}")


@dataclass(frozen=True, slots=True)
class _PositionClaim:
    person: str
    title: str               # normalized nkg:roleTitle
    of: frozenset[str]       # refs of nkg:ofCountry and nkg:ofOrganization

    def order(self) -> tuple[str, str, str]:
        # The judge sorts claims by str() of (person, title, frozenset); reprs never
        # prefix one another, so this tuple sorts the same, but with the set's members
        # sorted, where the judge's order for two or more depends on string hashing.
        members = ", ".join(map(repr, sorted(self.of)))
        return repr(self.person), repr(self.title), f"frozenset({{{members}}})" if members else "frozenset()"


def _position_claims(pred: _Predictions) -> list[_PositionClaim]:
    claims = set()
    for person, position in pred.graph.subject_objects(NKG.holdsPosition):
        of = frozenset(pred.ref(o) for prop in (NKG.ofCountry, NKG.ofOrganization)
                       for o in pred.graph.objects(position, prop))
        for title in pred.graph.objects(position, NKG.roleTitle):
            claims.add(_PositionClaim(pred.ref(person), normalize(title), of))
    # The first claim to reach a gold position decides whether its "of" was right.
    return sorted(claims, key=_PositionClaim.order)


def _title_matches(title: str, accepted: Iterable[str]) -> bool:
    """Equal to an accepted title, or containing one as whole words ("us secretary of state")."""
    return any(title == normalize(t) or re.search(rf"\b{re.escape(normalize(t))}\b", title)
               for t in accepted)


def _gold_position_for(claim: _PositionClaim, positions: tuple[GoldPosition, ...]) -> int | None:
    """Index of the gold position a claim states: a required one, else the last optional one."""
    found = None
    for index, position in enumerate(positions):
        if position.person != claim.person or not _title_matches(claim.title, position.titles):
            continue
        # A claim naming no country or organization is not wrong about it.
        if position.of and claim.of and position.of not in claim.of:
            continue
        found = index
        if not position.optional:
            break
    return found


def _score_positions(pred: _Predictions, gold: Gold, log: _ErrorLog) -> dict[str, PartScore]:
    """Positions held, and for the ones found, whether their country or organization is right."""
    positions, of = _Tally(), _Tally()
    found: set[int] = set()
    for claim in _position_claims(pred):
        index = _gold_position_for(claim, gold.positions)
        if index is None:
            positions.fp += 1
            log.add("positions: spurious", f"{claim.person} {claim.title!r} of {sorted(claim.of)}")
            continue
        target = gold.positions[index]
        # A second claim of a found position, or an optional one, is neither right nor wrong.
        if target.optional or index in found:
            continue
        found.add(index)
        positions.tp += 1
        if target.of:
            if target.of in claim.of:
                of.tp += 1
            else:
                of.fn += 1
                log.add("positions: country or organization",
                        f"{claim.person} {claim.title!r}: got {sorted(claim.of)} want {target.of}")
    for index, target in enumerate(gold.positions):
        if index not in found and not target.optional:
            positions.fn += 1
            log.add("positions: missed", f"{target.person} {target.titles[0]!r}")
    return {"positions": positions.score(), "position of": of.score()}


def _fact_triples(name: str, pred: _Predictions) -> Iterator[tuple[Node, Node]]:
    """(subject, object) of the triples that state fact `name`."""
    if name == PROPOSAL_LOCATION:
        return ((s, o) for s, o in pred.graph.subject_objects(SDO.location)
                if pred.kinds.get(s) == "Proposal")
    triples = pred.graph.subject_objects(FACT_PROPERTIES[name])
    if name == "containedInPlace":
        # Cities and places are contained in countries too; only sites are annotated.
        return ((s, o) for s, o in triples if pred.kinds.get(s) == "Site")
    return iter(triples)


def _score_facts(pred: _Predictions, gold: Gold, log: _ErrorLog) -> PartScore:
    by_property = {}
    for name in sorted(set(FACT_PROPERTIES) | set(gold.facts)):
        target = gold.facts.get(name, GoldPairs())
        predicted = {(pred.ref(s), pred.ref(o)) for s, o in _fact_triples(name, pred)}
        score, spurious, missed = _compare_sets(predicted, set(target.pairs), target.optional_pairs)
        log.add(f"{name}: spurious", *spurious)
        log.add(f"{name}: missed", *missed)
        by_property[name] = score
    total = sum(by_property.values(), PartScore())
    return PartScore(total.tp, total.fp, total.fn, by_property)


@dataclass(frozen=True, slots=True)
class _PredictedQuote:
    speakers: frozenset[str]
    articles: frozenset[str | None]   # None: derived from a node that is no known article
    texts: tuple[str, ...]            # normalized

    def states(self, quote: GoldQuote) -> bool:
        opening = normalize(quote.text)[:QUOTE_PREFIX_CHARS]
        return (quote.speaker in self.speakers and quote.article in self.articles
                and any(opening in text for text in self.texts))


def _score_quotes(pred: _Predictions, gold: Gold, log: _ErrorLog) -> PartScore:
    """Quotes by speaker, article and opening words; a misattributed quote is spurious."""
    found: set[int] = set()
    spurious = 0
    for node in pred.nodes_of("Quote"):
        quote = _PredictedQuote(
            frozenset(pred.ref(p) for p in pred.graph.objects(node, NKG.speaker)),
            frozenset(pred.article_keys.get(a) for a in pred.graph.objects(node, PROV.wasDerivedFrom)),
            tuple(normalize(t) for t in pred.graph.objects(node, NKG.text)))
        stated = {i for i, item in enumerate(gold.quotes) if quote.states(item)}
        found |= stated
        if not stated and not any(quote.states(item) for item in gold.optional_quotes):
            spurious += 1
            opening = quote.texts[0][:60] if quote.texts else ""
            log.add("quotes: spurious or misattributed",
                    f"{sorted(map(str, quote.speakers))} {sorted(map(str, quote.articles))} {opening!r}")
    log.add("quotes: missed", *(f"{q.speaker} {q.article} {normalize(q.text)[:50]!r}"
                                for i, q in enumerate(gold.quotes) if i not in found))
    return PartScore(len(found), spurious, len(gold.quotes) - len(found))


def _score_evidence(pred: _Predictions, gold: Gold, articles_dir: Path | None,
                    log: _ErrorLog) -> EvidenceScore:
    """Share of evidence-bearing facts with an nkg:Evidence node, and of offsets that hold."""
    graph = pred.graph
    evidence_by_triple: dict[tuple, list[Node]] = defaultdict(list)
    for evidence in graph.subjects(RDF.type, NKG.Evidence):
        triple = (graph.value(evidence, RDF.subject), graph.value(evidence, RDF.predicate),
                  graph.value(evidence, RDF.object))
        evidence_by_triple[triple].append(evidence)
    facts = covered = 0
    for prop in EVIDENCE_PROPERTIES:
        for s, o in graph.subject_objects(prop):
            facts += 1
            covered += bool(evidence_by_triple.get((s, prop, o)))
    texts = _article_texts(pred, gold, articles_dir) if articles_dir is not None else {}
    checked = valid = 0
    for evidence in (e for group in evidence_by_triple.values() for e in group):
        start, end = graph.value(evidence, NKG.charStart), graph.value(evidence, NKG.charEnd)
        article = graph.value(evidence, PROV.wasDerivedFrom)
        if start is None or end is None or article not in texts:
            continue
        checked += 1
        if _quoted_span(texts[article], start, end) == str(graph.value(evidence, NKG.sentence)):
            valid += 1
        elif log.count("evidence: offsets") < OFFSET_ERRORS_KEPT:
            log.add("evidence: offsets", f"{pred.label(article)} [{start}:{end}]")
    return EvidenceScore(facts, covered, checked, valid)


def _quoted_span(text: str, start: Node, end: Node) -> str | None:
    """text[start:end], or None when an offset is not an integer."""
    try:
        return text[int(start):int(end)]
    except (TypeError, ValueError):
        return None


def _article_texts(pred: _Predictions, gold: Gold, articles_dir: Path) -> dict[Node, str]:
    """Text of each article node whose gold file is in `articles_dir`."""
    if not articles_dir.is_dir():
        raise EvaluationError(f"{articles_dir}: no such articles folder")
    files = {a.key: articles_dir / a.file for a in gold.articles}
    return {node: _read_text_file(files[key], "article file")
            for node, key in pred.article_keys.items() if files[key].exists()}


# ---------------------------------------------------------------- entry points

def evaluate(graph: str | Path | rdflib.Graph, gold: str | Path | Gold,
             articles_dir: str | Path | None = None) -> Evaluation:
    r"""Score a built graph against a gold annotation.

    Parameters
    ----------
    graph : an RDF file, a build folder (its graph.ttl), or an rdflib Graph or Dataset.
    gold : a gold TOML file, or a `Gold` from `load_gold` / `parse_gold`.
    articles_dir : the folder holding the gold's article files; when given, every
        evidence node's offsets are checked against the article text.

    Returns
    -------
    Evaluation

    Raises `EvaluationError` when a file is missing or unreadable.

    Example
    -------
    >>> gold = parse_gold('''
    ... [[entity]]
    ... id = "lavrov"
    ... kind = "Person"
    ... names = ["Sergey Lavrov", "Lavrov"]
    ... ''')
    >>> graph = rdflib.Graph().parse(format="turtle", data='''
    ... <https://w3id.org/newskg/id/person/lavrov> a <https://schema.org/Person> ;
    ...     <http://www.w3.org/2000/01/rdf-schema#label> "Mr. Lavrov" .
    ... ''')
    >>> evaluate(graph, gold).parts["entities"].f1
    1.0
    """
    if not isinstance(gold, Gold):
        gold = load_gold(gold)
    pred = _read_predictions(read_graph(graph), gold)
    log = _ErrorLog()
    parts = {
        "entities": _score_entities(pred, gold, log),
        "mentions": _score_mentions(pred, gold, log),
        "articles": _score_articles(pred, gold, log),
        **_score_meetings(pred, gold, log),
        **_score_positions(pred, gold, log),
        "facts": _score_facts(pred, gold, log),
        "quotes": _score_quotes(pred, gold, log),
    }
    evidence = _score_evidence(pred, gold, None if articles_dir is None else Path(articles_dir), log)
    return Evaluation(parts, evidence, log.as_dict())


def _row(score: PartScore) -> dict[str, Any]:
    return {"tp": score.tp, "fp": score.fp, "fn": score.fn, "precision": round(score.precision, 3),
            "recall": round(score.recall, 3), "f1": round(score.f1, 3)}


def to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The figures as a JSON-ready dict, laid out as the judge's ``--json`` file.

    One row per part ({tp, fp, fn, precision, recall, f1}, rounded to three places;
    "entities" adds "by_kind" and "facts" "by_property"), then "evidence" and
    "overall_f1". Error messages are not included.
    """
    result: dict[str, Any] = {}
    for name, score in evaluation.parts.items():
        result[name] = _row(score)
        if name in BREAKDOWN_KEYS:
            result[name][BREAKDOWN_KEYS[name]] = {k: _row(s) for k, s in score.breakdown.items()}
    ev = evaluation.evidence
    result["evidence"] = {
        "facts": ev.facts, "with_evidence": ev.with_evidence, "coverage": round(ev.coverage, 3),
        "offsets_checked": ev.offsets_checked, "offsets_valid": ev.offsets_valid,
        "offset_validity": round(ev.offset_validity, 3),
    }
    result["overall_f1"] = round(evaluation.overall_f1, 3)
    return result


def format_table(evaluation: Evaluation, show_errors: bool = False) -> str:
    """The figures as the judge prints them: a row per part, evidence, overall F1 last.

    With `show_errors`, what was missed or spurious is listed before the last line,
    at most 60 messages per category. No trailing newline.
    """
    figures = to_json(evaluation)
    lines = [f"{'part':<20} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
    for name in evaluation.parts:
        lines.append(_table_row(name, figures[name]))
        sub_rows = figures[name].get(BREAKDOWN_KEYS.get(name), {})
        lines += [_table_row(f"  {sub}", row) for sub, row in sub_rows.items()]
    ev = figures["evidence"]
    lines.append(f"evidence: {ev['with_evidence']}/{ev['facts']} facts covered ({ev['coverage']:.3f}); "
                 f"offsets valid {ev['offsets_valid']}/{ev['offsets_checked']}")
    if show_errors:
        for category, messages in evaluation.errors.items():
            lines += ["", f"## {category} ({len(messages)})"]
            lines += [f"  {message}" for message in messages[:ERRORS_SHOWN_PER_CATEGORY]]
    lines.append(f"overall F1 = {figures['overall_f1']:.3f}")
    return "\n".join(lines)


def _table_row(name: str, row: Mapping[str, Any]) -> str:
    # Sub-rows are indented by two spaces inside the same 20 columns.
    return (f"{name:<20} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}   "
            f"{row['tp']}/{row['fp']}/{row['fn']}")
