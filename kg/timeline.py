"""A built graph -> what actors said and did, in date order.

    timeline(graph, actor) -> list[TimelineEntry]          stances, proposals and meetings of one actor
    stances_over_time(graph, target=None) -> list[TimelineEntry]   every actor's stances, for plots
    format_timeline(entries) -> str                         the text `kg timeline` prints

The same selection as the library query kg/queries/timeline.rq (which `kg query timeline`
runs on the store), done with rdflib lookups because rdflib's SPARQL engine takes seconds on
the evidence patterns. A stance is dated by its evidence's nkg:observedOn (the article's
date), else the article's schema:datePublished; a meeting by its own schema:startDate, else
the article's date. One entry per evidence node: a stance stated by three articles appears
three times, each with its source. Undated entries come last.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import RDF, RDFS, Graph, Namespace, URIRef

SCHEMA = Namespace("https://schema.org/")
NKG = Namespace("https://w3id.org/newskg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
STANCES = {NKG.opposes: "opposes", NKG.supports: "supports"}
RELATIONS = {**STANCES, NKG.proposed: "proposed"}

__all__ = ["TimelineEntry", "timeline", "stances_over_time", "format_timeline", "find_actor"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str | None             # ISO date (or year-month); None when neither article nor fact is dated
    actor: str                   # label of the actor
    relation: str                # "opposes", "supports", "proposed" or "attended"
    object: str                  # label of the target, proposal or meeting
    article: str | None          # the article's source file
    sentence: str | None
    rule: str | None

    def sort_key(self) -> tuple:
        return (self.date is None, self.date or "", self.article or "", self.relation, self.object)


def _label(g: Graph, node) -> str:
    value = g.value(node, RDFS.label)
    return str(value) if value is not None else str(node).rsplit("/", 1)[-1]


def find_actor(g: Graph, name: str) -> list[URIRef]:
    """Nodes whose label or alternate name is `name` (case-insensitive), or whose IRI ends in it."""
    want = name.casefold()
    found = {s for p in (RDFS.label, SCHEMA.alternateName) for s, o in g.subject_objects(p)
             if str(o).casefold() == want}
    if not found:
        found = {s for s in g.subjects(RDFS.label, None) if str(s).casefold().endswith("/" + want)}
    return sorted(found, key=str)


def _evidence(g: Graph, s, p, o):
    for ev in g.subjects(RDF.object, o):
        if (ev, RDF.subject, s) in g and (ev, RDF.predicate, p) in g:
            yield ev


def _entries(g: Graph, actor, subject, p, obj, relation: str, fact_date=None) -> list[TimelineEntry]:
    out = []
    for ev in _evidence(g, subject, p, obj):
        article = g.value(ev, PROV.wasDerivedFrom)
        day = fact_date or g.value(ev, NKG.observedOn) or (g.value(article, SCHEMA.datePublished) if article else None)
        source = g.value(article, NKG.sourceFile) if article is not None else None
        sentence = g.value(ev, NKG.sentence)
        rule = g.value(ev, NKG.rule)
        other = obj if subject == actor else subject
        out.append(TimelineEntry(str(day) if day is not None else None, _label(g, actor), relation,
                                 _label(g, other), str(source) if source is not None else None,
                                 str(sentence) if sentence is not None else None,
                                 str(rule) if rule is not None else None))
    return out


def timeline(graph: Graph, actor: str | URIRef) -> list[TimelineEntry]:
    """An actor's stances, proposals and meetings, in date order, each with its source.

    Parameters
    ----------
    graph : every triple of a build (``kg.load(DIR).graph``).
    actor : a label or alternate name ("Russia", "Putin"), or the actor's IRI.

    Returns the entries sorted by date, undated last; [] for an unknown actor.

    Example
    -------
    >>> import kg
    >>> for e in timeline(kg.load("out").graph, "Russia"):  # doctest: +SKIP
    ...     print(e.date, e.relation, e.object, e.article)
    """
    nodes = [actor] if isinstance(actor, URIRef) else find_actor(graph, actor)
    out: list[TimelineEntry] = []
    for node in nodes:
        for p, relation in RELATIONS.items():
            for obj in graph.objects(node, p):
                out += _entries(graph, node, node, p, obj, relation)
        for meeting in graph.subjects(SCHEMA.attendee, node):
            met = graph.value(meeting, SCHEMA.startDate)
            out += _entries(graph, node, meeting, SCHEMA.attendee, node, "attended", met)
    return sorted(set(out), key=TimelineEntry.sort_key)


def stances_over_time(graph: Graph, target: str | None = None, *, frame: bool = False):
    """Every actor's stances (opposes / supports) in date order: the notebooks' plot data.

    Parameters
    ----------
    graph : every triple of a build.
    target : only stances toward this target (label or alternate name, e.g. "missile shield");
        None: toward anything.
    frame : return a pandas DataFrame (columns as TimelineEntry's fields, `date` parsed) instead.

    Example
    -------
    >>> import kg
    >>> df = stances_over_time(kg.load("out").graph, "missile shield", frame=True)  # doctest: +SKIP
    >>> df.pivot_table(index="date", columns="actor", values="relation", aggfunc="count")  # doctest: +SKIP
    """
    wanted = set(find_actor(graph, target)) if target else None
    out: list[TimelineEntry] = []
    for p, relation in STANCES.items():
        for s, o in graph.subject_objects(p):
            if wanted is None or o in wanted:
                out += _entries(graph, s, s, p, o, relation)
    entries = sorted(set(out), key=lambda e: (*e.sort_key()[:2], e.actor, *e.sort_key()[2:]))
    if not frame:
        return entries
    import pandas as pd
    df = pd.DataFrame([asdict(e) for e in entries], columns=list(TimelineEntry.__dataclass_fields__))
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    return df


def format_timeline(entries: list[TimelineEntry]) -> str:
    """One line per entry, then its source sentence, indented:

        2008-03-18  opposes   US missile defense system in Europe   [000_985a7a3cdeee226b.txt stance.critical-of]
                    "Moscow has been highly critical of the US plans ..."
    """
    if not entries:
        return "no stances or meetings found"
    width = max(len(e.object) for e in entries)
    lines = []
    for e in entries:
        source = " ".join(x for x in (e.article, e.rule) if x)
        lines.append(f"{(e.date or 'undated'):<10}  {e.relation:<9} {e.object:<{width}}  [{source}]")
        if e.sentence:
            lines.append(f"{'':<12}\"{' '.join(e.sentence.split())}\"")
    return "\n".join(lines)
