"""Why the graph says what it says: the facts about an entity (or between two) with their evidence.

    find_entities(graph, name) -> list[URIRef]      by label or any alias, case-insensitive
    explain(graph, name, other=None) -> list[Explanation]
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, URIRef

from kg.errors import GraphError
from kg.graph import NKG, PROV, SCHEMA


@dataclass(frozen=True)
class Explanation:
    subject: str
    predicate: str
    object: str
    rule: str
    article: str
    headline: str
    date: str
    sentence: str
    start: int | None


def find_entities(graph: Graph, name: str) -> list[URIRef]:
    """Entities with that name: a label or alias equal to it, else a name ending in it ("Lavrov")."""
    wanted = " ".join(name.casefold().split())
    exact, by_last_word = set(), set()
    for prop in (RDFS.label, SCHEMA.alternateName):
        for node, value in graph.subject_objects(prop):
            text = " ".join(str(value).casefold().split())
            if text == wanted:
                exact.add(node)
            elif text.split()[-1:] == [wanted] and (node, RDF.type, NKG.Meeting) not in graph:
                by_last_word.add(node)
    return sorted(exact or by_last_word)


def _label(graph: Graph, node) -> str:
    if isinstance(node, URIRef) and (node, RDF.type, NKG.Quote) in graph:
        words = " ".join(str(graph.value(node, NKG.text) or "").split())
        return f"quote “{words[:60]}{'…' if len(words) > 60 else ''}”"
    if isinstance(node, URIRef):
        label = graph.value(node, RDFS.label)
        if label is None and (node, RDF.type, NKG.Position) in graph:
            title = graph.value(node, NKG.roleTitle)
            of = graph.value(node, NKG.ofCountry) or graph.value(node, NKG.ofOrganization)
            return f"{title} of {graph.value(of, RDFS.label)}" if of else str(title)
        return str(label) if label is not None else str(node).rsplit("/", 1)[-1]
    return str(node)


def _short(predicate) -> str:
    text = str(predicate)
    for prefix, ns in (("schema:", SCHEMA), ("nkg:", NKG)):
        if text.startswith(str(ns)):
            return prefix + text[len(str(ns)):]
    return text


def explain(graph: Graph, name: str, other: str | None = None) -> list[Explanation]:
    """Facts whose subject or object is the entity (and the other one, if given), with evidence.

    A position (office) counts as the person's: "Lavrov holds position foreign minister of Russia".
    """
    nodes = find_entities(graph, name)
    if not nodes:
        raise GraphError(f"no entity named {name!r} in the graph")
    others = set(find_entities(graph, other)) if other else None
    if other and not others:
        raise GraphError(f"no entity named {other!r} in the graph")
    rows = []
    for ev in graph.subjects(RDF.type, NKG.Evidence):
        s, p, o = graph.value(ev, RDF.subject), graph.value(ev, RDF.predicate), graph.value(ev, RDF.object)
        ends = {s, o}
        if (o, RDF.type, NKG.Position) in graph:
            ends |= {graph.value(o, NKG.ofCountry), graph.value(o, NKG.ofOrganization)}
        if (s, RDF.type, NKG.Quote) in graph:
            ends.add(graph.value(s, NKG.speaker))
        ends.discard(None)  # rdflib reads None as a wildcard: it must never reach a pattern
        rows.append((ev, s, p, o, ends))
    mine = set(nodes)
    if others is not None:
        # two entities are also linked through a node both touch: the meeting they attended
        near_a = {n for *_, ends in rows if ends & mine for n in ends} - mine
        near_b = {n for *_, ends in rows if ends & others for n in ends} - others
        bridges = {n for n in near_a & near_b
                   if (n, RDF.type, NKG.Meeting) in graph or (n, RDF.type, NKG.Proposal) in graph}
    out = []
    for ev, s, p, o, ends in rows:
        if others is None:
            if not ends & mine:
                continue
        elif not ((ends & mine and ends & (others | bridges)) or (ends & others and ends & bridges)):
            continue
        article = graph.value(ev, PROV.wasDerivedFrom)
        start = graph.value(ev, NKG.charStart)
        out.append(Explanation(
            _label(graph, s), _short(p), _label(graph, o), str(graph.value(ev, NKG.rule) or ""),
            str(graph.value(article, NKG.sourceFile) or article), str(graph.value(article, SCHEMA.headline) or ""),
            str(graph.value(article, SCHEMA.datePublished) or ""), str(graph.value(ev, NKG.sentence) or ""),
            int(start) if start is not None else None))
    return sorted(out, key=lambda e: (e.date or "9999", e.article, e.start or 0, e.predicate, e.object))


def format_explanations(items: list[Explanation]) -> str:
    lines = []
    for e in items:
        when = f" ({e.date})" if e.date else ""
        lines.append(f"{e.subject} --{e.predicate}--> {e.object}   [{e.rule}]")
        lines.append(f"    {e.article}{when}: {e.headline}")
        lines.append(f"    “{' '.join(e.sentence.split())}”")
    lines.append(f"{len(items)} facts")
    return "\n".join(lines)
