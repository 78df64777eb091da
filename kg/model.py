"""Plain data passed between the stages (ingest -> extract -> resolve -> graph), never changed
once made: a stage that needs a different value makes a new one (dataclasses.replace).

The classes are not declared frozen, only hashed by value (unsafe_hash): a frozen dataclass
sets each field through object.__setattr__, which made constructing one about 4x slower, and a
rebuild from the caches makes millions of them (1.5 of its 15 s at 10,000 articles).

No rdflib terms live here: extraction stays testable alone, cacheable and cheap to send
to worker processes. Offsets always count Unicode code points into `Article.text`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Entity kinds of the graph contract; "Meeting" is an entity too, resolved like the rest.
ENTITY_KINDS = (
    "Person", "Country", "City", "Place", "Site", "Organization",
    "DefenseSystem", "Proposal", "Meeting",
)
ACTOR_KINDS = ("Person", "Country", "Organization")


@dataclass(slots=True, unsafe_hash=True)
class Span:
    start: int
    end: int


@dataclass(slots=True, unsafe_hash=True)
class Article:
    """One input article, its text exactly as decoded, and what its page header says."""

    id: str                      # file stem, unique within a build
    source: str                  # the input file's name (nkg:sourceFile)
    text: str                    # the whole file, decoded from UTF-8, no newline conversion
    blocks: tuple[Span, ...]     # the article's own lines, page clutter left out
    headline: str | None = None
    headline_span: Span | None = None
    date: dt.date | None = None  # publication date, only when the text states it
    publisher: str | None = None  # gazetteer id of the publisher, when recognisable
    url: str | None = None
    record: str | None = None    # where in a many-article file: "record 3" (WARC), "line 12", "row 5"
    authors: tuple[str, ...] = ()  # as the page or row names them
    duplicate_of: str | None = None  # id of the article this one repeats (kg.dedup: near-duplicate)
    publisher_name: str | None = None  # the outlet's name when the gazetteer does not know it


@dataclass(slots=True, unsafe_hash=True)
class Evidence:
    """Where a fact was read: article, code-point offsets of the sentence, and the rule id."""

    article: str
    start: int
    end: int
    sentence: str
    rule: str


@dataclass(slots=True, unsafe_hash=True)
class EntityRecord:
    """What one article says an entity is. `ref` is the key resolve() merges on."""

    ref: str                     # "gaz:<gazetteer id>" or "new:<Kind>:<name>" or "site:..."
    kind: str
    label: str                   # the best name the article gives
    names: tuple[str, ...] = ()  # every surface form met in the article
    subtype: str | None = None   # e.g. schema class of an organization, site kind, meeting kind
    props: tuple[tuple[str, str], ...] = ()

    def prop(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.props:
            if k == key:
                return v
        return default


@dataclass(slots=True, unsafe_hash=True)
class Mention:
    ref: str
    start: int
    end: int
    text: str
    rule: str


@dataclass(slots=True, unsafe_hash=True)
class Fact:
    """subject --predicate--> object. Objects are refs unless `datatype` names a literal type."""

    subject: str
    predicate: str               # CURIE of the contract, e.g. "nkg:opposes"
    object: str
    evidence: Evidence
    datatype: str | None = None  # "xsd:date", "xsd:gYearMonth" or "xsd:string" for literals


@dataclass(slots=True, unsafe_hash=True)
class PositionClaim:
    """A person holds an office, as one sentence states it."""

    person: str
    title: str                   # lower-case role title, e.g. "foreign minister"
    of: str | None               # ref of a Country or Organization
    evidence: Evidence
    group: str | None = None     # titles of one group exclude each other (one portfolio at a time)


@dataclass(slots=True, unsafe_hash=True)
class QuoteRecord:
    speaker: str
    text: str
    start: int                   # offsets of the quoted words themselves
    end: int
    evidence: Evidence


@dataclass(slots=True, unsafe_hash=True)
class Extraction:
    """Everything the rules read from one article."""

    article: Article
    entities: tuple[EntityRecord, ...] = ()
    mentions: tuple[Mention, ...] = ()
    facts: tuple[Fact, ...] = ()
    positions: tuple[PositionClaim, ...] = ()
    quotes: tuple[QuoteRecord, ...] = ()
    warnings: tuple[str, ...] = field(default=())
